package owlet.runtime.api;

import java.util.ArrayList;
import java.util.List;
import owlet.runtime.image.Preprocess;
import owlet.runtime.image.RgbImage;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Image classification over an interpreter: preprocess (central crop at the input's aspect ratio, bilinear
 * resize to the model's input, gray for a 1-channel input: {@link Preprocess#forInput}), fill the input
 * tensor, run, rank the outputs. Ranking is by quantized value, highest
 * first, ties to the lower index, as in TFLite's reference outputs. Not thread-safe: one per thread.
 * {@link #close()} closes the interpreter (and stops its worker threads, if any).
 */
public final class Classifier implements AutoCloseable {
    private final Interpreter interpreter;
    private final Labels labels;
    private final int width;
    private final int height;
    private final int channels;
    private final Tensor input;
    private final Tensor output;
    private final ImageInput imageInput;
    private final float[] scores;
    private final byte[] raw;

    public Classifier(Interpreter interpreter, Labels labels) throws InvalidModelException {
        this.interpreter = interpreter;
        this.labels = labels;
        this.input = interpreter.inputTensor(0);
        this.output = interpreter.outputTensor(0);
        if (Detector.isDetector(interpreter.model())) {
            throw new InvalidModelException(interpreter.model().source() + " is an object detector ("
                    + owlet.runtime.kernels.DetectionPostProcess.CUSTOM_CODE + "), not a classifier: use a Detector "
                    + "(owlet detect)");
        }
        int[] s = input.shape();
        if (s.length != 4 || s[0] != 1 || s[1] < 1 || s[2] < 1 || (s[3] != 3 && s[3] != 1)) {
            throw new InvalidModelException("input " + input.describe()
                    + " is not an image input of shape [1, height, width, 3] or [1, height, width, 1]");
        }
        if (!ImageInput.supports(input)) {
            throw new InvalidModelException("input " + input.describe() + " has unsupported type " + input.type());
        }
        if (output.type() != TensorType.UINT8 && output.type() != TensorType.INT8 && output.type() != TensorType.FLOAT32) {
            throw new InvalidModelException("output " + output.describe() + " has unsupported type " + output.type());
        }
        this.height = s[1];
        this.width = s[2];
        this.channels = s[3];
        this.imageInput = new ImageInput(interpreter);
        this.scores = new float[output.elementCount()];
        this.raw = new byte[output.byteSize()];
    }

    public static Classifier create(Model model, Labels labels) throws InvalidModelException {
        return new Classifier(Interpreter.create(model), labels);
    }

    /** A classifier whose interpreter splits each heavy operator over {@code threads} threads. */
    public static Classifier create(Model model, Labels labels, int threads) throws InvalidModelException {
        return new Classifier(Interpreter.create(model, threads), labels);
    }

    @Override
    public void close() {
        interpreter.close();
    }

    public Interpreter interpreter() {
        return interpreter;
    }

    /** The side of the square input image the model takes (its height, for a non-square input). */
    public int inputSize() {
        return height;
    }

    public int inputWidth() {
        return width;
    }

    public int inputHeight() {
        return height;
    }

    /** 3 for RGB, 1 for gray. */
    public int inputChannels() {
        return channels;
    }

    /** The number of scores the model gives: the output tensor's element count. */
    public int outputCount() {
        return scores.length;
    }

    /** {@code image} as the input takes it: {@link Preprocess#forInput} at the input's shape. */
    public byte[] prepare(RgbImage image) {
        return Preprocess.forInput(image, width, height, channels);
    }

    /** Preprocesses {@code image}, runs the model and returns the best {@code topK} with score ≥ threshold. */
    public List<Classification> classify(RgbImage image, int topK, float threshold) {
        fillInput(prepare(image));
        interpreter.run();
        return ranked(topK, threshold);
    }

    /**
     * Fills the input from prepared pixel bytes ({@link #prepare}: height × width × channels): uint8 as is,
     * int8 as {@code byte - 128}, float as {@code (byte - 127.5) / 127.5} (MobileNet's [-1, 1] normalisation).
     */
    public void fillInput(byte[] rgb) {
        imageInput.fill(rgb);
    }

    /**
     * The raw bytes of the output tensor after the last run: one byte per value for uint8 and int8, and for
     * float32 each value's four bytes, little-endian (as in a {@code .tflite} buffer).
     */
    public byte[] rawOutput() {
        if (output.type() == TensorType.FLOAT32) {
            interpreter.outputAsFloat(0, scores);
            for (int i = 0; i < scores.length; i++) {
                int bits = Float.floatToRawIntBits(scores[i]);
                raw[4 * i] = (byte) bits;
                raw[4 * i + 1] = (byte) (bits >> 8);
                raw[4 * i + 2] = (byte) (bits >> 16);
                raw[4 * i + 3] = (byte) (bits >> 24);
            }
        } else {
            interpreter.output(0, raw);
        }
        return raw.clone();
    }

    /** The top results of the last run. */
    public List<Classification> ranked(int topK, float threshold) {
        interpreter.outputAsFloat(0, scores);
        int k = Math.min(Math.max(topK, 0), scores.length);
        List<Classification> out = new ArrayList<>(k);
        boolean[] taken = new boolean[scores.length];
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int i = 0; i < scores.length; i++) {
                if (!taken[i] && (best < 0 || scores[i] > scores[best])) {
                    best = i;
                }
            }
            if (scores[best] < threshold) {
                break;
            }
            taken[best] = true;
            out.add(new Classification(best, labels.get(best), scores[best]));
        }
        return out;
    }
}
