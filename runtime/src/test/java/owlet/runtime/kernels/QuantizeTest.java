package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.QuantizedMultiplier;

class QuantizeTest {
    private static final OperatorOptions NONE = new OperatorOptions.None();

    /** Ties round half away from zero at every position (TFLite's NEON code would round half to even). */
    @Test
    void floatToUint8RoundsHalfAwayFromZero() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 10);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 10), 10);
        Kernel k = h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, out);
        h.setFloats(in, new float[] {0.25f, -0.25f, 0.75f, 1.25f, 0, 100, -100, 3, 0.25f, -0.25f});
        h.run(k);
        assertArrayEquals(new byte[] {11, 9, 12, 13, 10, (byte) 210, 0, 16, 11, 9}, h.get8(out));
    }

    @Test
    void floatToInt8ClampsAndRounds() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 3);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, -5), 3);
        Kernel k = h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, out);
        h.setFloats(in, new float[] {1000f, -1000f, 0.26f});
        h.run(k);
        assertArrayEquals(new byte[] {127, -128, -2}, h.get8(out));
    }

    /** The tf2 model's input QUANTIZE: uint8 zp 127 to int8 zp -1, same scale: a shift by 128. */
    @Test
    void uint8ToInt8WithEqualScaleIsAShift() throws Exception {
        OpHarness h = new OpHarness();
        int n = 37;
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.007843138f, 127), 1, n);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.007843138f, -1), 1, n);
        Kernel k = h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, out);
        byte[] q = new byte[n];
        byte[] want = new byte[n];
        for (int i = 0; i < n; i++) {
            q[i] = (byte) (i * 7);
            want[i] = (byte) ((i * 7 & 0xFF) - 128);
        }
        h.set(in, q);
        h.run(k);
        assertArrayEquals(want, h.get8(out));
    }

    /** M = 1/4: -2 · M = -0.5 rounds away from zero to -1 at every position. */
    @Test
    void requantizeRoundsTiesAwayFromZero() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 17);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(4f, 0), 17);
        Kernel k = h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, out);
        byte[] q = new byte[17];
        java.util.Arrays.fill(q, (byte) -2);
        h.set(in, q);
        h.run(k);
        for (byte b : h.get8(out)) {
            assertEquals(-1, b);
        }
    }

    @Test
    void randomRequantizeMatchesScalarFormula() throws Exception {
        Random r = new Random(5);
        TensorType[] types = {TensorType.UINT8, TensorType.INT8};
        for (int trial = 0; trial < 200; trial++) {
            TensorType ti = types[r.nextInt(2)];
            TensorType to = types[r.nextInt(2)];
            int n = 1 + r.nextInt(50);
            float si = (float) Math.exp(r.nextGaussian());
            // A quarter of the trials with equal scales, which take the multiply-free path.
            float so = trial % 4 == 0 ? si : (float) Math.exp(r.nextGaussian());
            int loIn = ti == TensorType.UINT8 ? 0 : -128;
            int loOut = to == TensorType.UINT8 ? 0 : -128;
            int zi = loIn + r.nextInt(256);
            int zo = loOut + r.nextInt(256);
            OpHarness h = new OpHarness();
            int in = h.tensor(ti, OpHarness.quant(si, zi), n);
            int out = h.tensor(to, OpHarness.quant(so, zo), n);
            Kernel k = h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, out);
            byte[] q = new byte[n];
            r.nextBytes(q);
            h.set(in, q);
            h.run(k);
            byte[] got = h.get8(out);
            QuantizedMultiplier m = QuantizedMultiplier.of((double) si / so);
            for (int i = 0; i < n; i++) {
                int x = (ti == TensorType.UINT8 ? q[i] & 0xFF : q[i]) - zi;
                int v = TfliteRules.mbqm(x, m.multiplier(), m.shift());
                int want = Math.max(loOut, Math.min(loOut + 255, v + zo));
                int have = to == TensorType.UINT8 ? got[i] & 0xFF : got[i];
                assertEquals(want, have, "trial " + trial + " element " + i);
            }
        }
    }

    /** Split into 3 parts, each kernel writes the same bytes as in one. */
    @Test
    void partsTogetherEqualTheWhole() throws Exception {
        Random r = new Random(6);
        int n = 301;
        for (TensorType ti : new TensorType[] {TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8}) {
            for (float so : new float[] {0.5f, 0.007843138f}) {
                OpHarness h = new OpHarness();
                int in = h.tensor(ti, ti == TensorType.FLOAT32 ? Quantization.NONE : OpHarness.quant(0.007843138f,
                        ti == TensorType.UINT8 ? 127 : 3), n);
                int out = h.tensor(TensorType.INT8, OpHarness.quant(so, -1), n);
                PartitionedKernel k = (PartitionedKernel) h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, out);
                if (ti == TensorType.FLOAT32) {
                    float[] f = new float[n];
                    for (int i = 0; i < n; i++) {
                        f[i] = (float) r.nextGaussian() * 50;
                    }
                    h.setFloats(in, f);
                } else {
                    byte[] q = new byte[n];
                    r.nextBytes(q);
                    h.set(in, q);
                }
                h.run(k);
                byte[] whole = h.get8(out);
                h.set(out, new byte[n]);
                for (int part = 0; part < 3; part++) {
                    h.run(k, part, 3);
                }
                assertArrayEquals(whole, h.get8(out), ti + " to int8, output scale " + so);
            }
        }
    }

    @Test
    void rejectsFloatOutputAndShapeChange() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int outF = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int outShape = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 2, 2);
        InvalidModelException type = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, outF));
        assertTrue(type.getMessage().startsWith("op #0 QUANTIZE: output tensor #1"), type.getMessage());
        assertTrue(type.getMessage().contains("expected [UINT8, INT8]"), type.getMessage());
        InvalidModelException shape = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.QUANTIZE, NONE, new int[] {in}, outShape));
        assertTrue(shape.getMessage().contains("expected [4]"), shape.getMessage());
    }
}
