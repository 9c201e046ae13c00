package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

class ReshapeTest {
    @Test
    void reshapeCopiesUint8AndFloat() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 96), 1, 1, 1, 5);
        int shape = h.constantInts(new int[] {1, 5}, 2);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 96), 1, 5);
        Kernel k = h.prepare(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(null), new int[] {in, shape}, out);
        h.set(in, new byte[] {0, 1, (byte) 128, (byte) 200, (byte) 255});
        h.run(k);
        assertArrayEquals(new byte[] {0, 1, (byte) 128, (byte) 200, (byte) 255}, h.get8(out));

        int fin = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        int fout = h.tensor(TensorType.FLOAT32, Quantization.NONE, 3, 2);
        Kernel kf = h.prepare(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {3, 2}), new int[] {fin}, fout);
        h.setFloats(fin, new float[] {1, 2, 3, 4, 5, 6});
        h.run(kf);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, h.getFloats(fout));
    }

    @Test
    void squeezeCopiesInt8() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, -5), 1, 1, 1, 3);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, -5), 1, 3);
        Kernel k = h.prepare(BuiltinOp.SQUEEZE, new OperatorOptions.Squeeze(new int[] {1, 2}), new int[] {in}, out);
        h.set(in, new byte[] {-128, 0, 127});
        h.run(k);
        assertArrayEquals(new byte[] {-128, 0, 127}, h.get8(out));
    }

    /** When the planner gives input and output the same arena offset there is nothing to copy. */
    @Test
    void sameOffsetIsANoOp() throws Exception {
        Tensor in = new Tensor(0, "in", TensorType.INT8, new int[] {1, 4}, OpHarness.quant(1f, 0), null);
        Tensor out = new Tensor(1, "out", TensorType.INT8, new int[] {4}, OpHarness.quant(1f, 0), null);
        Operator op = new Operator(0, BuiltinOp.RESHAPE.code(), BuiltinOp.RESHAPE, "RESHAPE", 1, new int[] {0},
                new int[] {1}, new OperatorOptions.Reshape(new int[] {4}));
        Kernel k = Ops.prepare(new OpContext(List.of(in, out), op, new int[] {3, 3}));
        byte[] arena = {9, 9, 9, 1, 2, 3, 4, 9};
        k.eval(arena);
        assertArrayEquals(new byte[] {9, 9, 9, 1, 2, 3, 4, 9}, arena);
    }

    @Test
    void rejectsElementCountAndTypeMismatch() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 0), 1, 4);
        int five = h.tensor(TensorType.UINT8, OpHarness.quant(0.1f, 0), 5);
        int int8 = h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 0), 4);
        InvalidModelException count = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(null), new int[] {in}, five));
        assertEquals("op #0 RESHAPE: input tensor #0 't0' UINT8[1, 4] has 4 elements but output tensor #1 't1' "
                + "UINT8[5] has 5 (shapes [1, 4] and [5])", count.getMessage());
        InvalidModelException type = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.SQUEEZE, new OperatorOptions.Squeeze(new int[0]), new int[] {in}, int8));
        assertTrue(type.getMessage().startsWith("op #0 SQUEEZE: output tensor #2"), type.getMessage());
    }
}
