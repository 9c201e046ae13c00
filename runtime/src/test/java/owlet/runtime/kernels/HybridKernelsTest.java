package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * The hybrid kernels (float32 activations, int8 weights) against hand-worked values, in a context without a
 * planned arena scratch (each kernel then quantizes into a buffer of its own). Inputs are chosen so that
 * their int8 quantization is exact, so the result is the float computation up to the rounding of the
 * scales.
 */
class HybridKernelsTest {

    private static Quantization scales(float... s) {
        return new Quantization(s, new long[s.length], 0);
    }

    /**
     * in = {1.27, -0.635}, weights {2, 3} with scale 0.5, bias 0.25. Symmetric: range 1.27, q = {127, -64}
     * (-63.5 rounds away from zero), scale 0.01: 0.25 + (254 - 192) · 0.005 = 0.56. Asymmetric: scale 0.00747
     * = 1.905 / 255, zero point -43, q = {127, -128}: 0.25 + ((127 + 43)·2 + (-128 + 43)·3) · 0.00374 = 0.5675,
     * the float result 0.25 + 1.27 - 0.9525 itself.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fullyConnectedByHand(boolean asymmetric) throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2);
        int f = h.constant(TensorType.INT8, scales(0.5f), new byte[] {2, 3}, 1, 2);
        int b = h.constantFloats(new float[] {0.25f}, 1);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 1);
        Kernel k = h.prepare(BuiltinOp.FULLY_CONNECTED,
                new OperatorOptions.FullyConnected(Activation.NONE, 0, false, asymmetric), new int[] {in, f, b}, out);
        h.setFloats(in, new float[] {1.27f, -0.635f});
        h.run(k);
        assertEquals(asymmetric ? 0.5675f : 0.56f, h.getFloats(out)[0], 1e-6f);
    }

    /**
     * A 3x3 depthwise filter of ones (scale 1) over a 3x3 input with SAME padding: each output is the sum
     * of the input values in its window, the taps outside adding nothing. The input spans [-0.5, 2.05]:
     * scale 0.01 and zero point -78, so every value (a multiple of 0.01) quantizes exactly and the zero
     * point is not 0 (a padding tap holding the zero point would add 0.78 each).
     */
    @Test
    void depthwisePaddingAddsNothing() throws Exception {
        float[] x = {2.05f, -0.5f, 0.3f, 1.0f, 0.01f, -0.2f, 0.75f, 0f, 1.5f};
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 3, 3, 1);
        byte[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        int f = h.constant(TensorType.INT8, new Quantization(new float[] {1f}, new long[1], 3), ones, 1, 3, 3, 1);
        int b = h.constantFloats(new float[] {0f}, 1);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 3, 3, 1);
        Kernel k = h.prepare(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.NONE, 1, 1), new int[] {in, f, b}, out);
        h.setFloats(in, x);
        h.run(k);
        float[] y = h.getFloats(out);
        for (int oy = 0; oy < 3; oy++) {
            for (int ox = 0; ox < 3; ox++) {
                float sum = 0;
                for (int iy = Math.max(0, oy - 1); iy <= Math.min(2, oy + 1); iy++) {
                    for (int ix = Math.max(0, ox - 1); ix <= Math.min(2, ox + 1); ix++) {
                        sum += x[iy * 3 + ix];
                    }
                }
                assertEquals(sum, y[oy * 3 + ox], 1e-5f, "output " + oy + "," + ox);
            }
        }
    }

    /**
     * CONV_2D 1x1 with two output channels of different scales (so per channel, asymmetric input) and
     * RELU6: in = {0.5, -0.25} per pixel (two pixels: that and {2, 1}); channel 0 weights {2, 4} · 0.25
     * = {0.5, 1}, channel 1 weights {-1, 1} · 2 = {-2, 2}; out = act(w · x + bias).
     */
    @Test
    void perChannelConvolutionByHand() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 1, 2, 2);
        int f = h.constant(TensorType.INT8, scales(0.25f, 2f), new byte[] {2, 4, -1, 1}, 2, 1, 1, 2);
        int b = h.constantFloats(new float[] {0.1f, -0.5f}, 2);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 1, 2, 2);
        Kernel k = h.prepare(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.VALID, 1, 1, Activation.RELU6, 1, 1),
                new int[] {in, f, b}, out);
        h.setFloats(in, new float[] {0.5f, -0.25f, 2f, 1f});
        h.run(k);
        float[] y = h.getFloats(out);
        // pixel 0: 0.25 - 0.25 + 0.1 = 0.1; -1 - 0.5 - 0.5 = -2 -> 0. pixel 1: 1 + 1 + 0.1 = 2.1; -4 + 2 - 0.5 -> 0.
        float[] expected = {0.1f, 0f, 2.1f, 0f};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], y[i], 0.02f, "output " + i);
        }
    }
}
