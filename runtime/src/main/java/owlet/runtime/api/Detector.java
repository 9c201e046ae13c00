package owlet.runtime.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import owlet.runtime.image.Canvas;
import owlet.runtime.image.Preprocess;
import owlet.runtime.image.RgbImage;
import owlet.runtime.kernels.DetectionPostProcess;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Object detection over an interpreter, for SSD models ending in TFLite_Detection_PostProcess: resize
 * the whole picture to the model's input (no crop; each axis on its own), fill the input, run, and read
 * the detections (boxes, classes, scores, count) as {@link Detection}s with boxes in 0..1 of the
 * picture. Not thread-safe: one per thread. {@link #close()} closes the interpreter.
 */
public final class Detector implements AutoCloseable {
    /** Detections scoring below this are not reported unless a threshold is given (detect, owlet run). */
    public static final float DEFAULT_THRESHOLD = 0.5f;
    /** Box colours, by class id. */
    private static final int[] PALETTE = {0xFF4040, 0x40FF40, 0x4080FF, 0xFFFF40, 0xFF40FF, 0x40FFFF, 0xFF9020,
        0xB070FF};
    private final Interpreter interpreter;
    private final Labels labels;
    private final int width;
    private final int height;
    private final ImageInput imageInput;
    /** Model output indices of the post-process op's boxes, classes, scores and count. */
    private final int[] outputs = new int[4];
    private final float[] boxes;
    private final float[] classes;
    private final float[] scores;
    private final float[] count = new float[1];

    public Detector(Interpreter interpreter, Labels labels) throws InvalidModelException {
        this.interpreter = interpreter;
        this.labels = labels;
        Model model = interpreter.model();
        Operator post = postProcess(model);
        if (post == null) {
            throw new InvalidModelException(model.source() + " is not an object detector (it has no "
                    + DetectionPostProcess.CUSTOM_CODE + " operator): use a Classifier (owlet classify)");
        }
        Tensor input = interpreter.inputTensor(0);
        int[] s = input.shape();
        if (s.length != 4 || s[0] != 1 || s[3] != 3 || !ImageInput.supports(input)) {
            throw new InvalidModelException("input " + input.describe()
                    + " is not an image input of shape [1, H, W, 3] and type uint8, int8 or float32");
        }
        this.height = s[1];
        this.width = s[2];
        for (int k = 0; k < 4; k++) {
            outputs[k] = -1;
            for (int i = 0; i < model.outputs().length; i++) {
                if (model.outputs()[i] == post.outputs()[k]) {
                    outputs[k] = i;
                }
            }
            if (outputs[k] < 0) {
                throw new InvalidModelException(post.describe() + ": output " + k + " is not an output of the model");
            }
        }
        this.imageInput = new ImageInput(interpreter);
        this.boxes = new float[model.output(outputs[0]).elementCount()];
        this.classes = new float[model.output(outputs[1]).elementCount()];
        this.scores = new float[model.output(outputs[2]).elementCount()];
    }

    public static Detector create(Model model, Labels labels) throws InvalidModelException {
        return new Detector(Interpreter.create(model), labels);
    }

    /** A detector whose interpreter splits each heavy operator over {@code threads} threads. */
    public static Detector create(Model model, Labels labels, int threads) throws InvalidModelException {
        return new Detector(Interpreter.create(model, threads), labels);
    }

    /** Whether {@code model} is an object detector (has a TFLite_Detection_PostProcess operator). */
    public static boolean isDetector(Model model) {
        return postProcess(model) != null;
    }

    private static Operator postProcess(Model model) {
        for (Operator op : model.operators()) {
            if (op.options() instanceof OperatorOptions.Custom c && c.code().equals(DetectionPostProcess.CUSTOM_CODE)) {
                return op;
            }
        }
        return null;
    }

    @Override
    public void close() {
        interpreter.close();
    }

    public Interpreter interpreter() {
        return interpreter;
    }

    public int inputWidth() {
        return width;
    }

    public int inputHeight() {
        return height;
    }

    /**
     * Resizes {@code image} to the input, runs the model and returns its detections scoring at least
     * {@code threshold}, best first, at most {@code topK}.
     */
    public List<Detection> detect(RgbImage image, float threshold, int topK) {
        imageInput.fill(Preprocess.resize(image, width, height).rgb());
        interpreter.run();
        return detections(threshold, topK);
    }

    /** The detections of the last run scoring at least {@code threshold}, in the model's order (best first). */
    public List<Detection> detections(float threshold, int topK) {
        interpreter.outputAsFloat(outputs[0], boxes);
        interpreter.outputAsFloat(outputs[1], classes);
        interpreter.outputAsFloat(outputs[2], scores);
        interpreter.outputAsFloat(outputs[3], count);
        int n = (int) Math.max(0, Math.min(count[0], scores.length));
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < n && out.size() < topK; i++) {
            if (!(scores[i] >= threshold)) {
                continue;
            }
            // The boxes output holds ymin, xmin, ymax, xmax; several classes per box take
            // consecutive slots, with four box values each.
            int b = 4 * i;
            int cls = (int) classes[i];
            out.add(new Detection(cls, label(cls), scores[i],
                    new Detection.Box(boxes[b + 1], boxes[b], boxes[b + 3], boxes[b + 2])));
        }
        return out;
    }

    /**
     * The label of a class id ({@link Labels#forClassId}): line {@code classId} of a plain label file
     * (coco_labels.txt lists class 0, "person", first; its unused ids read "n/a"), the line after it in an
     * SSD label map that starts with {@code ???}, or the line indexed {@code classId} in an indexed file.
     */
    String label(int classId) {
        return labels.forClassId(classId);
    }

    /** Every output tensor's bytes after the last run, in the model's output order. */
    public byte[][] rawOutputs() {
        byte[][] out = new byte[interpreter.model().outputs().length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = outputBytes(interpreter, i);
        }
        return out;
    }

    /** The bytes of output {@code i}: float32 little-endian, 8-bit as the tensor's own values. */
    static byte[] outputBytes(Interpreter interpreter, int i) {
        Tensor t = interpreter.outputTensor(i);
        if (t.type() != TensorType.FLOAT32) {
            byte[] b = new byte[t.elementCount()];
            interpreter.output(i, b);
            return b;
        }
        float[] f = new float[t.elementCount()];
        interpreter.outputAsFloat(i, f);
        byte[] b = new byte[4 * f.length];
        for (int k = 0; k < f.length; k++) {
            int bits = Float.floatToRawIntBits(f[k]);
            b[4 * k] = (byte) bits;
            b[4 * k + 1] = (byte) (bits >> 8);
            b[4 * k + 2] = (byte) (bits >> 16);
            b[4 * k + 3] = (byte) (bits >> 24);
        }
        return b;
    }

    /** A copy of {@code image} with each detection's box and "label score" caption drawn on it. */
    public static RgbImage drawn(RgbImage image, List<Detection> detections) {
        RgbImage copy = new RgbImage(image.width(), image.height(), image.rgb().clone());
        // Lowest score first, so the best detection's caption ends up on top.
        for (int i = detections.size() - 1; i >= 0; i--) {
            Detection d = detections.get(i);
            Detection.Box px = d.box().inPixels(image.width(), image.height());
            String caption = d.label() + " " + String.format(Locale.ROOT, "%.2f", d.score());
            Canvas.labelledBox(copy, (int) Math.floor(px.xmin()), (int) Math.floor(px.ymin()),
                    (int) Math.ceil(px.xmax()) - 1, (int) Math.ceil(px.ymax()) - 1, caption,
                    PALETTE[Math.floorMod(d.classId(), PALETTE.length)]);
        }
        return copy;
    }
}
