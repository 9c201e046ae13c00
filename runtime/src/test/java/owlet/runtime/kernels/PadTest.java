package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

class PadTest {
    private static final OperatorOptions NONE = new OperatorOptions.None();

    /** [1,2,2,1] padded by one row above and below and two columns on the left: [1,4,4,1]. */
    @Test
    void floatPadsWithZero() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
        int pads = h.constantInts(new int[] {0, 0, 1, 1, 2, 0, 0, 0}, 4, 2);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 4, 4, 1);
        Kernel k = h.prepare(BuiltinOp.PAD, NONE, new int[] {in, pads}, out);
        float[] stale = new float[16];
        java.util.Arrays.fill(stale, 9f);
        h.setFloats(out, stale);
        h.setFloats(in, new float[] {1, 2, 3, 4});
        h.run(k);
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            0, 0, 1, 2,
            0, 0, 3, 4,
            0, 0, 0, 0}, h.getFloats(out));
    }

    /** The pad value is the output zero point: 7 for uint8, -3 for int8 (channels padded too). */
    @Test
    void quantizedPadsWithZeroPoint() throws Exception {
        OpHarness h = new OpHarness();
        int u = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 7), 2, 2);
        int s = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, -3), 2, 2);
        int pads = h.constantInts(new int[] {1, 0, 0, 1}, 2, 2);
        int uo = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 7), 3, 3);
        int so = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, -3), 3, 3);
        Kernel ku = h.prepare(BuiltinOp.PAD, NONE, new int[] {u, pads}, uo);
        Kernel ks = h.prepare(BuiltinOp.PAD, NONE, new int[] {s, pads}, so);
        h.set(u, new byte[] {(byte) 200, 1, 2, 3});
        h.set(s, new byte[] {-100, 1, 2, 3});
        h.run(ku);
        h.run(ks);
        assertArrayEquals(new byte[] {7, 7, 7, (byte) 200, 1, 7, 2, 3, 7}, h.get8(uo));
        assertArrayEquals(new byte[] {-3, -3, -3, -100, 1, -3, 2, 3, -3}, h.get8(so));
    }

    @Test
    void rejectsNegativePaddingWrongShapesAndDynamicPaddings() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 2, 2);
        int negative = h.constantInts(new int[] {0, -1, 0, 0}, 2, 2);
        int fine = h.constantInts(new int[] {0, 1, 0, 0}, 2, 2);
        int flat = h.constantInts(new int[] {0, 1, 0, 0}, 4);
        int dynamic = h.tensor(TensorType.INT32, Quantization.NONE, 2, 2);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 3, 2);
        int wrong = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 3, 3);
        InvalidModelException neg = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.PAD, NONE, new int[] {in, negative}, out));
        assertTrue(neg.getMessage().startsWith("op #0 PAD: paddings row 0 is (0, -1)"), neg.getMessage());
        InvalidModelException shape = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.PAD, NONE, new int[] {in, fine}, wrong));
        assertTrue(shape.getMessage().contains("gives [3, 2]"), shape.getMessage());
        InvalidModelException rank = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.PAD, NONE, new int[] {in, flat}, out));
        assertTrue(rank.getMessage().contains("expected [2, 2]"), rank.getMessage());
        InvalidModelException dyn = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.PAD, NONE, new int[] {in, dynamic}, out));
        assertTrue(dyn.getMessage().contains("must be a constant"), dyn.getMessage());
    }
}
