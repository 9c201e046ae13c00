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

class LogisticTest {
    private static final OperatorOptions NONE = new OperatorOptions.None();

    private static int[] runAll(TensorType type, float inScale, int inZp) throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(type, OpHarness.quant(inScale, inZp), 256);
        int out = h.tensor(type, OpHarness.quant(1f / 256, TextbookOps.qmin(type)), 256);
        Kernel k = h.prepare(BuiltinOp.LOGISTIC, NONE, new int[] {in}, out);
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) {
            q[i] = TextbookOps.qmin(type) + i;
        }
        h.set8(in, q);
        h.run(k);
        return h.get8Ints(out);
    }

    /** sigmoid(0) = 0.5 → 128 steps of 1/256; large inputs saturate at the type's top; very negative at 0. */
    @Test
    void handValues() throws Exception {
        int[] i8 = runAll(TensorType.INT8, 0.1f, 0);
        assertEquals(0, i8[128]);
        assertEquals(127, i8[255]); // sigmoid(12.7) · 256 = 255.99... → 256 - 128 = 128 → clamped to 127
        assertEquals(-128, i8[0]);  // sigmoid(-12.8) · 256 = 0.0007 → 0
        int[] u8 = runAll(TensorType.UINT8, 0.1f, 128);
        for (int i = 0; i < 256; i++) {
            assertEquals(i8[i] + 128, u8[i], "uint8 is int8 shifted, value " + i);
        }
        // sigmoid(1) = 0.7310586 → 187.15 → 187
        assertEquals(187 - 128, i8[138]);
    }

    /** Every input byte against round(256 / (1 + e^-x)) in double: equal except at float rounding ties. */
    @Test
    void randomScalesMatchTextbook() throws Exception {
        Random r = new Random(2);
        for (int trial = 0; trial < 100; trial++) {
            TensorType type = trial % 2 == 0 ? TensorType.INT8 : TensorType.UINT8;
            float inScale = TextbookOps.logUniform(r, 1e-3, 1);
            int inZp = TextbookOps.randomZeroPoint(r, type);
            int[] got = runAll(type, inScale, inZp);
            for (int i = 0; i < 256; i++) {
                int q = TextbookOps.qmin(type) + i;
                float x = inScale * (q - inZp);
                double y = 256 / (1 + Math.exp(-(double) x));
                int want = (int) Math.min(TextbookOps.qmax(type), Math.round(y) + TextbookOps.qmin(type));
                double frac = y - Math.floor(y);
                if (Math.abs(frac - 0.5) > 1e-4) {
                    assertEquals(want, got[i], "trial " + trial + " q=" + q);
                }
            }
        }
    }

    @Test
    void floatFormula() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 3);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 3);
        Kernel k = h.prepare(BuiltinOp.LOGISTIC, NONE, new int[] {in}, out);
        h.setFloats(in, new float[] {0, 2, -100});
        h.run(k);
        assertArrayEquals(new float[] {0.5f, 1f / (1f + (float) Math.exp(-2)), 0f}, h.getFloats(out));
    }

    @Test
    void rejectsOutputQuantizationOtherThanTfLites() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 4);
        int scale = h.tensor(TensorType.INT8, OpHarness.quant(1f / 255, -128), 4);
        int zp = h.tensor(TensorType.INT8, OpHarness.quant(1f / 256, 0), 4);
        for (int o : new int[] {scale, zp}) {
            InvalidModelException e = assertThrows(InvalidModelException.class,
                    () -> h.prepare(BuiltinOp.LOGISTIC, NONE, new int[] {in}, o));
            assertTrue(e.getMessage().startsWith("op #0 LOGISTIC: output ") && e.getMessage().contains("requires scale"
                    + " 1/256 and zero point -128"), e.getMessage());
        }
    }
}
