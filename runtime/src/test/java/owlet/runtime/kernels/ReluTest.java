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

class ReluTest {
    private static final BuiltinOp[] OPS = {BuiltinOp.RELU, BuiltinOp.RELU6, BuiltinOp.RELU_N1_TO_1};
    private static final Activation[] BOUNDS = {Activation.RELU, Activation.RELU6, Activation.RELU_N1_TO_1};

    /**
     * Every input byte, random scales: {@code clamp(z_out + MBQM(q - z_in, s_in/s_out in float))} to the
     * activation's range on the output, as TFLite's ReluX.
     */
    @Test
    void everyByteRequantizesAndClamps() throws Exception {
        Random r = new Random(19);
        for (int trial = 0; trial < 120; trial++) {
            int which = trial % 3;
            TensorType type = trial % 2 == 0 ? TensorType.UINT8 : TensorType.INT8;
            float sIn = TextbookOps.logUniform(r, 1e-3, 0.5);
            float sOut = TextbookOps.logUniform(r, 1e-3, 0.5);
            int zIn = TextbookOps.randomZeroPoint(r, type);
            int zOut = TextbookOps.randomZeroPoint(r, type);
            OpHarness h = new OpHarness();
            int in = h.tensor(type, OpHarness.quant(sIn, zIn), 256);
            int out = h.tensor(type, OpHarness.quant(sOut, zOut), 256);
            Kernel k = h.prepare(OPS[which], new OperatorOptions.None(), new int[] {in}, out);
            int[] values = new int[256];
            for (int i = 0; i < 256; i++) {
                values[i] = TextbookOps.qmin(type) + i;
            }
            h.set8(in, values);
            h.run(k);
            int[] got = h.get8Ints(out);
            QuantizedMultiplier m = QuantizedMultiplier.of(sIn / sOut);
            int[] range = TextbookOps.activationRange(type, sOut, zOut, BOUNDS[which]);
            for (int i = 0; i < 256; i++) {
                int v = zOut + TfliteRules.mbqm(values[i] - zIn, m.multiplier(), m.shift());
                assertEquals(Math.max(range[0], Math.min(range[1], v)), got[i], OPS[which] + " trial " + trial + " q " + values[i]);
            }
        }
    }

    @Test
    void floatClampsKeepingNegativeZeroAndNaNAsTfLite() throws Exception {
        float[] x = {-2f, -0.5f, -0f, 0.5f, 3f, 7f, Float.NaN};
        float[][] want = {
            {0f, 0f, -0f, 0.5f, 3f, 7f, Float.NaN},
            {0f, 0f, 0f, 0.5f, 3f, 6f, 0f},
            {-1f, -0.5f, -0f, 0.5f, 1f, 1f, Float.NaN},
        };
        for (int w = 0; w < 3; w++) {
            OpHarness h = new OpHarness();
            int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
            int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
            Kernel k = h.prepare(OPS[w], new OperatorOptions.None(), new int[] {in}, out);
            h.setFloats(in, x);
            h.run(k);
            float[] got = h.getFloats(out);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(want[w][i]), Float.floatToIntBits(got[i]), OPS[w] + " of " + x[i]);
            }
        }
    }

    @Test
    void rejectsTypeAndShapeMismatch() {
        OpHarness h = new OpHarness();
        int a = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 4);
        int b = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 4);
        int c = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 5);
        InvalidModelException type = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.RELU6, new OperatorOptions.None(), new int[] {a}, b));
        assertTrue(type.getMessage().startsWith("op #0 RELU6: output "), type.getMessage());
        InvalidModelException shape = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.RELU, new OperatorOptions.None(), new int[] {a}, c));
        assertTrue(shape.getMessage().contains("expected [4]"), shape.getMessage());
        assertArrayEquals(new int[] {4}, h.get(a).shape());
    }
}
