package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.QuantizedMultiplier;

class MulTest {
    private static final OperatorOptions NONE = new OperatorOptions.Elementwise(Activation.NONE);

    /** Scales 0.5 · 0.5 / 0.25: the multiplier is exactly 1, out = (q1 - z1)(q2 - z2) + zOut, clamped. */
    @Test
    void unitMultiplierIsExact() throws Exception {
        for (TensorType type : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            int base = type == TensorType.UINT8 ? 128 : 0;
            OpHarness h = new OpHarness();
            int a = h.tensor(type, OpHarness.quant(0.5f, base), 5);
            int b = h.tensor(type, OpHarness.quant(0.5f, base + 2), 5);
            int o = h.tensor(type, OpHarness.quant(0.25f, base - 10), 5);
            Kernel k = h.prepare(BuiltinOp.MUL, NONE, new int[] {a, b}, o);
            h.set8(a, new int[] {base, base + 3, base - 4, base + 11, base + 100});
            h.set8(b, new int[] {base + 9, base + 5, base + 7, base + 12, base + 102});
            h.run(k);
            int lo = TextbookOps.qmin(type);
            assertArrayEquals(new int[] {base - 10, base + 9 - 10, base - 20 - 10, Math.min(lo + 255, base + 110 - 10),
                    lo + 255}, h.get8Ints(o), type.toString());
        }
    }

    /** RELU6 on the output clamps to zp + round(6 / scale). */
    @Test
    void relu6ClampsTheProduct() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 3);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, -128), 3);
        Kernel k = h.prepare(BuiltinOp.MUL, new OperatorOptions.Elementwise(Activation.RELU6), new int[] {a, a}, o);
        h.set8(a, new int[] {5, -20, 100});
        h.run(k);
        // 0.5² = 0.25 → 2.5 steps → 3 (half away from zero); 2² = 4 → 40; 10² = 100 → clamped at 6 → 60.
        assertArrayEquals(new int[] {-128 + 3, -128 + 40, -128 + 60}, h.get8Ints(o));
    }

    @Test
    void randomMatchesTextbookWithBroadcastAndActivations() throws Exception {
        Random r = new Random(17);
        int[][][] shapes = {{{2, 3, 4}, {2, 3, 4}}, {{1, 3, 3, 5}, {1, 1, 1, 5}}, {{1, 1, 1, 6}, {1, 2, 2, 6}},
                {{}, {7}}, {{1, 4, 2}, {1}}};
        for (int trial = 0; trial < 200; trial++) {
            TensorType type = trial % 2 == 0 ? TensorType.UINT8 : TensorType.INT8;
            int[] s1 = shapes[trial % shapes.length][0];
            int[] s2 = shapes[trial % shapes.length][1];
            Activation act = TextbookOps.ACTIVATIONS[r.nextInt(TextbookOps.ACTIVATIONS.length)];
            float sc1 = TextbookOps.logUniform(r, 1e-3, 1);
            float sc2 = TextbookOps.logUniform(r, 1e-3, 1);
            float so = (float) (sc1 * sc2 * 255 * 255 * TextbookOps.logUniform(r, 1e-3, 1));
            int z1 = TextbookOps.randomZeroPoint(r, type);
            int z2 = TextbookOps.randomZeroPoint(r, type);
            int zo = TextbookOps.randomZeroPoint(r, type);
            OpHarness h = new OpHarness();
            int a = h.tensor(type, OpHarness.quant(sc1, z1), s1);
            int b = h.tensor(type, OpHarness.quant(sc2, z2), s2);
            int[] outShape = s1.length >= s2.length && h.get(a).elementCount() >= h.get(b).elementCount() ? s1 : s2;
            int o = h.tensor(type, OpHarness.quant(so, zo), outShape);
            Kernel k = h.prepare(BuiltinOp.MUL, new OperatorOptions.Elementwise(act), new int[] {a, b}, o);
            int n1 = h.get(a).elementCount();
            int n2 = h.get(b).elementCount();
            int[] q1 = TextbookOps.randomValues(r, type, n1);
            int[] q2 = TextbookOps.randomValues(r, type, n2);
            h.set8(a, q1);
            h.set8(b, q2);
            h.run(k);
            int[] got = h.get8Ints(o);
            QuantizedMultiplier m = TextbookOps.channelMultiplier(sc1, sc2, so);
            int[] range = TextbookOps.activationRange(type, so, zo, act);
            int n = got.length;
            for (int i = 0; i < n; i++) {
                // Both broadcast cases here repeat the smaller input along leading dimensions.
                int c1 = q1[i % n1] - z1;
                int c2 = q2[i % n2] - z2;
                int want = TextbookOps.requantize((long) c1 * c2, m, zo, range[0], range[1]);
                assertEquals(want, got[i], "trial " + trial + " element " + i);
            }
        }
    }

    /** A constant operand (the hard sigmoid's 1/6) is read from the model, not the arena. */
    @Test
    void constantOperand() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(6f / 255, -128), 1, 4);
        int c = h.constant8(TensorType.INT8, OpHarness.quant(1f / 6 / 255, -128), new int[] {127}, 1);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(1f / 255, -128), 1, 4);
        Kernel k = h.prepare(BuiltinOp.MUL, NONE, new int[] {a, c}, o);
        h.set8(a, new int[] {-128, -1, 50, 127});
        h.run(k);
        // x · 1/6 on [0, 6] → [0, 1]: out steps = x steps (multiplier 1, product (q + 128) · 255).
        assertArrayEquals(new int[] {-128, -1, 50, 127}, h.get8Ints(o));
    }

    @Test
    void floatMultipliesWithActivationAndConstant() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        int c = h.constantFloats(new float[] {0.5f, -2f, 3f}, 3);
        int o = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        Kernel k = h.prepare(BuiltinOp.MUL, new OperatorOptions.Elementwise(Activation.RELU6), new int[] {a, c}, o);
        h.setFloats(a, new float[] {1, 2, 3, -4, 5, 6});
        h.run(k);
        assertArrayEquals(new float[] {0.5f, 0, 6, 0, 0, 6}, h.getFloats(o));
    }

    @Test
    void rejectsBadShapesAndTypes() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 4, 4, 3);
        int b = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 4, 4, 2);
        int u = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 4, 4, 3);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 4, 4, 3);
        InvalidModelException shapes = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MUL, NONE, new int[] {a, b}, o));
        assertTrue(shapes.getMessage().startsWith(
                "op #0 MUL: input shapes [1, 4, 4, 3] and [1, 4, 4, 2] are not broadcastable"), shapes.getMessage());
        InvalidModelException types = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MUL, NONE, new int[] {a, u}, o));
        assertTrue(types.getMessage().startsWith("op #0 MUL: input 2 "), types.getMessage());
        InvalidModelException arity = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MUL, NONE, new int[] {a}, o));
        assertTrue(arity.getMessage().contains("has 1 inputs, expected 2"), arity.getMessage());
    }
}
