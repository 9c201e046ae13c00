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

class HardSwishTest {
    private static final OperatorOptions NONE = new OperatorOptions.None();

    private static int[] runAll(TensorType type, float inScale, int inZp, float outScale, int outZp)
            throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(type, OpHarness.quant(inScale, inZp), 1, 256);
        int out = h.tensor(type, OpHarness.quant(outScale, outZp), 1, 256);
        Kernel k = h.prepare(BuiltinOp.HARD_SWISH, NONE, new int[] {in}, out);
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) {
            q[i] = TextbookOps.qmin(type) + i;
        }
        h.set8(in, q);
        h.run(k);
        return h.get8Ints(out);
    }

    /** Zero maps to the output zero point exactly; x ≥ 3 is passed through, x ≤ -3 gives 0. */
    @Test
    void handValues() throws Exception {
        int[] got = runAll(TensorType.INT8, 0.05f, 0, 0.05f, -20);
        assertEquals(-20, got[128], "x = 0");
        // x = 100 · 0.05 = 5 → 5 / 0.05 = 100 steps → -20 + 100 = 80 (within one step: fixed-point rounding).
        assertTrue(Math.abs(got[128 + 100] - 80) <= 1, "x = 5: " + got[128 + 100]);
        // x = -5 → 0 → the zero point.
        assertEquals(-20, got[128 - 100], "x = -5");
        int[] u = runAll(TensorType.UINT8, 0.05f, 128, 0.05f, 108);
        for (int i = 0; i < 256; i++) {
            assertEquals(got[i] + 128, u[i], "uint8 is int8 shifted, value " + i);
        }
    }

    /** The fixed-point rule stays within about one output step of the real h-swish, across scales. */
    @Test
    void closeToRealHardSwish() throws Exception {
        Random r = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            float inScale = TextbookOps.logUniform(r, 1e-3, 0.5);
            float outScale = inScale * TextbookOps.logUniform(r, 0.3, 2);
            int inZp = TextbookOps.randomZeroPoint(r, TensorType.INT8);
            int outZp = TextbookOps.randomZeroPoint(r, TensorType.INT8);
            int[] got = runAll(TensorType.INT8, inScale, inZp, outScale, outZp);
            for (int i = 0; i < 256; i++) {
                double x = inScale * (i - 128 - inZp);
                double y = x * Math.min(6, Math.max(0, x + 3)) / 6;
                long want = Math.max(-128, Math.min(127, Math.round(y / outScale) + outZp));
                assertTrue(Math.abs(got[i] - want) <= 2, "trial " + trial + " x=" + x + ": " + got[i] + " vs " + want);
            }
        }
    }

    /** Every input byte against the int16 recipe written out with plain int arithmetic. */
    @Test
    void randomScalesMatchTextbook() throws Exception {
        Random r = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            TensorType type = trial % 2 == 0 ? TensorType.INT8 : TensorType.UINT8;
            float inScale = TextbookOps.logUniform(r, 1e-4, 2);
            float outScale = TextbookOps.logUniform(r, inScale / 100, 5);
            if ((1f / 128) * inScale / outScale >= 0.999f) {
                continue; // rejected by TFLite; tested below
            }
            int inZp = TextbookOps.randomZeroPoint(r, type);
            int outZp = TextbookOps.randomZeroPoint(r, type);
            int[] got = runAll(type, inScale, inZp, outScale, outZp);
            for (int i = 0; i < 256; i++) {
                int q = TextbookOps.qmin(type) + i;
                assertEquals(textbook(q, inScale, inZp, outScale, outZp, type), got[i], "trial " + trial + " q=" + q);
            }
        }
    }

    private static int q15(float real) {
        QuantizedMultiplier m = QuantizedMultiplier.of(real);
        long v = ((long) m.multiplier() + 32768) >> 16;
        return (int) Math.min(32767, v);
    }

    private static int wrap16(int v) {
        return (short) v;
    }

    private static int sat16(long v) {
        return (int) Math.max(-32768, Math.min(32767, v));
    }

    /**
     * gemmlowp's RoundingDivideByPOT on int16: nearest, ties away from zero, for exponents up to 15. From 16 on
     * the mask (2^e - 1) is truncated to 16 bits, i.e. all ones, and the result is x >> e plus 1 when
     * x > -1 + [x < 0]. TensorFlow Lite really does this (SingleOpMatchesTfLiteTest, output exponent -17).
     */
    private static int rdbpot16(int x, int e) {
        if (e >= 16) {
            int mask = -1;
            int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
            return wrap16((x >> e) + ((short) x > threshold ? 1 : 0));
        }
        return TfliteRules.rdbpot(x, e);
    }

    private static int textbook(int q, float inScale, int inZp, float outScale, int outZp, TensorType type) {
        float hires = inScale / 128;
        QuantizedMultiplier mo = QuantizedMultiplier.of(hires / outScale);
        QuantizedMultiplier mr = QuantizedMultiplier.of(hires / (3f / 32768));
        int outM = q15(hires / outScale);
        int reluM = q15(hires / (3f / 32768));
        int v = (q - inZp) * 128;
        int pre = wrap16((v * outM + (v * outM >= 0 ? 16384 : -16383)) / 32768);
        int rel = v;
        if (mr.shift() > 0) {
            rel = sat16((long) rel << (mr.shift() - 1));
        }
        rel = (rel == -32768 && reluM == -32768) ? 32767 : wrap16((rel * reluM + (rel * reluM >= 0 ? 16384 : -16383)) / 32768);
        if (mr.shift() > 0) {
            rel = sat16((long) rel << 1);
        } else if (mr.shift() < 0) {
            rel = rdbpot16(rel, -mr.shift());
        }
        rel = (rel + 32768) >> 1;
        int product = wrap16(rel * pre / 32768);
        int out = wrap16(rdbpot16(product, -mo.shift()) + outZp);
        return Math.max(TextbookOps.qmin(type), Math.min(TextbookOps.qmax(type), out));
    }

    @Test
    void floatFormula() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 6);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 6);
        Kernel k = h.prepare(BuiltinOp.HARD_SWISH, NONE, new int[] {in}, out);
        h.setFloats(in, new float[] {-4, -3, -1.5f, 0, 1.5f, 7});
        h.run(k);
        assertArrayEquals(new float[] {-0f, -0f, -1.5f * 1.5f / 6, 0, 1.5f * 4.5f / 6, 7}, h.getFloats(out));
    }

    @Test
    void rejectsOutputMultiplierOfOneOrMoreAndShapeMismatch() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 4);
        int tiny = h.tensor(TensorType.INT8, OpHarness.quant(1f / 256, 0), 4);
        int wrong = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 5);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.HARD_SWISH, NONE, new int[] {in}, tiny));
        assertTrue(e.getMessage().startsWith("op #0 HARD_SWISH: output multiplier"), e.getMessage());
        InvalidModelException s = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.HARD_SWISH, NONE, new int[] {in}, wrong));
        assertTrue(s.getMessage().contains("expected [4]"), s.getMessage());
    }
}
