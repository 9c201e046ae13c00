package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import owlet.runtime.api.Interpreter;

/** Graphs built in memory: checked like a file, runnable, and costed with or without weight bytes. */
class ModelBuilderTest {

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** input [1,2,2,1] -> CONV_2D 1x1 (x2, bias 1) -> FULLY_CONNECTED to 2 units -> SOFTMAX. */
    private static Model tiny(boolean withWeights) {
        ModelBuilder b = new ModelBuilder("tiny");
        int in = b.tensor("in", TensorType.FLOAT32, 1, 2, 2, 1);
        int filter = withWeights ? b.constant("f", TensorType.FLOAT32, new int[] {1, 1, 1, 1}, floats(2))
                : b.tensor("f", TensorType.FLOAT32, 1, 1, 1, 1);
        int bias = withWeights ? b.constant("b", TensorType.FLOAT32, new int[] {1}, floats(1))
                : b.tensor("b", TensorType.FLOAT32, 1);
        int conv = b.tensor("conv", TensorType.FLOAT32, 1, 2, 2, 1);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1),
                new int[] {in, filter, bias}, conv);
        int w = withWeights ? b.constant("w", TensorType.FLOAT32, new int[] {2, 4}, floats(1, 1, 1, 1, 0, 0, 0, 0))
                : b.tensor("w", TensorType.FLOAT32, 2, 4);
        int logits = b.tensor("logits", TensorType.FLOAT32, 1, 2);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false),
                new int[] {conv, w, -1}, logits);
        int prob = b.tensor("prob", TensorType.FLOAT32, 1, 2);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {logits}, prob);
        return b.inputs(in).outputs(prob).build();
    }

    @Test
    void builtGraphRunsThroughTheInterpreter() throws Exception {
        Interpreter interpreter = Interpreter.create(tiny(true));
        interpreter.setInput(0, new float[] {0, 0.25f, 0, 0});
        interpreter.run();
        float[] out = new float[2];
        interpreter.outputAsFloat(0, out);
        // conv: 2x+1 -> {1, 1.5, 1, 1}; logits {4.5, 0}; softmax.
        double e = Math.exp(4.5);
        assertEquals(e / (e + 1), out[0], 1e-5);
        assertEquals(1 / (e + 1), out[1], 1e-5);
    }

    @Test
    void weightsWithoutBytesAreStillParameters() {
        Model costOnly = tiny(false);
        Model full = tiny(true);
        for (int i = 0; i < 2; i++) {
            assertEquals(OpCost.of(full, full.operators().get(i)), OpCost.of(costOnly, costOnly.operators().get(i)));
        }
        assertEquals(new OpCost(4, 2), OpCost.of(costOnly, costOnly.operators().get(0)));
        assertEquals(new OpCost(8, 8), OpCost.of(costOnly, costOnly.operators().get(1)));
        assertTrue(costOnly.isGraphConstant(1));
        assertFalse(costOnly.isGraphConstant(0)); // graph input
        assertFalse(costOnly.isGraphConstant(3)); // written by the conv
    }

    @Test
    void mistakesNameThePlace() {
        ModelBuilder b = new ModelBuilder("bad");
        int in = b.tensor("in", TensorType.FLOAT32, 1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.constant("w", TensorType.FLOAT32, new int[] {2, 4}, new byte[3]));
        assertEquals("tensor #1 'w': 3 bytes of data, but shape [2, 4] of FLOAT32 needs 32", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.operator(BuiltinOp.SOFTMAX,
                new OperatorOptions.None(), new int[] {in}, in));
        assertEquals("op #0 SOFTMAX: options are None, expected Softmax", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.operator(BuiltinOp.SOFTMAX,
                new OperatorOptions.Softmax(1f), new int[] {7}, in));
        assertEquals("op #0 SOFTMAX inputs[0]: tensor index 7 is out of range (1 tensors)", e.getMessage());

        int mid = b.tensor("mid", TensorType.FLOAT32, 1, 4);
        int out = b.tensor("out", TensorType.FLOAT32, 1, 4);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {mid}, out);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {in}, mid);
        e = assertThrows(IllegalArgumentException.class, () -> b.inputs(in).outputs(out).build());
        assertEquals("op #0 SOFTMAX: input 0 tensor #1 'mid' FLOAT32[1, 4] is read before the operator that writes it",
                e.getMessage());
    }
}
