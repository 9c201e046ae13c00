package owlet.device.service;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import owlet.runtime.api.Classifier;
import owlet.runtime.api.Detector;
import owlet.runtime.api.Interpreter;
import owlet.runtime.api.Labels;
import owlet.runtime.image.RgbImage;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;

/**
 * The service's model step, chosen by the model: an image classifier ranks labels, an SSD detector (a model
 * ending in TFLite_Detection_PostProcess) finds objects. {@link #open} loads the model and its labels and
 * checks the output rules against them, for {@code owlet run} and for {@code run --check} alike. Not
 * thread-safe: the service's capture worker is its only user.
 */
abstract sealed class Recognizer implements AutoCloseable {
    final Model model;
    final Labels labels;
    final int topK;
    final float threshold;

    private Recognizer(Model model, Labels labels, int topK, float threshold) {
        this.model = model;
        this.labels = labels;
        this.topK = topK;
        this.threshold = threshold;
    }

    /**
     * Loads the configured model with {@code threads} threads, its labels (the configured file, or the one
     * beside the model: {@link Labels#BESIDE_MODEL} for a classifier, {@link Labels#BESIDE_DETECTOR} for a
     * detector) and checks every output rule against both. Label-count mismatches go to {@code warn}.
     */
    static Recognizer open(DeviceConfig c, int threads, Consumer<String> warn)
            throws IOException, InvalidModelException, ConfigException {
        Model model = Model.load(c.model().file());
        boolean detector = Detector.isDetector(model);
        Labels labels = Labels.forModel(c.model().file(), c.model().labels(),
                detector ? Labels.BESIDE_DETECTOR : Labels.BESIDE_MODEL);
        if (!detector) {
            labels = labels.fitOutputs(model.output(0).elementCount(), warn);
        }
        for (OutputRule rule : c.outputs().rules()) {
            rule.checkFor(detector, labels);
        }
        float threshold = Float.isNaN(c.model().threshold()) ? (detector ? Detector.DEFAULT_THRESHOLD : 0f)
                : c.model().threshold();
        Interpreter interpreter = Interpreter.create(model, threads);
        try {
            return detector ? new Detecting(model, new Detector(interpreter, labels), labels, c.model().topK(), threshold)
                    : new Classifying(model, new Classifier(interpreter, labels), labels, c.model().topK(), threshold);
        } catch (InvalidModelException | RuntimeException e) {
            interpreter.close();
            throw e;
        }
    }

    /** Closes the interpreter. */
    @Override
    public abstract void close();

    /** "classifier" or "detector", for messages. */
    abstract String kind();

    abstract Findings analyze(RgbImage picture);

    /** The picture's pixel width and height the model takes. */
    abstract int inputWidth();

    abstract int inputHeight();

    String source() {
        return model.source();
    }

    static final class Classifying extends Recognizer {
        private final Classifier classifier;

        private Classifying(Model model, Classifier classifier, Labels labels, int topK, float threshold) {
            super(model, labels, topK, threshold);
            this.classifier = classifier;
        }

        @Override
        String kind() {
            return "classifier";
        }

        @Override
        Findings analyze(RgbImage picture) {
            return Findings.classified(classifier.classify(picture, topK, threshold));
        }

        @Override
        int inputWidth() {
            return classifier.inputSize();
        }

        @Override
        int inputHeight() {
            return classifier.inputSize();
        }

        @Override
        public void close() {
            classifier.close();
        }
    }

    static final class Detecting extends Recognizer {
        private final Detector detector;

        private Detecting(Model model, Detector detector, Labels labels, int topK, float threshold) {
            super(model, labels, topK, threshold);
            this.detector = detector;
        }

        @Override
        String kind() {
            return "detector";
        }

        @Override
        Findings analyze(RgbImage picture) {
            List<owlet.runtime.api.Detection> found = detector.detect(picture, threshold, topK);
            return Findings.detected(found, picture.width(), picture.height());
        }

        @Override
        int inputWidth() {
            return detector.inputWidth();
        }

        @Override
        int inputHeight() {
            return detector.inputHeight();
        }

        @Override
        public void close() {
            detector.close();
        }
    }
}
