package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import owlet.runtime.api.Interpreter;

/** Operators are named as TFLite names them, and every one a model lacks is named in one message. */
class UnsupportedOperatorsTest {
    @Test
    void everyBuiltinCodeHasItsTfLiteName() {
        // spot checks against schema.fbs, across the whole range
        assertEquals("ADD", BuiltinOp.nameOf(0));
        assertEquals("RELU_N1_TO_1", BuiltinOp.nameOf(20));
        assertEquals("MINIMUM", BuiltinOp.nameOf(57));
        assertEquals("RESIZE_NEAREST_NEIGHBOR", BuiltinOp.nameOf(97));
        assertEquals("QUANTIZE", BuiltinOp.nameOf(114));
        assertEquals("BATCH_MATMUL", BuiltinOp.nameOf(126));
        assertEquals("CUMSUM", BuiltinOp.nameOf(128));
        assertEquals("GELU", BuiltinOp.nameOf(150));
        assertEquals("RIGHT_SHIFT", BuiltinOp.nameOf(161));
        assertEquals("BUILTIN_162", BuiltinOp.nameOf(162));
        assertNull(BuiltinOp.of(32), "CUSTOM is named by its custom code");
        assertNull(BuiltinOp.of(127), "the placeholder is not an operator");
        assertNull(BuiltinOp.of(-1));
        Set<Integer> codes = new HashSet<>();
        for (BuiltinOp op : BuiltinOp.values()) {
            assertTrue(codes.add(op.code()), "code " + op.code() + " twice");
            assertEquals(op, BuiltinOp.of(op.code()));
        }
        assertEquals(160, codes.size(), "codes 0..161 less CUSTOM and the placeholder");
    }

    private static Tensor t(int index, int... shape) {
        return new Tensor(index, "t" + index, TensorType.FLOAT32, shape, Quantization.NONE, null);
    }

    /** t0 -> TANH -> t1 -> CUSTOM 'Frobnicate' -> t2 -> ADD -> t3 -> TANH -> t4. */
    static Model lacking() {
        List<Tensor> tensors = List.of(t(0, 1, 4), t(1, 1, 4), t(2, 1, 4), t(3, 1, 4), t(4, 1, 4));
        List<Operator> ops = List.of(
                new Operator(0, 28, BuiltinOp.TANH, "TANH", 1, new int[] {0, 0}, new int[] {1},
                        new OperatorOptions.None()),
                new Operator(1, 32, null, "CUSTOM 'Frobnicate'", 1, new int[] {1}, new int[] {2},
                        new OperatorOptions.None()),
                new Operator(2, 0, BuiltinOp.ADD, "ADD", 1, new int[] {2, 2}, new int[] {3},
                        new OperatorOptions.Elementwise(Activation.NONE)),
                new Operator(3, 28, BuiltinOp.TANH, "TANH", 1, new int[] {3, 3}, new int[] {4},
                        new OperatorOptions.None()));
        return new Model("lacking", "", tensors, ops, new int[] {0}, new int[] {4});
    }

    @Test
    void allUnsupportedOperatorsAreNamedInOneMessage() {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Interpreter.create(lacking()));
        String m = e.getMessage();
        assertTrue(m.startsWith("2 operators TANH (op #0, #3), CUSTOM 'Frobnicate' (op #1) are not supported"
                + " by Owlet (it runs "), m);
        assertTrue(m.contains("CONV_2D") && m.contains("HARD_SWISH") && !m.contains("TANH,"), m);
    }

    @Test
    void aModelFileNamesItsOperatorsByTfLiteName() throws Exception {
        Model read = Model.parse(ByteBuffer.wrap(ModelWriter.toBytes(lackingWithoutCustom())), "written");
        assertEquals("TANH", read.operators().get(0).name());
        assertEquals(BuiltinOp.TANH, read.operators().get(0).op());
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Interpreter.create(read));
        assertTrue(e.getMessage().startsWith("operator TANH (op #0) is not supported by Owlet"), e.getMessage());
    }

    private static Model lackingWithoutCustom() {
        List<Tensor> tensors = List.of(t(0, 1, 4), t(1, 1, 4));
        List<Operator> ops = List.of(new Operator(0, 28, BuiltinOp.TANH, "TANH", 1, new int[] {0, 0},
                new int[] {1}, new OperatorOptions.None()));
        return new Model("one", "", tensors, ops, new int[] {0}, new int[] {1});
    }
}
