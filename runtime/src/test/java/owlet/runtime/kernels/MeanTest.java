package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.QuantizedMultiplier;

class MeanTest {
    private static final OperatorOptions KEEP = new OperatorOptions.Reducer(true);
    private static final OperatorOptions DROP = new OperatorOptions.Reducer(false);

    /** NHWC [1,2,2,C] with the four spatial values -1, -2, -3, -4 in every channel (sum -10). */
    private static byte[] spatialValues(int channels, int v0, int step) {
        byte[] q = new byte[4 * channels];
        for (int p = 0; p < 4; p++) {
            for (int c = 0; c < channels; c++) {
                q[p * channels + c] = (byte) (v0 + step * p);
            }
        }
        return q;
    }

    /**
     * Global average pooling, int8, scale 0.5 and zero point 0 in and out: M = 1/4, bias 0. The mean -2.5
     * rounds away from zero to -3 in all 17 channels (TFLite's NEON loop would give -2 in the first 16; the
     * tf2 model's golden outputs need the scalar rule).
     */
    @Test
    void int8GlobalPoolRoundsHalfAwayFromZero() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 2, 2, 17);
        int axes = h.constantInts(new int[] {1, 2}, 2);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 1, 1, 17);
        Kernel k = h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, axes}, out);
        h.set(in, spatialValues(17, -1, -1));
        h.run(k);
        for (byte b : h.get8(out)) {
            assertEquals(-3, b);
        }
    }

    /** uint8, zero point 128 in and out: bias = 128 - (int)(128 + 0.5f) = 0; mean of raw 100..130 is 115. */
    @Test
    void uint8GlobalPoolSumsRawValues() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 128), 1, 2, 2, 3);
        int axes = h.constantInts(new int[] {2, 1}, 2);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 128), 1, 1, 1, 3);
        Kernel k = h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, axes}, out);
        h.set(in, spatialValues(3, 100, 10));
        h.run(k);
        assertArrayEquals(new byte[] {115, 115, 115}, h.get8(out));
    }

    /**
     * keep_dims false goes through TFLite's reference QuantizedMeanOrSum: M = 1 (2^30, shift 1), n = 4,
     * k = 2, M' = 2^30, shift' = -1; -10/4 = -2.5 rounds away from zero.
     */
    @Test
    void int8WithoutKeepDimsUsesReferenceRounding() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 2, 2, 17);
        int axes = h.constantInts(new int[] {1, 2}, 2);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 17);
        Kernel k = h.prepare(BuiltinOp.MEAN, DROP, new int[] {in, axes}, out);
        h.set(in, spatialValues(17, -1, -1));
        h.run(k);
        for (byte b : h.get8(out)) {
            assertEquals(-3, b);
        }
    }

    /** Negative axes are not the optimized kernel's [1, 2] either. */
    @Test
    void negativeAxesTakeTheGenericPath() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 2, 2, 16);
        int axes = h.constantInts(new int[] {-3, -2}, 2);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 1, 1, 16);
        Kernel k = h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, axes}, out);
        h.set(in, spatialValues(16, -1, -1));
        h.run(k);
        for (byte b : h.get8(out)) {
            assertEquals(-3, b);
        }
    }

    @Test
    void randomGlobalPoolMatchesFormula() throws Exception {
        Random r = new Random(9);
        for (int trial = 0; trial < 100; trial++) {
            boolean uint8 = trial % 2 == 0;
            int hh = 1 + r.nextInt(7);
            int ww = 1 + r.nextInt(7);
            int c = 1 + r.nextInt(40);
            int lo = uint8 ? 0 : -128;
            float si = (float) (0.01 + r.nextDouble());
            float so = (float) (si * (0.5 + r.nextDouble()));
            int zi = lo + r.nextInt(256);
            int zo = lo + r.nextInt(256);
            TensorType type = uint8 ? TensorType.UINT8 : TensorType.INT8;
            OpHarness h = new OpHarness();
            int in = h.tensor(type, OpHarness.quant(si, zi), 1, hh, ww, c);
            int axes = h.constantInts(new int[] {1, 2}, 2);
            int out = h.tensor(type, OpHarness.quant(so, zo), 1, 1, 1, c);
            Kernel k = h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, axes}, out);
            byte[] q = new byte[hh * ww * c];
            r.nextBytes(q);
            h.set(in, q);
            h.run(k);
            byte[] got = h.get8(out);
            float t = zi * si / so;
            int bias = zo - (int) (t > 0 ? t + 0.5f : t - 0.5f);
            QuantizedMultiplier m = QuantizedMultiplier.of(si / ((float) (hh * ww) * so));
            for (int ch = 0; ch < c; ch++) {
                int acc = 0;
                for (int p = 0; p < hh * ww; p++) {
                    acc += uint8 ? q[p * c + ch] & 0xFF : q[p * c + ch];
                }
                int v = TfliteRules.mbqm(acc, m.multiplier(), m.shift());
                int want = Math.max(lo, Math.min(lo + 255, v + bias));
                assertEquals(want, uint8 ? got[ch] & 0xFF : got[ch], "trial " + trial + " channel " + ch);
            }
        }
    }

    @Test
    void floatMeansOverAnyAxes() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        int rowAxis = h.constantInts(new int[] {-1}, 1);
        int colAxis = h.constantInts(new int[] {0, 0}, 2);
        int rows = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2);
        int cols = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 3);
        Kernel kr = h.prepare(BuiltinOp.MEAN, DROP, new int[] {in, rowAxis}, rows);
        Kernel kc = h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, colAxis}, cols);
        h.setFloats(in, new float[] {1, 2, 6, -1, -2, -3});
        h.run(kr);
        h.run(kc);
        assertArrayEquals(new float[] {3, -2}, h.getFloats(rows));
        assertArrayEquals(new float[] {0, 0, 1.5f}, h.getFloats(cols));
    }

    @Test
    void rejectsBadAxesAndOutputShape() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 2, 2, 3);
        int bad = h.constantInts(new int[] {4}, 1);
        int ok = h.constantInts(new int[] {1, 2}, 2);
        int dynamic = h.tensor(TensorType.INT32, Quantization.NONE, 2);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 1, 1, 3);
        int wrong = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 3);
        InvalidModelException range = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, bad}, out));
        assertEquals("op #0 MEAN: axis 4 is out of range for input rank 4", range.getMessage());
        InvalidModelException constant = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, dynamic}, out));
        assertTrue(constant.getMessage().contains("must be a constant"), constant.getMessage());
        InvalidModelException shape = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MEAN, KEEP, new int[] {in, ok}, wrong));
        assertTrue(shape.getMessage().contains("expected [1, 1, 1, 3]"), shape.getMessage());
    }
}
