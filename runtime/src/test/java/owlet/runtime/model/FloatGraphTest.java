package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import owlet.runtime.api.Interpreter;

/**
 * A whole float32 graph through the planner and interpreter: CONV_2D (2x2 filter, VALID) -> RELU6 fused
 * -> AVERAGE_POOL_2D (global) -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX, checked against values worked out
 * by hand.
 */
class FloatGraphTest {

    private static byte[] floats(float... v) {
        byte[] b = new byte[4 * v.length];
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (bits >> (8 * k));
            }
        }
        return b;
    }

    private static byte[] ints(int... v) {
        byte[] b = new byte[4 * v.length];
        for (int i = 0; i < v.length; i++) {
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (v[i] >> (8 * k));
            }
        }
        return b;
    }

    private static Tensor t(int index, int[] shape, byte[] data) {
        return new Tensor(index, "t" + index, TensorType.FLOAT32, shape, Quantization.NONE, data);
    }

    static Model model() {
        List<Tensor> tensors = List.of(
                t(0, new int[] {1, 3, 3, 1}, null), // input
                t(1, new int[] {2, 2, 2, 1}, floats(1, 0, 0, 1, 0.25f, 0.25f, 0.25f, 0.25f)), // filters
                t(2, new int[] {2}, floats(0, -1)), // conv bias
                t(3, new int[] {1, 2, 2, 2}, null), // conv out
                t(4, new int[] {1, 1, 1, 2}, null), // pooled
                new Tensor(5, "shape", TensorType.INT32, new int[] {2}, Quantization.NONE, ints(1, 2)),
                t(6, new int[] {1, 2}, null), // flattened
                t(7, new int[] {3, 2}, floats(1, 0, 0, 1, 1, 1)), // fc weights [units, depth]
                t(8, new int[] {1, 3}, null), // logits
                t(9, new int[] {1, 3}, null)); // probabilities
        List<Operator> ops = List.of(
                new Operator(0, 3, BuiltinOp.CONV_2D, "CONV_2D", 1, new int[] {0, 1, 2}, new int[] {3},
                        new OperatorOptions.Conv2D(Padding.VALID, 1, 1, Activation.RELU6, 1, 1)),
                new Operator(1, 1, BuiltinOp.AVERAGE_POOL_2D, "AVERAGE_POOL_2D", 1, new int[] {3}, new int[] {4},
                        new OperatorOptions.Pool2D(Padding.VALID, 1, 1, 2, 2, Activation.NONE)),
                new Operator(2, 22, BuiltinOp.RESHAPE, "RESHAPE", 1, new int[] {4, 5}, new int[] {6},
                        new OperatorOptions.Reshape(new int[] {1, 2})),
                new Operator(3, 9, BuiltinOp.FULLY_CONNECTED, "FULLY_CONNECTED", 1, new int[] {6, 7, -1},
                        new int[] {8}, new OperatorOptions.FullyConnected(Activation.NONE, 0, false)),
                new Operator(4, 25, BuiltinOp.SOFTMAX, "SOFTMAX", 1, new int[] {8}, new int[] {9},
                        new OperatorOptions.Softmax(1f)));
        return new Model("float-graph", "", tensors, ops, new int[] {0}, new int[] {9});
    }

    @Test
    void runsAFloatGraphEndToEnd() throws Exception {
        Interpreter interpreter = Interpreter.create(model());
        interpreter.setInput(0, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        interpreter.run();
        // conv filter 0 picks x[y][x] + x[y+1][x+1]: 1+5, 2+6, 4+8, 5+9 = 6, 8, 12, 14 -> RELU6: 6, 6, 6, 6
        // conv filter 1 averages the window, minus 1: 3-1, 4-1, 6-1, 7-1 = 2, 3, 5, 6
        // pool: 6 and 4; fc: [6, 4, 10]; softmax over (6, 4, 10)
        float[] out = new float[3];
        interpreter.outputAsFloat(0, out);
        double e0 = Math.exp(6 - 10.0);
        double e1 = Math.exp(4 - 10.0);
        double sum = e0 + e1 + 1;
        assertArrayEquals(new float[] {(float) (e0 / sum), (float) (e1 / sum), (float) (1 / sum)}, out, 1e-6f);
    }

    @Test
    void inferenceAllocatesNothing() throws Exception {
        Interpreter interpreter = Interpreter.create(model());
        interpreter.setInput(0, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 1000; i++) {
            interpreter.run(); // warm up: compile the loops before measuring
        }
        long tid = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100; i++) {
            interpreter.run();
        }
        long after = bean.getThreadAllocatedBytes(tid);
        assertEquals(0, after - before, "bytes allocated by 100 inferences");
    }
}
