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

class SubTest {
    /**
     * TFLite's rule: ADD's arithmetic with the second input's multiplier negated before rounding, on random
     * scales, zero points, activations and shapes (elementwise, and a vector broadcast on either side).
     */
    @Test
    void randomQuantizedMatchesNegatedMultiplierRule() throws Exception {
        Random r = new Random(41);
        for (int trial = 0; trial < 300; trial++) {
            TensorType type = trial % 2 == 0 ? TensorType.UINT8 : TensorType.INT8;
            Activation act = TextbookOps.ACTIVATIONS[r.nextInt(4)];
            int c = 1 + r.nextInt(9);
            int rows = 1 + r.nextInt(5);
            int shapeCase = trial % 3; // 0 elementwise, 1 vector second, 2 vector first
            int[] s1 = shapeCase == 2 ? new int[] {c} : new int[] {rows, c};
            int[] s2 = shapeCase == 1 ? new int[] {c} : new int[] {rows, c};
            float sc1 = TextbookOps.logUniform(r, 1e-3, 1);
            float sc2 = TextbookOps.logUniform(r, 1e-3, 1);
            float so = (float) (Math.max(sc1, sc2) * (0.3 + 3 * r.nextDouble()));
            int z1 = TextbookOps.randomZeroPoint(r, type);
            int z2 = TextbookOps.randomZeroPoint(r, type);
            int zo = TextbookOps.randomZeroPoint(r, type);
            OpHarness h = new OpHarness();
            int a = h.tensor(type, OpHarness.quant(sc1, z1), s1);
            int b = h.tensor(type, OpHarness.quant(sc2, z2), s2);
            int o = h.tensor(type, OpHarness.quant(so, zo), rows, c);
            Kernel k = h.prepare(BuiltinOp.SUB, new OperatorOptions.Elementwise(act), new int[] {a, b}, o);
            int[] va = TextbookOps.randomValues(r, type, h.get(a).elementCount());
            int[] vb = TextbookOps.randomValues(r, type, h.get(b).elementCount());
            h.set8(a, va);
            h.set8(b, vb);
            h.run(k);
            int[] got = h.get8Ints(o);
            double twiceMax = 2 * Math.max(sc1, sc2);
            QuantizedMultiplier m1 = QuantizedMultiplier.of(sc1 / twiceMax);
            QuantizedMultiplier m2 = QuantizedMultiplier.of(sc2 / twiceMax);
            QuantizedMultiplier mo = QuantizedMultiplier.of(twiceMax / ((1 << 20) * so));
            int[] range = TextbookOps.activationRange(type, so, zo, act);
            for (int i = 0; i < rows * c; i++) {
                int x1 = va[shapeCase == 2 ? i % c : i] - z1;
                int x2 = vb[shapeCase == 1 ? i % c : i] - z2;
                int y1 = TfliteRules.rdbpot(TfliteRules.srdhm(x1 << 20, m1.multiplier()), -m1.shift());
                int y2 = TfliteRules.rdbpot(TfliteRules.srdhm(x2 << 20, -m2.multiplier()), -m2.shift());
                int v = TfliteRules.rdbpot(TfliteRules.srdhm(y1 + y2, mo.multiplier()), -mo.shift()) + zo;
                int want = Math.max(range[0], Math.min(range[1], v));
                assertEquals(want, got[i], "trial " + trial + " element " + i);
            }
        }
    }

    @Test
    void floatSubtractsInOperandOrderWithActivation() throws Exception {
        OpHarness h = new OpHarness();
        int v = h.tensor(TensorType.FLOAT32, Quantization.NONE, 3);
        int m = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        int o = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        Kernel k = h.prepare(BuiltinOp.SUB, new OperatorOptions.Elementwise(Activation.RELU6), new int[] {v, m}, o);
        h.setFloats(v, new float[] {10, 1, -1});
        h.setFloats(m, new float[] {1, 2, 3, 4, -9, -0.5f});
        h.run(k);
        assertArrayEquals(new float[] {6, 0, 0, 6, 6, 0}, h.getFloats(o));
        OpHarness h2 = new OpHarness();
        int a = h2.tensor(TensorType.FLOAT32, Quantization.NONE, 2);
        int o2 = h2.tensor(TensorType.FLOAT32, Quantization.NONE, 2);
        int c = h2.constantFloats(new float[] {0.5f, -Float.MAX_VALUE}, 2);
        Kernel k2 = h2.prepare(BuiltinOp.SUB, new OperatorOptions.Elementwise(Activation.NONE), new int[] {a, c}, o2);
        h2.setFloats(a, new float[] {2, Float.MAX_VALUE});
        h2.run(k2);
        assertArrayEquals(new float[] {1.5f, Float.MAX_VALUE}, h2.getFloats(o2));
    }

    @Test
    void rejectsMixedTypesAndTinyOutputScale() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 2);
        int b = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 2);
        int o = h.tensor(TensorType.UINT8, OpHarness.quant(1e-7f, 0), 2);
        OperatorOptions none = new OperatorOptions.Elementwise(Activation.NONE);
        InvalidModelException types = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.SUB, none, new int[] {a, b}, o));
        assertTrue(types.getMessage().startsWith("op #0 SUB: input 2 "), types.getMessage());
        InvalidModelException scale = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.SUB, none, new int[] {a, a}, o));
        assertTrue(scale.getMessage().startsWith("op #0 SUB: output multiplier"), scale.getMessage());
    }
}
