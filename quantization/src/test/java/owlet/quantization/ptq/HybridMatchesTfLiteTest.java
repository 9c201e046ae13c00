package owlet.quantization.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * Hybrid ("dynamic-range") operators — float32 activations, int8 weights — written by Owlet's own
 * {@link ModelWriter} and run by Owlet and by TensorFlow Lite 2.18 itself (builtin kernels, one thread) on
 * the same pseudo-random float input: CONV_2D (strides 1 and 2, SAME and VALID, dilation, per-tensor and
 * per-channel weights), DEPTHWISE_CONV_2D (depth multipliers 1 and more, dilation) and FULLY_CONNECTED (2-D
 * and 4-D inputs, symmetric and asymmetric input quantization), with and without a fused RELU or RELU6, and
 * a graph of them. Every output float must have the same bits as TFLite's ({@code assertArrayEquals} on
 * floats compares bits too, up to NaN).
 *
 * <p>Three forms TFLite does not compute as written are refused by Owlet, and the tests show what TFLite
 * does with them. Not tested: a hybrid DEPTHWISE_CONV_2D without a bias, which crashes TFLite 2.18 (the
 * forked test JVM dies); Owlet adds nothing there.
 */
class HybridMatchesTfLiteTest {

    /** How a test's weights are scaled: one scale, one per channel, or one per channel all equal. */
    enum Scales { TENSOR, CHANNEL, EQUAL }

    private static Quantization weightsQuantization(Random r, int channels, Scales kind, int dim) {
        float[] scales = new float[kind == Scales.TENSOR ? 1 : channels];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = kind == Scales.EQUAL && i > 0 ? scales[0] : 0.002f + 0.02f * r.nextFloat();
        }
        return new Quantization(scales, new long[scales.length], dim);
    }

    private static Quantization weightsQuantization(Random r, int channels, boolean perChannel, int dim) {
        return weightsQuantization(r, channels, perChannel ? Scales.CHANNEL : Scales.TENSOR, dim);
    }

    private static byte[] int8Weights(Random r, int n) {
        byte[] w = new byte[n];
        for (int i = 0; i < n; i++) {
            w[i] = (byte) (r.nextInt(255) - 127);
        }
        return w;
    }

    private static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static float[] randomFloats(Random r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextFloat();
        }
        return v;
    }

    private static int outSize(Padding padding, int in, int k, int stride, int dilation) {
        int effective = (k - 1) * dilation + 1;
        return padding == Padding.SAME ? (in + stride - 1) / stride : (in - effective + stride) / stride;
    }

    /** Runs {@code m} in Owlet and TFLite on {@code x} and requires bit-identical float outputs. */
    private static void assertSameAsTfLite(Model m, float[] x, String what) throws Exception {
        byte[] file = ModelWriter.toBytes(m);
        Model parsed = Model.parse(ByteBuffer.wrap(file), what);
        float[] mine = new float[parsed.output(0).elementCount()];
        try (Interpreter owlet = Interpreter.create(parsed)) {
            owlet.setInput(0, x);
            owlet.run();
            owlet.outputAsFloat(0, mine);
        }
        // Split over three threads (the input quantized once, then ranges of rows or units): the same.
        float[] threaded = new float[mine.length];
        try (Interpreter owlet = Interpreter.create(parsed, 3)) {
            owlet.setInput(0, x);
            owlet.run();
            owlet.outputAsFloat(0, threaded);
        }
        assertArrayEquals(mine, threaded, what + ": on three threads");
        byte[] theirs;
        try (TfLite tflite = new TfLite(file)) {
            theirs = tflite.runRaw(new byte[][] {floatBytes(x)}, 1)[0];
        }
        assertEquals(4 * mine.length, theirs.length, what + ": output size");
        ByteBuffer t = ByteBuffer.wrap(theirs).order(ByteOrder.LITTLE_ENDIAN);
        int differing = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < mine.length; i++) {
            float tf = t.getFloat(4 * i);
            if (Float.floatToRawIntBits(tf) != Float.floatToRawIntBits(mine[i])) {
                if (differing++ < 5) {
                    first.append(String.format(" [%d] owlet %s tflite %s", i, mine[i], tf));
                }
            }
        }
        if (differing > 0) {
            fail(what + ": " + differing + " of " + mine.length + " outputs differ from TFLite:" + first);
        }
    }

    @ParameterizedTest(name = "conv {0}x{1}x{2} -> {3}, {4}x{5} stride {6} {7} perChannel={8} {9} batches={10} dilation={11}")
    @CsvSource({
        "9, 9, 3, 4, 3, 3, 1, SAME, false, NONE, 1, 1",
        "9, 9, 3, 4, 3, 3, 1, SAME, true, NONE, 1, 1",
        "10, 8, 5, 6, 3, 3, 2, VALID, true, RELU, 1, 1",
        "10, 8, 5, 6, 3, 3, 2, SAME, false, RELU6, 1, 1",
        "11, 11, 4, 8, 3, 3, 2, SAME, true, RELU6, 2, 1",
        "7, 6, 8, 5, 1, 1, 1, VALID, true, NONE, 1, 1",
        "7, 6, 8, 5, 1, 1, 1, VALID, false, RELU, 2, 1",
        "12, 12, 3, 7, 5, 5, 2, SAME, false, NONE, 1, 1",
        "11, 11, 3, 4, 3, 3, 1, SAME, false, NONE, 1, 2",
        "11, 11, 3, 4, 3, 3, 2, SAME, true, RELU, 1, 2",
        "11, 11, 3, 4, 3, 3, 1, VALID, true, NONE, 1, 3",
    })
    void conv(int h, int w, int inC, int outC, int kh, int kw, int stride, Padding padding, boolean perChannel,
              Activation act, int batches, int dilation) throws Exception {
        Random r = new Random(h * 1000 + inC * 100 + outC * 10 + stride + (perChannel ? 7 : 0) + batches);
        ModelBuilder b = new ModelBuilder("hybrid_conv").description("hybrid test");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {batches, h, w, inC}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {outC, kh, kw, inC},
                weightsQuantization(r, outC, perChannel, 0), int8Weights(r, outC * kh * kw * inC));
        int bias = b.tensor("bias", TensorType.FLOAT32, new int[] {outC}, Quantization.NONE,
                floatBytes(randomFloats(r, outC, -0.5f, 0.5f)));
        int outH = outSize(padding, h, kh, stride, dilation);
        int outW = outSize(padding, w, kw, stride, dilation);
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {batches, outH, outW, outC}, Quantization.NONE, null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(padding, stride, stride, act, dilation, dilation),
                new int[] {in, f, bias}, out);
        Model m = b.inputs(in).outputs(out).build();
        assertSameAsTfLite(m, randomFloats(r, batches * h * w * inC, -3f, 2f), "conv");
    }

    @ParameterizedTest(name = "depthwise {0}x{1}x{2} m={3}, {4}x{5} stride {6} {7} {8} batches={9} {10} dilation={11}")
    @CsvSource({
        "9, 9, 4, 1, 3, 3, 1, SAME, NONE, 1, CHANNEL, 1",
        "9, 9, 4, 1, 3, 3, 2, VALID, RELU6, 1, CHANNEL, 1",
        "10, 7, 3, 2, 3, 3, 1, SAME, RELU, 1, CHANNEL, 1",
        "10, 7, 3, 3, 3, 3, 2, SAME, NONE, 2, CHANNEL, 1",
        "8, 8, 16, 1, 5, 5, 2, SAME, RELU6, 1, CHANNEL, 1",
        "6, 6, 2, 4, 2, 2, 1, VALID, NONE, 1, CHANNEL, 1",
        "9, 9, 4, 2, 3, 3, 2, SAME, NONE, 1, EQUAL, 1",
        "11, 11, 3, 1, 3, 3, 1, SAME, RELU, 1, CHANNEL, 2",
        "11, 11, 3, 2, 3, 3, 2, SAME, NONE, 1, CHANNEL, 2",
    })
    void depthwise(int h, int w, int inC, int m, int kh, int kw, int stride, Padding padding, Activation act,
                   int batches, Scales scales, int dilation) throws Exception {
        Random r = new Random(h * 1000 + inC * 100 + m * 10 + stride + batches);
        int outC = inC * m;
        ModelBuilder b = new ModelBuilder("hybrid_depthwise").description("hybrid test");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {batches, h, w, inC}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {1, kh, kw, outC},
                weightsQuantization(r, outC, scales, 3), int8Weights(r, kh * kw * outC));
        int bias = b.tensor("bias", TensorType.FLOAT32, new int[] {outC}, Quantization.NONE,
                floatBytes(randomFloats(r, outC, -0.5f, 0.5f)));
        int outH = outSize(padding, h, kh, stride, dilation);
        int outW = outSize(padding, w, kw, stride, dilation);
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {batches, outH, outW, outC}, Quantization.NONE, null);
        b.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(padding, stride, stride, m, act, dilation, dilation),
                new int[] {in, f, bias}, out);
        Model model = b.inputs(in).outputs(out).build();
        assertSameAsTfLite(model, randomFloats(r, batches * h * w * inC, -1f, 4f), "depthwise");
    }

    @ParameterizedTest(name = "fc input {0} depth {1} units {2} perChannel={3} asymmetric={4} {5}")
    @CsvSource({
        "'2,20', 20, 7, false, false, NONE",
        "'3,33', 33, 5, false, true, RELU6",
        "'3,33', 33, 8, true, true, NONE",
        "'1,2,3,5', 30, 6, false, false, RELU6",
        "'2,3,4,5', 20, 9, true, true, RELU",
        "'2,3,4,5', 20, 9, false, true, NONE",
    })
    void fullyConnected(String inShape, int depth, int units, boolean perChannel, boolean asymmetric,
                        Activation act) throws Exception {
        int[] shape = java.util.Arrays.stream(inShape.split(",")).mapToInt(Integer::parseInt).toArray();
        int n = java.util.Arrays.stream(shape).reduce(1, (a, c) -> a * c);
        int batches = n / depth;
        Random r = new Random(n * 100 + units * 10 + (perChannel ? 1 : 0) + (asymmetric ? 2 : 0));
        ModelBuilder b = new ModelBuilder("hybrid_fc").description("hybrid test");
        int in = b.tensor("in", TensorType.FLOAT32, shape, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {units, depth},
                weightsQuantization(r, units, perChannel, 0), int8Weights(r, units * depth));
        int bias = b.tensor("bias", TensorType.FLOAT32, new int[] {units}, Quantization.NONE,
                floatBytes(randomFloats(r, units, -0.5f, 0.5f)));
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {batches, units}, Quantization.NONE, null);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(act, 0, false, asymmetric),
                new int[] {in, f, bias}, out);
        Model m = b.inputs(in).outputs(out).build();
        assertSameAsTfLite(m, randomFloats(r, n, -2f, 3f), "fully connected");
    }

    private static Model convModel(Random r, Scales scales, Activation act) {
        ModelBuilder b = new ModelBuilder("hybrid_conv").description("hybrid test");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {1, 8, 8, 3}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {4, 3, 3, 3},
                weightsQuantization(r, 4, scales, 0), int8Weights(r, 4 * 3 * 3 * 3));
        int bias = b.tensor("bias", TensorType.FLOAT32, new int[] {4}, Quantization.NONE,
                floatBytes(new float[] {0.25f, -0.5f, 0.125f, 7f}));
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {1, 8, 8, 4}, Quantization.NONE, null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 1, 1, act, 1, 1),
                new int[] {in, f, bias}, out);
        return b.inputs(in).outputs(out).build();
    }

    private static float[] tfliteOutput(Model m, float[] x) {
        byte[] out;
        try (TfLite tflite = new TfLite(ModelWriter.toBytes(m))) {
            out = tflite.runRaw(new byte[][] {floatBytes(x)}, 1)[0];
        }
        float[] v = new float[out.length / 4];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static String refusal(Model m) {
        Exception e = assertThrows(InvalidModelException.class,
                () -> Interpreter.create(Model.parse(ByteBuffer.wrap(ModelWriter.toBytes(m)), "hybrid")));
        return e.getMessage();
    }

    /**
     * A CONV_2D whose per-channel scales are all equal: TFLite runs its per-tensor kernel, whose scale it
     * reads from the tensor's single-scale field, unset for a per-channel tensor (0), so every output is
     * the bias (after the activation). Owlet refuses the model instead of reproducing that.
     */
    @ParameterizedTest(name = "conv with equal per-channel scales, {0}")
    @CsvSource({"NONE", "RELU6"})
    void convWithEqualScalesIsRefused(Activation act) {
        Model m = convModel(new Random(77), Scales.EQUAL, act);
        float[] tf = tfliteOutput(m, randomFloats(new Random(78), 8 * 8 * 3, -3f, 2f));
        float[] bias = {0.25f, -0.5f, 0.125f, 7f};
        for (int i = 0; i < tf.length; i++) {
            float expected = act == Activation.RELU6 ? Math.min(6f, Math.max(0f, bias[i % 4])) : bias[i % 4];
            assertEquals(expected, tf[i], "TFLite output " + i + " (the bias alone)");
        }
        String message = refusal(m);
        assertTrue(message.contains("op #0 CONV_2D") && message.contains("all equal"), message);
    }

    /** TFLite refuses a hybrid DEPTHWISE_CONV_2D with one weight scale; so does Owlet, saying why. */
    @Test
    void depthwiseWithOneScaleIsRefused() {
        Random r = new Random(5);
        ModelBuilder b = new ModelBuilder("hybrid_depthwise").description("hybrid test");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {1, 6, 6, 4}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {1, 3, 3, 4}, weightsQuantization(r, 4, Scales.TENSOR, 3),
                int8Weights(r, 36));
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {1, 6, 6, 4}, Quantization.NONE, null);
        b.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.NONE, 1, 1), new int[] {in, f}, out);
        Model m = b.inputs(in).outputs(out).build();
        assertThrows(IllegalStateException.class, () -> new TfLite(ModelWriter.toBytes(m)), "TFLite prepare");
        String message = refusal(m);
        assertTrue(message.contains("op #0 DEPTHWISE_CONV_2D") && message.contains("one per output channel"), message);
    }

    /**
     * A FULLY_CONNECTED with per-channel weight scales and symmetric input quantization: this machine's TFLite
     * (its portable hybrid kernel) drops the per-channel scales and multiplies by the input scale alone, so
     * its output equals that of the same model with a single weight scale of 1. Owlet refuses the model.
     */
    @Test
    void perChannelFullyConnectedWithSymmetricInputsIsRefused() throws Exception {
        Random r = new Random(11);
        byte[] weights = int8Weights(r, 7 * 20);
        float[] bias = randomFloats(r, 7, -0.5f, 0.5f);
        float[] x = randomFloats(r, 40, -2f, 3f);
        Model perChannel = fcModel(weightsQuantization(r, 7, Scales.CHANNEL, 0), weights, bias);
        Model unitScale = fcModel(new Quantization(new float[] {1f}, new long[] {0}, 0), weights, bias);
        assertArrayEquals(tfliteOutput(unitScale, x), tfliteOutput(perChannel, x), "TFLite ignores the scales");
        assertSameAsTfLite(unitScale, x, "fully connected, unit scale");
        String message = refusal(perChannel);
        assertTrue(message.contains("op #0 FULLY_CONNECTED") && message.contains("asymmetric_quantize_inputs"), message);
    }

    private static Model fcModel(Quantization q, byte[] weights, float[] bias) {
        ModelBuilder b = new ModelBuilder("hybrid_fc").description("hybrid test");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {2, 20}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {7, 20}, q, weights);
        int bb = b.tensor("bias", TensorType.FLOAT32, new int[] {7}, Quantization.NONE, floatBytes(bias));
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {2, 7}, Quantization.NONE, null);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false, false),
                new int[] {in, f, bb}, out);
        return b.inputs(in).outputs(out).build();
    }

    /**
     * Hybrid operators in one graph, so that each one's quantized input lives in the arena beside the
     * tensors live at its step: CONV_2D (stride 2, per-channel), DEPTHWISE_CONV_2D, CONV_2D 1x1 (per-tensor),
     * RESHAPE and FULLY_CONNECTED (asymmetric inputs), on one thread and on two.
     */
    @ParameterizedTest(name = "{0} thread(s)")
    @CsvSource({"1", "2"})
    void graphOfHybridOperators(int threads) throws Exception {
        Random r = new Random(99);
        ModelBuilder b = new ModelBuilder("hybrid_graph").description("hybrid test");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {1, 16, 16, 3}, Quantization.NONE, null);
        int f1 = b.tensor("f1", TensorType.INT8, new int[] {8, 3, 3, 3}, weightsQuantization(r, 8, true, 0),
                int8Weights(r, 8 * 27));
        int b1 = b.tensor("b1", TensorType.FLOAT32, new int[] {8}, Quantization.NONE,
                floatBytes(randomFloats(r, 8, -0.5f, 0.5f)));
        int t1 = b.tensor("t1", TensorType.FLOAT32, new int[] {1, 8, 8, 8}, Quantization.NONE, null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 2, 2, Activation.RELU6, 1, 1),
                new int[] {in, f1, b1}, t1);
        int f2 = b.tensor("f2", TensorType.INT8, new int[] {1, 3, 3, 8}, weightsQuantization(r, 8, true, 3),
                int8Weights(r, 72));
        int b2 = b.tensor("b2", TensorType.FLOAT32, new int[] {8}, Quantization.NONE,
                floatBytes(randomFloats(r, 8, -0.5f, 0.5f)));
        int t2 = b.tensor("t2", TensorType.FLOAT32, new int[] {1, 8, 8, 8}, Quantization.NONE, null);
        b.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.RELU6, 1, 1),
                new int[] {t1, f2, b2}, t2);
        int f3 = b.tensor("f3", TensorType.INT8, new int[] {4, 1, 1, 8}, weightsQuantization(r, 4, false, 0),
                int8Weights(r, 32));
        int b3 = b.tensor("b3", TensorType.FLOAT32, new int[] {4}, Quantization.NONE,
                floatBytes(randomFloats(r, 4, -0.5f, 0.5f)));
        int t3 = b.tensor("t3", TensorType.FLOAT32, new int[] {1, 8, 8, 4}, Quantization.NONE, null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1),
                new int[] {t2, f3, b3}, t3);
        int t4 = b.tensor("t4", TensorType.FLOAT32, new int[] {1, 256}, Quantization.NONE, null);
        b.operator(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {1, 256}), new int[] {t3}, t4);
        int f5 = b.tensor("f5", TensorType.INT8, new int[] {10, 256}, weightsQuantization(r, 10, true, 0),
                int8Weights(r, 2560));
        int b5 = b.tensor("b5", TensorType.FLOAT32, new int[] {10}, Quantization.NONE,
                floatBytes(randomFloats(r, 10, -0.5f, 0.5f)));
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {1, 10}, Quantization.NONE, null);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false, true),
                new int[] {t4, f5, b5}, out);
        Model m = b.inputs(in).outputs(out).build();
        float[] x = randomFloats(r, 16 * 16 * 3, -1f, 1f);
        float[] mine = new float[10];
        try (Interpreter owlet = Interpreter.create(Model.parse(ByteBuffer.wrap(ModelWriter.toBytes(m)), "graph"),
                threads)) {
            owlet.setInput(0, x);
            owlet.run();
            owlet.outputAsFloat(0, mine);
        }
        assertArrayEquals(tfliteOutput(m, x), mine, "graph output");
    }
}
