package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

class CastRoundTest {
    private static final OperatorOptions.Cast ANY = new OperatorOptions.Cast(0, 0);

    @Test
    void floatToInt32TruncatesAndSaturatesNaNHigh() throws Exception {
        float[] x = {2.9f, -2.9f, -0f, 2147483520f, 2147483648f, 3e9f, -3e9f, Float.NaN, Float.NEGATIVE_INFINITY};
        int[] want = {2, -2, 0, 2147483520, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Integer.MAX_VALUE, Integer.MIN_VALUE};
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
        int mid = h.tensor(TensorType.INT32, Quantization.NONE, x.length);
        int back = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
        Kernel toInt = h.prepare(BuiltinOp.CAST, ANY, new int[] {in}, mid);
        Kernel toFloat = h.prepare(BuiltinOp.CAST, ANY, new int[] {mid}, back);
        h.setFloats(in, x);
        h.run(toInt);
        h.run(toFloat);
        float[] got = h.getFloats(back);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) want[i], got[i], "cast of " + x[i]);
        }
    }

    /** Bytes keep their bit pattern between uint8 and int8 and their value into float and int32. */
    @Test
    void bytesReinterpretAndWiden() throws Exception {
        OpHarness h = new OpHarness();
        int u = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 128), 4);
        int s = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 4);
        int f = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int i32 = h.tensor(TensorType.INT32, Quantization.NONE, 4);
        int u2 = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 4);
        Kernel uToS = h.prepare(BuiltinOp.CAST, new OperatorOptions.Cast(3, 9), new int[] {u}, s);
        Kernel uToF = h.prepare(BuiltinOp.CAST, ANY, new int[] {u}, f);
        Kernel sToI = h.prepare(BuiltinOp.CAST, ANY, new int[] {s}, i32);
        Kernel iToU = h.prepare(BuiltinOp.CAST, ANY, new int[] {i32}, u2);
        h.set8(u, new int[] {0, 127, 128, 255});
        h.run(uToS);
        h.run(uToF);
        h.run(sToI);
        h.run(iToU);
        assertArrayEquals(new int[] {0, 127, -128, -1}, h.get8Ints(s));
        assertArrayEquals(new float[] {0, 127, 128, 255}, h.getFloats(f));
        assertArrayEquals(new int[] {0, 127, 128, 255}, h.get8Ints(u2));
    }

    @Test
    void rejectsUnsupportedPairsAndWrongOptionTypes() {
        OpHarness h = new OpHarness();
        int f = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int u = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 4);
        int i64 = h.tensor(TensorType.INT64, Quantization.NONE, 4);
        InvalidModelException pair = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CAST, ANY, new int[] {f}, u));
        assertTrue(pair.getMessage().startsWith("op #0 CAST: casting FLOAT32 to UINT8 is not supported"),
                pair.getMessage());
        assertThrows(InvalidModelException.class, () -> h.prepare(BuiltinOp.CAST, ANY, new int[] {f}, i64));
        InvalidModelException in = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CAST, new OperatorOptions.Cast(9, 0), new int[] {u}, f));
        assertTrue(in.getMessage().startsWith("op #0 CAST: in_data_type 9 is not the input's type UINT8"),
                in.getMessage());
        InvalidModelException out = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CAST, new OperatorOptions.Cast(3, 2), new int[] {u}, f));
        assertTrue(out.getMessage().startsWith("op #0 CAST: out_data_type 2"), out.getMessage());
    }

    /** Ties to even, and +0 (not -0) for small negatives, as TFLite's RoundToNearest. */
    @Test
    void roundHalvesToEven() throws Exception {
        float[] x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, -0.3f, -0f, 0.49999997f, 8388609f, Float.NaN,
            Float.POSITIVE_INFINITY};
        float[] want = {0f, 2f, 2f, 0f, -2f, -2f, 0f, -0f, 0f, 8388609f, Float.NaN, Float.POSITIVE_INFINITY};
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, x.length);
        Kernel k = h.prepare(BuiltinOp.ROUND, new OperatorOptions.None(), new int[] {in}, out);
        h.setFloats(in, x);
        h.run(k);
        float[] got = h.getFloats(out);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "round of " + x[i]);
        }
        int q = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 2);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.ROUND, new OperatorOptions.None(), new int[] {q}, q));
        assertTrue(e.getMessage().startsWith("op #0 ROUND: input "), e.getMessage());
    }
}
