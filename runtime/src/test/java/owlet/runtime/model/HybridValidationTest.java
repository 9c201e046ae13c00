package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.HybridModels;
import owlet.runtime.api.Interpreter;

/**
 * A hybrid model (float32 activations, int8 weights) whose weight quantization cannot be right is refused
 * when it is loaded and prepared, with one line naming the tensor or operator and the field.
 */
class HybridValidationTest {

    private static byte[] le(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }

    private static int onlyPosition(byte[] data, byte[] pattern) {
        int found = -1;
        for (int i = 0; i + pattern.length <= data.length; i++) {
            if (java.util.Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
                assertEquals(-1, found, "pattern occurs twice in the written model");
                found = i;
            }
        }
        assertTrue(found >= 0, "pattern not found in the written model");
        return found;
    }

    private static String refusal(byte[] file) {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> Interpreter.create(Model.parse(ByteBuffer.wrap(file), "hybrid.tflite")).close());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static String refusal(Model m) {
        return refusal(ModelWriter.toBytes(m));
    }

    @Test
    void theUnpatchedModelLoadsAndRuns() throws Exception {
        byte[] file = ModelWriter.toBytes(HybridModels.graph());
        try (Interpreter i = Interpreter.create(Model.parse(ByteBuffer.wrap(file), "hybrid.tflite"))) {
            i.setInput(0, HybridModels.input());
            i.run();
            float[] out = new float[10];
            i.outputAsFloat(0, out);
            for (float v : out) {
                assertTrue(Float.isFinite(v), "finite logits");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -0.5f})
    void aWeightScaleThatIsNotPositiveAndFiniteIsRefused(float bad) {
        byte[] file = ModelWriter.toBytes(HybridModels.graph());
        int at = onlyPosition(file, le(HybridModels.MARKER_SCALE));
        System.arraycopy(le(bad), 0, file, at, 4);
        String message = refusal(file);
        assertTrue(message.contains("'conv_filter'") && message.contains("quantization scale")
                && message.contains("not a positive finite number"), message);
    }

    private static ModelBuilder conv(int[] filterShape, Quantization q, int outC) {
        ModelBuilder b = new ModelBuilder("hybrid");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {1, 5, 5, 4}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, filterShape, q, new byte[filterShape[0] * filterShape[1]
                * filterShape[2] * filterShape[3]]);
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {1, 5, 5, outC}, Quantization.NONE, null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1),
                new int[] {in, f}, out);
        return b.inputs(in).outputs(out);
    }

    @Test
    void perChannelScalesAlongTheInputChannelsAreRefused() {
        // [Cout 4, 3, 3, Cin 4] with 4 scales along dimension 3: the count fits the shape, the axis does not.
        float[] s = {0.01f, 0.02f, 0.03f, 0.04f};
        String message = refusal(conv(new int[] {4, 3, 3, 4}, new Quantization(s, new long[4], 3), 4).build());
        assertTrue(message.startsWith("op #0 CONV_2D: int8 filter tensor #1 'filter'")
                && message.contains("quantized_dimension 3, expected 1 or 4 along dimension 0"), message);
    }

    @Test
    void aPerChannelScaleCountThatDoesNotMatchTheChannelsIsRefused() {
        // Written field by field (the builder refuses this): 3 scales for a filter of 4 output channels.
        Tensor in = new Tensor(0, "in", TensorType.FLOAT32, new int[] {1, 5, 5, 4}, Quantization.NONE, null);
        Tensor f = new Tensor(1, "filter", TensorType.INT8, new int[] {4, 3, 3, 4},
                new Quantization(new float[] {0.01f, 0.02f, 0.03f}, new long[3], 0), new byte[144]);
        Tensor out = new Tensor(2, "out", TensorType.FLOAT32, new int[] {1, 5, 5, 4}, Quantization.NONE, null);
        Operator op = new Operator(0, 3, BuiltinOp.CONV_2D, "CONV_2D", 1, new int[] {0, 1}, new int[] {2},
                new OperatorOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1));
        Model m = new Model("hybrid", "", java.util.List.of(in, f, out), java.util.List.of(op), new int[] {0},
                new int[] {2});
        String message = refusal(ModelWriter.toBytes(m));
        assertTrue(message.contains("'filter'") && message.contains("3 per-channel scales do not match"), message);
    }

    @Test
    void aWeightZeroPointIsRefused() {
        String message = refusal(conv(new int[] {4, 3, 3, 4},
                new Quantization(new float[] {0.01f}, new long[] {3}, 0), 4).build());
        assertTrue(message.startsWith("op #0 CONV_2D: int8 filter") && message.contains("zero point 3"), message);
    }

    @Test
    void aHybridOperatorMustWriteFloats() {
        ModelBuilder b = new ModelBuilder("hybrid");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {1, 20}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {3, 20},
                new Quantization(new float[] {0.01f}, new long[1], 0), new byte[60]);
        int out = b.tensor("out", TensorType.INT8, new int[] {1, 3},
                new Quantization(new float[] {0.1f}, new long[1], 0), null);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false, true),
                new int[] {in, f}, out);
        String message = refusal(b.inputs(in).outputs(out).build());
        assertTrue(message.startsWith("op #0 FULLY_CONNECTED: output") && message.contains("expected [FLOAT32]"),
                message);
    }

    @Test
    void aDepthMultiplierOptionThatContradictsTheShapesIsRefused() {
        ModelBuilder b = new ModelBuilder("hybrid");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {1, 5, 5, 2}, Quantization.NONE, null);
        int f = b.tensor("filter", TensorType.INT8, new int[] {1, 3, 3, 4},
                new Quantization(new float[] {0.01f, 0.02f, 0.03f, 0.04f}, new long[4], 3), new byte[36]);
        int out = b.tensor("out", TensorType.FLOAT32, new int[] {1, 5, 5, 4}, Quantization.NONE, null);
        b.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.NONE, 1, 1), new int[] {in, f}, out);
        String message = refusal(b.inputs(in).outputs(out).build());
        assertTrue(message.startsWith("op #0 DEPTHWISE_CONV_2D: depth_multiplier = 1"), message);
    }
}
