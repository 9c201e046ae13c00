package owlet.bench.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * One layer at a time, built with Owlet's ModelBuilder from seeded random weights and run by Owlet (whose
 * bytes are TFLite's, see the runtime's golden tests) and by ONNX Runtime on the converted graph. ONNX
 * Runtime requantizes in float (round half to even) where TFLite uses a fixed-point multiplier, so a
 * layer may differ by one step; a wrong layout, padding, weight order or clamp differs by far more.
 * Each layer ends in a fused activation whose clamp is narrower than the type, so the Clip is exercised,
 * and a RESHAPE to [1, N], so the output is compared in TFLite's NHWC order.
 */
class TfLiteToOnnxTest {
    private final Random random = new Random(17);

    @Test
    void uint8ConvolutionStride2SamePaddingOddCellAfter() throws Exception {
        // 8x8, 3x3, stride 2, SAME: 4x4 out, 1 padding cell in total per axis, at the bottom and right.
        ModelBuilder b = new ModelBuilder("conv-u8");
        float inScale = 1 / 128f;
        float wScale = 0.02f;
        int in = b.tensor("in", TensorType.UINT8, new int[] {1, 8, 8, 3}, q(inScale, 128), null);
        int w = b.tensor("w", TensorType.UINT8, new int[] {4, 3, 3, 3}, q(wScale, 120), randomBytes(4 * 27));
        int bias = b.tensor("b", TensorType.INT32, new int[] {4}, q(inScale * wScale, 0), randomInts(4, 2000));
        // RELU6 on scale 0.05, zero point 10: TFLite clamps to [10, 10 + 120].
        int out = b.tensor("out", TensorType.UINT8, new int[] {1, 4, 4, 4}, q(0.05f, 10), null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 2, 2, Activation.RELU6, 1, 1),
                new int[] {in, w, bias}, out);
        Model model = flattened(b, in, out, 64, TensorType.UINT8, q(0.05f, 10));

        byte[] owlet = compare(model, 1);
        assertClampHit(owlet, 10, 130);
    }

    @Test
    void int8PerChannelDepthwiseWithClamp() throws Exception {
        ModelBuilder b = new ModelBuilder("depthwise-s8");
        float inScale = 0.05f;
        float[] wScales = new float[6];
        float[] biasScales = new float[6];
        for (int c = 0; c < 6; c++) {
            wScales[c] = 0.01f + 0.004f * c;
            biasScales[c] = inScale * wScales[c];
        }
        int in = b.tensor("in", TensorType.INT8, new int[] {1, 7, 7, 6}, q(inScale, -3), null);
        int w = b.tensor("w", TensorType.INT8, new int[] {1, 3, 3, 6},
                new Quantization(wScales, new long[6], 3), randomBytes(54));
        int bias = b.tensor("b", TensorType.INT32, new int[] {6}, new Quantization(biasScales, new long[6], 0),
                randomInts(6, 3000));
        // RELU6 on scale 0.04, zero point -128: TFLite clamps to [-128, -128 + 150 = 22].
        int out = b.tensor("out", TensorType.INT8, new int[] {1, 7, 7, 6}, q(0.04f, -128), null);
        b.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.RELU6, 1, 1),
                new int[] {in, w, bias}, out);
        Model model = flattened(b, in, out, 7 * 7 * 6, TensorType.INT8, q(0.04f, -128));

        byte[] owlet = compare(model, 1);
        assertClampHit(owlet, -128, 22);
    }

    @Test
    void pointwiseConvolutionPlusItsInputWithRelu() throws Exception {
        ModelBuilder b = new ModelBuilder("add-u8");
        float inScale = 0.02f;
        float wScale = 0.01f;
        int in = b.tensor("in", TensorType.UINT8, new int[] {1, 4, 5, 3}, q(inScale, 100), null);
        int w = b.tensor("w", TensorType.UINT8, new int[] {3, 1, 1, 3}, q(wScale, 128), randomBytes(9));
        int bias = b.tensor("b", TensorType.INT32, new int[] {3}, q(inScale * wScale, 0), randomInts(3, 500));
        int conv = b.tensor("conv", TensorType.UINT8, new int[] {1, 4, 5, 3}, q(0.03f, 90), null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1),
                new int[] {in, w, bias}, conv);
        // RELU on zero point 80: TFLite clamps to [80, 255].
        int sum = b.tensor("sum", TensorType.UINT8, new int[] {1, 4, 5, 3}, q(0.04f, 80), null);
        b.operator(BuiltinOp.ADD, new OperatorOptions.Elementwise(Activation.RELU), new int[] {in, conv}, sum);
        Model model = flattened(b, in, sum, 60, TensorType.UINT8, q(0.04f, 80));

        // The ADD requantizes both of its inputs: a one-step difference of the convolution's output can
        // become two steps of the sum.
        byte[] owlet = compare(model, 2);
        assertClampHit(owlet, 80, 255);
    }

    @Test
    void unsupportedOperatorIsNamed() {
        ModelBuilder b = new ModelBuilder("max-pool");
        int in = b.tensor("in", TensorType.UINT8, new int[] {1, 4, 4, 1}, q(0.1f, 0), null);
        int out = b.tensor("out", TensorType.UINT8, new int[] {1, 2, 2, 1}, q(0.1f, 0), null);
        b.operator(BuiltinOp.MAX_POOL_2D, new OperatorOptions.Pool2D(Padding.VALID, 2, 2, 2, 2, Activation.NONE),
                new int[] {in}, out);
        Model model = flattened(b, in, out, 4, TensorType.UINT8, q(0.1f, 0));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> TfLiteToOnnx.convert(model));
        assertTrue(e.getMessage().startsWith("op #0 MAX_POOL_2D: not covered by the ONNX export"), e.getMessage());
    }

    @Test
    void nchwTransposeMovesEachChannelToItsPlane() {
        // 2x3 pixels, 2 channels: pixel (y, x) channel c holds 100 c + 10 y + x.
        byte[] nhwc = new byte[12];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 2; c++) {
                    nhwc[(y * 3 + x) * 2 + c] = (byte) (100 * c + 10 * y + x);
                }
            }
        }
        byte[] expected = {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112};
        assertEquals(Arrays.toString(expected),
                Arrays.toString(TfLiteToOnnx.toNchw(nhwc, 2, 3, 2)));
    }

    /**
     * Runs the model on Owlet and on ONNX Runtime with one random input and checks that no output byte
     * differs by more than {@code tolerance} steps and that a Clip was written; returns Owlet's output.
     */
    private byte[] compare(Model model, int tolerance) throws Exception {
        byte[] input = randomBytes(model.input(0).elementCount());
        byte[] owlet = new byte[model.output(0).elementCount()];
        try (Interpreter interpreter = Interpreter.create(model, 1)) {
            interpreter.setInput(0, input);
            interpreter.run();
            interpreter.output(0, owlet);
        }
        byte[] ort = new byte[owlet.length];
        int clips;
        try (OrtRunner runner = new OrtRunner(model, 1, null)) {
            runner.setInput(input);
            runner.run();
            runner.output(ort);
            clips = runner.converted().clips();
        }
        boolean unsigned = model.output(0).type() == TensorType.UINT8;
        int max = 0;
        for (int i = 0; i < owlet.length; i++) {
            int a = unsigned ? owlet[i] & 0xFF : owlet[i];
            int o = unsigned ? ort[i] & 0xFF : ort[i];
            max = Math.max(max, Math.abs(a - o));
        }
        assertTrue(max <= tolerance, model.source() + ": ONNX Runtime differs from Owlet by up to " + max
                + " steps, more than " + tolerance);
        assertEquals(1, clips, "fused activations written as Clip");
        return owlet;
    }

    /** Both ends of the clamp occur in the output, so a missing Clip would have shown. */
    private static void assertClampHit(byte[] out, int lo, int hi) {
        boolean unsigned = lo >= 0;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (byte v : out) {
            int x = unsigned ? v & 0xFF : v;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        assertEquals(lo, min, "lowest output value");
        assertEquals(hi, max, "highest output value");
    }

    /** Adds RESHAPE out -> [1, n] and makes it the model's output. */
    private static Model flattened(ModelBuilder b, int in, int out, int n, TensorType type, Quantization q) {
        int flat = b.tensor("flat", type, new int[] {1, n}, q, null);
        b.operator(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {1, n}), new int[] {out}, flat);
        return b.inputs(in).outputs(flat).build();
    }

    private static Quantization q(float scale, int zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] randomInts(int n, int bound) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bytes.putInt(random.nextInt(2 * bound + 1) - bound);
        }
        return bytes.array();
    }
}
