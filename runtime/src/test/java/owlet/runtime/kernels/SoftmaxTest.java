package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

class SoftmaxTest {
    private static final OperatorOptions BETA1 = new OperatorOptions.Softmax(1f);

    private static byte[] run(TensorType type, float inScale, int inZp, int outZp, float beta, byte[] row,
                              int... shape) throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(type, OpHarness.quant(inScale, inZp), shape);
        int out = h.tensor(type, OpHarness.quant(1f / 256, outZp), shape);
        Kernel k = h.prepare(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(beta), new int[] {in}, out);
        h.set(in, row);
        h.run(k);
        return h.get8(out);
    }

    /** Two equal values: each table entry is exp(0) = 1, p = 1 / (2/256) = 128 exactly. */
    @Test
    void twoEqualValuesGiveHalfEach() throws Exception {
        assertArrayEquals(new byte[] {(byte) 128, (byte) 128},
                run(TensorType.UINT8, 0.1f, 128, 0, 1f, new byte[] {(byte) 200, (byte) 200}, 1, 2));
        assertArrayEquals(new byte[] {0, 0}, run(TensorType.INT8, 0.1f, 0, -128, 1f, new byte[] {72, 72}, 1, 2));
    }

    /** 512 equal values: p = 256/512 = 0.5 exactly, which both rules round up (half-even would give 0). */
    @Test
    void exactHalfRoundsUp() throws Exception {
        byte[] u8 = new byte[512];
        Arrays.fill(u8, (byte) 17);
        byte[] got = run(TensorType.UINT8, 0.05f, 0, 0, 1f, u8, 512);
        for (byte b : got) {
            assertEquals(1, b & 0xFF);
        }
        byte[] i8 = new byte[512];
        Arrays.fill(i8, (byte) -3);
        for (byte b : run(TensorType.INT8, 0.05f, 0, -128, 1f, i8, 512)) {
            assertEquals(-127, b);
        }
    }

    /**
     * Input scale 0.09514365, three values at the maximum and one 54 steps below: the last probability
     * rescales to 0.49999997f (0x1.fffffep-2). The uint8 builtin rule (int)(p + 0.5f) gives 1, because the
     * float sum rounds to 1.0; roundf, which the int8 kernel uses, gives 0. (Checked against C's expf.)
     */
    @Test
    void uint8AddsHalfInFloatWhereInt8UsesRoundf() throws Exception {
        byte[] u8 = run(TensorType.UINT8, 0.09514365f, 128, 0, 1f,
                new byte[] {(byte) 200, (byte) 200, (byte) 200, (byte) 146}, 1, 4);
        assertEquals(1, u8[3] & 0xFF);
        byte[] i8 = run(TensorType.INT8, 0.09514365f, 0, -128, 1f, new byte[] {72, 72, 72, 18}, 1, 4);
        assertEquals(-128, i8[3]);
        assertEquals(u8[0] & 0xFF, i8[0] + 128);
    }

    @Test
    void randomRowsMatchStraightforwardFloatRule() throws Exception {
        Random r = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            boolean uint8 = trial % 2 == 0;
            int rows = 1 + r.nextInt(3);
            int depth = 1 + r.nextInt(1100);
            float inScale = (float) (0.005 + 0.3 * r.nextDouble());
            float beta = trial % 5 == 0 ? (float) (0.2 + 2 * r.nextDouble()) : 1f;
            byte[] data = new byte[rows * depth];
            int centre = r.nextInt(256);
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (centre + (int) (r.nextGaussian() * 20));
            }
            TensorType type = uint8 ? TensorType.UINT8 : TensorType.INT8;
            byte[] got = run(type, inScale, 0, uint8 ? 0 : -128, beta, data, rows, depth);
            for (int row = 0; row < rows; row++) {
                int[] x = new int[depth];
                for (int j = 0; j < depth; j++) {
                    int b = data[row * depth + j];
                    x[j] = uint8 ? b & 0xFF : b;
                }
                int max = Arrays.stream(x).max().getAsInt();
                float sum = 0f;
                for (int v : x) {
                    sum += (float) Math.exp(-inScale * beta * (float) (max - v));
                }
                float inv = 1f / (sum * (1f / 256));
                for (int j = 0; j < depth; j++) {
                    float p = (float) Math.exp(-inScale * beta * (float) (max - x[j])) * inv;
                    int want = uint8 ? Math.min(255, (int) (p + 0.5f))
                            : Math.min(127, Math.round(p) - 128); // Math.round is half up, = roundf for p >= 0
                    int have = uint8 ? got[row * depth + j] & 0xFF : got[row * depth + j];
                    assertEquals(want, have, "trial " + trial + " row " + row + " element " + j);
                }
            }
        }
    }

    @Test
    void floatMatchesDoubleSoftmax() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        Kernel k = h.prepare(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(0.5f), new int[] {in}, out);
        float[] x = {1, 2, 3, -1000, 0, 1000};
        h.setFloats(in, x);
        h.run(k);
        float[] got = h.getFloats(out);
        for (int r = 0; r < 2; r++) {
            double max = Math.max(x[3 * r], Math.max(x[3 * r + 1], x[3 * r + 2]));
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                sum += Math.exp(0.5 * (x[3 * r + j] - max));
            }
            for (int j = 0; j < 3; j++) {
                assertEquals(Math.exp(0.5 * (x[3 * r + j] - max)) / sum, got[3 * r + j], 1e-6);
            }
        }
        assertEquals(1f, got[5]);
    }

    @Test
    void rejectsOutputQuantizationTfliteDoesNotAccept() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 128), 1, 10);
        int badZp = h.tensor(TensorType.UINT8, OpHarness.quant(1f / 256, 3), 1, 10);
        int badScale = h.tensor(TensorType.UINT8, OpHarness.quant(1f / 128, 0), 1, 10);
        InvalidModelException zp = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.SOFTMAX, BETA1, new int[] {in}, badZp));
        assertTrue(zp.getMessage().startsWith("op #0 SOFTMAX: output tensor #1"), zp.getMessage());
        assertTrue(zp.getMessage().endsWith("requires scale 1/256 and zero point 0"), zp.getMessage());
        InvalidModelException scale = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.SOFTMAX, BETA1, new int[] {in}, badScale));
        assertTrue(scale.getMessage().contains("scale 0.0078125"), scale.getMessage());

        OpHarness h8 = new OpHarness();
        int in8 = h8.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 1, 10);
        int out8 = h8.tensor(TensorType.INT8, OpHarness.quant(1f / 256, 0), 1, 10);
        InvalidModelException i8 = assertThrows(InvalidModelException.class,
                () -> h8.prepare(BuiltinOp.SOFTMAX, BETA1, new int[] {in8}, out8));
        assertTrue(i8.getMessage().endsWith("zero point -128"), i8.getMessage());
    }

    @Test
    void rejectsTypeChangeAndShapeChange() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 128), 1, 10);
        int outInt8 = h.tensor(TensorType.INT8, OpHarness.quant(1f / 256, -128), 1, 10);
        int outShape = h.tensor(TensorType.UINT8, OpHarness.quant(1f / 256, 0), 10);
        InvalidModelException type = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.SOFTMAX, BETA1, new int[] {in}, outInt8));
        assertTrue(type.getMessage().startsWith("op #0 SOFTMAX: output "), type.getMessage());
        InvalidModelException shape = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.SOFTMAX, BETA1, new int[] {in}, outShape));
        assertTrue(shape.getMessage().contains("expected [1, 10]"), shape.getMessage());
    }
}
