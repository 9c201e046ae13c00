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

class MaximumMinimumTest {
    private static final OperatorOptions NONE = new OperatorOptions.None();

    /** Original values compared as integers, whatever the quantization; a constant vector broadcast. */
    @Test
    void quantizedPicksTheRawValue() throws Exception {
        Random r = new Random(55);
        for (BuiltinOp op : new BuiltinOp[] {BuiltinOp.MAXIMUM, BuiltinOp.MINIMUM}) {
            for (TensorType type : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
                OpHarness h = new OpHarness();
                int[] vc = TextbookOps.randomValues(r, type, 7);
                int a = h.tensor(type, OpHarness.quant(0.1f, TextbookOps.randomZeroPoint(r, type)), 5, 7);
                int c = h.constant8(type, OpHarness.quant(0.3f, 0), vc, 7);
                int o = h.tensor(type, OpHarness.quant(0.2f, 0), 5, 7);
                Kernel k = h.prepare(op, NONE, new int[] {c, a}, o);
                int[] va = TextbookOps.randomValues(r, type, 35);
                h.set8(a, va);
                h.run(k);
                int[] got = h.get8Ints(o);
                for (int i = 0; i < 35; i++) {
                    int want = op == BuiltinOp.MAXIMUM ? Math.max(vc[i % 7], va[i]) : Math.min(vc[i % 7], va[i]);
                    assertEquals(want, got[i], op + " " + type + " element " + i);
                }
            }
        }
    }

    /** {@code el1 > el2 ? el1 : el2}: the second operand wins ties of ±0 and any comparison with NaN. */
    @Test
    void floatFollowsOperandOrderOnZerosAndNaN() throws Exception {
        float[] x = {-0f, 0f, Float.NaN, 1f, Float.NaN};
        float[] y = {0f, -0f, 1f, Float.NaN, Float.NaN};
        float[] max = run(BuiltinOp.MAXIMUM, x, y);
        float[] min = run(BuiltinOp.MINIMUM, x, y);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(max[0]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(max[1]));
        assertEquals(1f, max[2]);
        assertTrue(Float.isNaN(max[3]));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(min[0]));
        assertEquals(1f, min[2]);
        assertTrue(Float.isNaN(min[3]));
    }

    private static float[] run(BuiltinOp op, float[] x, float[] y) throws Exception {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
        int b = h.tensor(TensorType.FLOAT32, Quantization.NONE, y.length);
        int o = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
        Kernel k = h.prepare(op, NONE, new int[] {a, b}, o);
        h.setFloats(a, x);
        h.setFloats(b, y);
        h.run(k);
        return h.getFloats(o);
    }

    @Test
    void floatBroadcastsScalarEitherSide() throws Exception {
        OpHarness h = new OpHarness();
        int s = h.constantFloats(new float[] {2f});
        int a = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int o = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        Kernel k = h.prepare(BuiltinOp.MINIMUM, NONE, new int[] {s, a}, o);
        h.setFloats(a, new float[] {1, 3, -5, 2.5f});
        h.run(k);
        assertArrayEquals(new float[] {1, 2, -5, 2}, h.getFloats(o));
    }

    @Test
    void rejectsMixedTypesAndWrongShape() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 2, 3);
        int b = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 2, 3);
        int o = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 3, 2);
        InvalidModelException types = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MAXIMUM, NONE, new int[] {a, b}, o));
        assertTrue(types.getMessage().startsWith("op #0 MAXIMUM: input 2 "), types.getMessage());
        InvalidModelException shape = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.MINIMUM, NONE, new int[] {a, a}, o));
        assertTrue(shape.getMessage().contains("expected [2, 3]"), shape.getMessage());
    }
}
