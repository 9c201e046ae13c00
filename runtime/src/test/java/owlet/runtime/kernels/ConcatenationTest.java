package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

class ConcatenationTest {
    private static OperatorOptions axis(int a) {
        return new OperatorOptions.Concatenation(a, Activation.NONE);
    }

    /** [2,2,1] ++ [2,2,2] along the last axis (given as 2 and as -1): per (y, x), 1 then 2 channels. */
    @Test
    void floatLastAxis() throws Exception {
        for (int a : new int[] {2, -1}) {
            OpHarness h = new OpHarness();
            int x = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 2, 1);
            int y = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 2, 2);
            int o = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 2, 3);
            Kernel k = h.prepare(BuiltinOp.CONCATENATION, axis(a), new int[] {x, y}, o);
            h.setFloats(x, new float[] {1, 2, 3, 4});
            h.setFloats(y, new float[] {10, 11, 20, 21, 30, 31, 40, 41});
            h.run(k);
            assertArrayEquals(new float[] {1, 10, 11, 2, 20, 21, 3, 30, 31, 4, 40, 41}, h.getFloats(o));
        }
    }

    /** Along axis 0 the inputs are simply stacked, three of them here. */
    @Test
    void int8FirstAxisWithEqualQuantization() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 3), 1, 2);
        int b = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 3), 2, 2);
        int c = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 3), 1, 2);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 3), 4, 2);
        Kernel k = h.prepare(BuiltinOp.CONCATENATION, axis(0), new int[] {a, b, c}, o);
        h.set(a, new byte[] {1, 2});
        h.set(b, new byte[] {3, 4, 5, 6});
        h.set(c, new byte[] {-7, -8});
        h.run(k);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, -7, -8}, h.get8(o));
    }

    /**
     * uint8 input 1 (0.5, 10) into an output (0.25, 0): scale = 0.5 · (1/0.25) = 2, bias = -20, so
     * q_out = clamp(2q - 20); input 2 has the output's parameters and is copied.
     */
    @Test
    void uint8RescalesOnlyTheInputThatDiffers() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 10), 1, 4);
        int b = h.tensor(TensorType.UINT8, OpHarness.quant(0.25f, 0), 1, 2);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(0.25f, 0), 1, 6);
        Kernel k = h.prepare(BuiltinOp.CONCATENATION, axis(1), new int[] {a, b}, o);
        h.set(a, new byte[] {0, 12, 100, (byte) 200});
        h.set(b, new byte[] {(byte) 250, 7});
        h.run(k);
        assertArrayEquals(new byte[] {0, 4, (byte) 180, (byte) 255, (byte) 250, 7}, h.get8(o));
    }

    /** roundf in float: 0.3 · (1/0.2) = 1.5 (in float 1.4999999 or 1.5000001) — compare with the formula. */
    @Test
    void uint8RescaleFollowsFloatFormula() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(0.3f, 7), 256);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(0.2f, 120), 256);
        Kernel k = h.prepare(BuiltinOp.CONCATENATION, axis(0), new int[] {a}, o);
        byte[] q = new byte[256];
        for (int i = 0; i < 256; i++) {
            q[i] = (byte) i;
        }
        h.set(a, q);
        h.run(k);
        byte[] got = h.get8(o);
        float scale = 0.3f * (1.f / 0.2f);
        float bias = -7 * scale;
        for (int i = 0; i < 256; i++) {
            float v = i * scale + bias;
            int r = (int) Math.signum(v) * (int) Math.floor(Math.abs(v) + 0.5);
            int want = Math.max(0, Math.min(255, r + 120));
            assertTrue(want == (got[i] & 0xFF), "value " + i + ": want " + want + " got " + (got[i] & 0xFF));
        }
    }

    @Test
    void rejectsInt8RescalingActivationAndBadShapes() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 2, 2);
        int b = h.tensor(TensorType.INT8, OpHarness.quant(0.25f, 0), 2, 2);
        int wide = h.tensor(TensorType.INT8, OpHarness.quant(0.25f, 0), 2, 3);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(0.25f, 0), 2, 4);
        InvalidModelException rescale = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONCATENATION, axis(1), new int[] {a, b}, o));
        assertTrue(rescale.getMessage().startsWith("op #0 CONCATENATION: input 0 tensor #0"), rescale.getMessage());
        assertTrue(rescale.getMessage().endsWith("TFLite's int8 CONCATENATION does not rescale"), rescale.getMessage());
        InvalidModelException act = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONCATENATION, new OperatorOptions.Concatenation(1, Activation.RELU),
                        new int[] {b, b}, o));
        assertTrue(act.getMessage().contains("fused activation RELU"), act.getMessage());
        InvalidModelException sum = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONCATENATION, axis(1), new int[] {b, wide}, o));
        assertTrue(sum.getMessage().contains("inputs add up to 5 along axis 1, but the output has 4"),
                sum.getMessage());
        InvalidModelException other = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONCATENATION, axis(0), new int[] {b, wide}, o));
        assertTrue(other.getMessage().contains("outside axis 0"), other.getMessage());
        InvalidModelException range = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONCATENATION, axis(-3), new int[] {b, b}, o));
        assertTrue(range.getMessage().contains("axis -3 is out of range for output rank 2"), range.getMessage());
    }
}
