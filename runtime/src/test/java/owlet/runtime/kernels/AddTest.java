package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PairTable;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.QuantizedMultiplier;

class AddTest {
    private static final OperatorOptions NONE = new OperatorOptions.Elementwise(Activation.NONE);

    /** Equal scales 0.5: every step is exact, out = (q1 - z1) + (q2 - z2) + zOut. */
    @ParameterizedTest
    @ValueSource(ints = {5, 16, 21})
    void equalScalesAreExactUint8(int n) throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 128), 1, n);
        int b = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 100), 1, n);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 50), 1, n);
        Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o);
        byte[] qa = new byte[n];
        byte[] qb = new byte[n];
        byte[] want = new byte[n];
        for (int i = 0; i < n; i++) {
            qa[i] = (byte) (120 + i);
            qb[i] = (byte) (90 + 2 * i);
            want[i] = (byte) Math.min(255, (120 + i - 128) + (90 + 2 * i - 100) + 50);
        }
        h.set(a, qa);
        h.set(b, qb);
        h.run(k);
        assertArrayEquals(want, h.get8(o));
    }

    /** The same numbers as int8 (every zero point 128 lower) give the same results 128 lower. */
    @ParameterizedTest
    @ValueSource(ints = {5, 16, 21})
    void equalScalesAreExactInt8(int n) throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, n);
        int b = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, -28), 1, n);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, -78), 1, n);
        Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o);
        byte[] qa = new byte[n];
        byte[] qb = new byte[n];
        byte[] want = new byte[n];
        for (int i = 0; i < n; i++) {
            qa[i] = (byte) (i - 8);
            qb[i] = (byte) (-38 + 2 * i);
            want[i] = (byte) Math.min(127, (i - 8) + (-38 + 2 * i + 28) - 78);
        }
        h.set(a, qa);
        h.set(b, qb);
        h.run(k);
        assertArrayEquals(want, h.get8(o));
    }

    @Test
    void relu6ClampsToSixOverScale() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 0), 4);
        int b = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 0), 4);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 0), 4);
        Kernel k = h.prepare(BuiltinOp.ADD, new OperatorOptions.Elementwise(Activation.RELU6), new int[] {a, b}, o);
        h.set(a, new byte[] {10, 30, 50, (byte) 200});
        h.set(b, new byte[] {5, 30, 20, (byte) 200});
        h.run(k);
        assertArrayEquals(new byte[] {15, 60, 60, 60}, h.get8(o));
    }

    /**
     * Input 2's scale is 2^-20 of input 1's and input 1 sits at its zero point, so only x2 = c2/2 matters and
     * the output multiplier is 1/2. Rounding is the scalar rule at every position, also over lengths where
     * TFLite's NEON code would use vector blocks: 5/2 rounds to 3 (half away from zero), then 3/2 to 2 (SRDHM
     * ties up); uint8 out = 100 + 2.
     */
    @Test
    void uint8RoundsHalfAwayAtEveryPosition() throws Exception {
        for (byte b : halfStepCase(TensorType.UINT8, 9, 100, 105)) {
            assertEquals(102, b & 0xFF);
        }
    }

    /** int8, c2 = -7: -3.5 rounds to -4, then -4/2 = -2 exactly. */
    @Test
    void int8RoundsHalfAwayAtEveryPosition() throws Exception {
        for (byte b : halfStepCase(TensorType.INT8, 17, 0, -7)) {
            assertEquals(-2, b);
        }
    }

    private static byte[] halfStepCase(TensorType type, int n, int zp, int q2) throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(type, OpHarness.quant(1f, zp), n);
        int b = h.tensor(type, OpHarness.quant(0x1p-20f, zp), n);
        int o = h.tensor(type, OpHarness.quant(0x1p-18f, zp), n);
        Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o);
        byte[] qa = new byte[n];
        byte[] qb = new byte[n];
        Arrays.fill(qa, (byte) zp);
        Arrays.fill(qb, (byte) q2);
        h.set(a, qa);
        h.set(b, qb);
        h.run(k);
        return h.get8(o);
    }

    @Test
    void randomUint8AndInt8MatchScalarFormula() throws Exception {
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            boolean uint8 = trial % 2 == 0;
            int n = 1 + r.nextInt(40);
            float s1 = (float) Math.exp(r.nextGaussian() * 3);
            float s2 = (float) Math.exp(r.nextGaussian() * 3);
            float so = (float) (Math.max(s1, s2) * (0.3 + 3 * r.nextDouble()));
            int lo = uint8 ? 0 : -128;
            int z1 = lo + r.nextInt(256);
            int z2 = lo + r.nextInt(256);
            int zo = lo + r.nextInt(256);
            TensorType type = uint8 ? TensorType.UINT8 : TensorType.INT8;
            OpHarness h = new OpHarness();
            int a = h.tensor(type, OpHarness.quant(s1, z1), n);
            int b = h.tensor(type, OpHarness.quant(s2, z2), n);
            int o = h.tensor(type, OpHarness.quant(so, zo), n);
            Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o);
            byte[] qa = new byte[n];
            byte[] qb = new byte[n];
            r.nextBytes(qa);
            r.nextBytes(qb);
            h.set(a, qa);
            h.set(b, qb);
            h.run(k);
            byte[] got = h.get8(o);
            double twiceMax = 2 * Math.max(s1, s2);
            QuantizedMultiplier m1 = QuantizedMultiplier.of(s1 / twiceMax);
            QuantizedMultiplier m2 = QuantizedMultiplier.of(s2 / twiceMax);
            QuantizedMultiplier mo = QuantizedMultiplier.of(twiceMax / ((1 << 20) * so));
            for (int i = 0; i < n; i++) {
                int c1 = (uint8 ? qa[i] & 0xFF : qa[i]) - z1;
                int c2 = (uint8 ? qb[i] & 0xFF : qb[i]) - z2;
                int want = clamp(scalarAdd(c1, c2, m1, m2, mo) + zo, lo);
                int have = uint8 ? got[i] & 0xFF : got[i];
                assertEquals(want, have, "trial " + trial + " element " + i);
            }
        }
    }

    private static int clamp(int v, int lo) {
        return Math.max(lo, Math.min(lo + 255, v));
    }

    private static int scalarAdd(int c1, int c2, QuantizedMultiplier m1, QuantizedMultiplier m2,
                                 QuantizedMultiplier mo) {
        int x1 = TfliteRules.rdbpot(TfliteRules.srdhm(c1 << 20, m1.multiplier()), -m1.shift());
        int x2 = TfliteRules.rdbpot(TfliteRules.srdhm(c2 << 20, m2.multiplier()), -m2.shift());
        return TfliteRules.rdbpot(TfliteRules.srdhm(x1 + x2, mo.multiplier()), -mo.shift());
    }

    /**
     * [1,2,2,3] + [3]: the vector is added at every position, with the second input's parameters.
     */
    /**
     * The table of two activations against the reference arithmetic on every pair of input bytes, for random
     * scales, zero points and activations in both types; split into three parts as the threads run it.
     */
    @Test
    void tableEqualsReferenceOnEveryPairOfBytes() throws Exception {
        Random r = new Random(9);
        Activation[] activations = {Activation.NONE, Activation.RELU, Activation.RELU6};
        int n = 256 * 256;
        for (int trial = 0; trial < 6; trial++) {
            TensorType type = trial % 2 == 0 ? TensorType.UINT8 : TensorType.INT8;
            int lo = type == TensorType.UINT8 ? 0 : -128;
            OpHarness h = new OpHarness();
            int a = h.tensor(type, OpHarness.quant(0.005f + r.nextFloat() * 0.2f, lo + r.nextInt(256)), 1, n);
            int b = h.tensor(type, OpHarness.quant(0.005f + r.nextFloat() * 0.2f, lo + r.nextInt(256)), 1, n);
            int o = h.tensor(type, OpHarness.quant(0.02f + r.nextFloat() * 0.3f, lo + r.nextInt(256)), 1, n);
            OpContext ctx = h.context(BuiltinOp.ADD, new OperatorOptions.Elementwise(activations[trial % 3]),
                    new int[] {a, b}, new int[] {o}, 3);
            Kernel reference = Add.prepare(ctx, false);
            Kernel table = Add.prepare(ctx, true);
            assertTrue(table instanceof PairTable, table.getClass().getName());
            byte[] qa = new byte[n];
            byte[] qb = new byte[n];
            for (int i = 0; i < n; i++) {
                qa[i] = (byte) (i >> 8);
                qb[i] = (byte) i;
            }
            h.set(a, qa);
            h.set(b, qb);
            h.run(reference);
            byte[] want = h.get8(o);
            h.set(o, new byte[n]);
            for (int part = 0; part < 3; part++) {
                h.run((PartitionedKernel) table, part, 3);
            }
            assertArrayEquals(want, h.get8(o), "trial " + trial + ", " + type);
        }
    }

    @Test
    void broadcastsChannelVectorWithScalarRule() throws Exception {
        Random r = new Random(3);
        for (TensorType type : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            OpHarness h = new OpHarness();
            boolean uint8 = type == TensorType.UINT8;
            int zp = uint8 ? 128 : 0;
            float s1 = 0.05f;
            float s2 = 0.02f;
            float so = 0.07f;
            int a = h.tensor(type, OpHarness.quant(s1, zp + 3), 1, 2, 2, 3);
            int b = h.tensor(type, OpHarness.quant(s2, zp - 5), 3);
            int o = h.tensor(type, OpHarness.quant(so, zp + 1), 1, 2, 2, 3);
            Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o);
            byte[] qa = new byte[12];
            byte[] qb = new byte[3];
            r.nextBytes(qa);
            r.nextBytes(qb);
            h.set(a, qa);
            h.set(b, qb);
            h.run(k);
            byte[] got = h.get8(o);
            double twiceMax = 2 * Math.max(s1, s2);
            QuantizedMultiplier m1 = QuantizedMultiplier.of(s1 / twiceMax);
            QuantizedMultiplier m2 = QuantizedMultiplier.of(s2 / twiceMax);
            QuantizedMultiplier mo = QuantizedMultiplier.of(twiceMax / ((1 << 20) * so));
            int lo = uint8 ? 0 : -128;
            for (int i = 0; i < 12; i++) {
                int c1 = (uint8 ? qa[i] & 0xFF : qa[i]) - (zp + 3);
                int c2 = (uint8 ? qb[i % 3] & 0xFF : qb[i % 3]) - (zp - 5);
                int want = clamp(scalarAdd(c1, c2, m1, m2, mo) + zp + 1, lo);
                assertEquals(want, uint8 ? got[i] & 0xFF : got[i], type + " element " + i);
            }
        }
    }

    /** A scalar first input against 20 elements. */
    @Test
    void broadcastsScalarFirstInput() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0));
        int b = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 20);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 20);
        Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o);
        byte[] qb = new byte[20];
        byte[] want = new byte[20];
        for (int i = 0; i < 20; i++) {
            qb[i] = (byte) (i * 5 - 50);
            want[i] = (byte) Math.max(-128, Math.min(127, i * 5 - 50 + 7));
        }
        h.set(a, new byte[] {7});
        h.set(b, qb);
        h.run(k);
        assertArrayEquals(want, h.get8(o));
    }

    @Test
    void floatAddsWithActivationAndBroadcast() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        int b = h.tensor(TensorType.FLOAT32, Quantization.NONE, 3);
        int o = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        Kernel k = h.prepare(BuiltinOp.ADD, new OperatorOptions.Elementwise(Activation.RELU), new int[] {a, b}, o);
        h.setFloats(a, new float[] {1, -2, 3, 4, -5, -0f});
        h.setFloats(b, new float[] {0.5f, 1, -4});
        h.run(k);
        float[] got = h.getFloats(o);
        assertArrayEquals(new float[] {1.5f, 0, 0, 4.5f, 0, 0}, got);
    }

    @Test
    void floatNoneClampsOverflowToFloatMax() throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2);
        int o = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2);
        Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, a}, o);
        h.setFloats(a, new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
        h.run(k);
        assertArrayEquals(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE}, h.getFloats(o));
    }

    @Test
    void rejectsMismatchedShapes() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 4, 4, 3);
        int b = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 4, 4, 2);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 4, 4, 3);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o));
        assertTrue(e.getMessage().startsWith(
                "op #0 ADD: input shapes [1, 4, 4, 3] and [1, 4, 4, 2] are not broadcastable"), e.getMessage());
    }

    /**
     * [1,4,1,3] + [1,1,5,1] needs the generic broadcast: every output element is the scalar rule on the two
     * elements its index selects.
     */
    @Test
    void genericBroadcastAppliesScalarRulePerElement() throws Exception {
        Random r = new Random(12);
        for (TensorType type : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            OpHarness h = new OpHarness();
            int lo = TextbookOps.qmin(type);
            int a = h.tensor(type, OpHarness.quant(0.04f, lo + 120), 1, 4, 1, 3);
            int b = h.tensor(type, OpHarness.quant(0.03f, lo + 130), 1, 1, 5, 1);
            int o = h.tensor(type, OpHarness.quant(0.05f, lo + 125), 1, 4, 5, 3);
            Kernel k = h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o);
            int[] va = TextbookOps.randomValues(r, type, 12);
            int[] vb = TextbookOps.randomValues(r, type, 5);
            h.set8(a, va);
            h.set8(b, vb);
            h.run(k);
            int[] got = h.get8Ints(o);
            QuantizedMultiplier m1 = QuantizedMultiplier.of(0.04f / (2 * 0.04));
            QuantizedMultiplier m2 = QuantizedMultiplier.of(0.03f / (2 * (double) 0.04f));
            QuantizedMultiplier mo = QuantizedMultiplier.of(2 * (double) 0.04f / ((1 << 20) * 0.05f));
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 5; j++) {
                    for (int c = 0; c < 3; c++) {
                        int want = clamp(scalarAdd(va[i * 3 + c] - lo - 120, vb[j] - lo - 130, m1, m2, mo) + lo + 125, lo);
                        assertEquals(want, got[(i * 5 + j) * 3 + c], type + " at " + i + "," + j + "," + c);
                    }
                }
            }
        }
    }

    @Test
    void rejectsGenericBroadcastBeyondSixDimensions() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 1, 1, 1, 4, 1, 3);
        int b = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 1, 1, 1, 1, 5, 1);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 1, 1, 1, 4, 5, 3);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, o));
        assertTrue(e.getMessage().startsWith("op #0 ADD: broadcasting shapes [1, 1, 1, 1, 4, 1, 3] and"),
                e.getMessage());
    }

    @Test
    void rejectsWrongOutputShapeAndMixedTypes() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 2, 3);
        int b = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 2, 3);
        int c = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 2, 3);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 3, 2);
        InvalidModelException types = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.ADD, NONE, new int[] {a, b}, c));
        assertTrue(types.getMessage().startsWith("op #0 ADD: input 2 "), types.getMessage());
        InvalidModelException shape = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.ADD, NONE, new int[] {a, c}, o));
        assertTrue(shape.getMessage().contains("expected [2, 3]"), shape.getMessage());
    }

    @Test
    void rejectsOutputScaleTooSmallForLeftShift() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 2);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(1e-7f, 0), 2);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.ADD, NONE, new int[] {a, a}, o));
        assertTrue(e.getMessage().startsWith("op #0 ADD: output multiplier"), e.getMessage());
    }
}
