package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.io.MemoryBudget;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.ModelTooLargeException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/** Interpreter.create weighs a model's memory before allocating it. */
class MemoryBudgetTest {
    @AfterEach
    void clearBudget() {
        System.clearProperty(MemoryBudget.PROPERTY);
    }

    static java.util.stream.Stream<String> models() {
        return Shared.MODELS.stream();
    }

    /**
     * The estimate is an upper bound of what preparing really allocates (measured on this thread, 1 and 2
     * threads, vector kernels and the scalar ones of a one-shot run), and not wildly above it: at most 4
     * times plus 1 MB.
     */
    @ParameterizedTest
    @MethodSource("models")
    void theEstimateBoundsWhatPreparingAllocates(String name) throws Exception {
        Model model = Model.load(Shared.model(name));
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int threads = 1; threads <= 2; threads++) {
            for (boolean vector : new boolean[] {true, false}) {
                Interpreter.Options options = new Interpreter.Options(threads, vector);
                String what = name + ", " + threads + " threads, " + (vector ? "vector" : "scalar") + " kernels";
                Interpreter.create(model, options).close(); // classes loaded and initialised first
                long before = bean.getThreadAllocatedBytes(id);
                Interpreter i = Interpreter.create(model, options);
                long allocated = bean.getThreadAllocatedBytes(id) - before;
                i.close();
                long estimate = Interpreter.memoryNeeded(model, i.plan(), threads);
                System.out.println(what + ": estimate " + estimate + ", allocated " + allocated);
                assertTrue(estimate >= allocated, what + ": estimate " + estimate + " < allocated " + allocated);
                assertTrue(estimate <= 4 * allocated + (1 << 20), what + ": estimate " + estimate
                        + " far above allocated " + allocated);
            }
        }
    }

    /** A valid 1-operator model whose SOFTMAX runs over [1, 2^29]: a 1 GiB arena. */
    private static Model hugeSoftmax() {
        ModelBuilder b = new ModelBuilder("huge-softmax.tflite");
        int in = b.tensor("logits", TensorType.UINT8, new int[] {1, 1 << 29},
                new Quantization(new float[] {0.1f}, new long[] {0}, 0), null);
        int out = b.tensor("p", TensorType.UINT8, new int[] {1, 1 << 29},
                new Quantization(new float[] {1f / 256}, new long[] {0}, 0), null);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {in}, out);
        return b.inputs(in).outputs(out).build();
    }

    @Test
    void aModelAboveTheBudgetIsRefusedWithBothNumbers() {
        System.setProperty(MemoryBudget.PROPERTY, "64m");
        ModelTooLargeException e = assertThrows(ModelTooLargeException.class,
                () -> Interpreter.create(hugeSoftmax()));
        assertTrue(e.getMessage().matches("huge-softmax\\.tflite: running it needs 10\\d\\d MB, more than the \\d+ MB"
                + " left of the 64 MB memory budget \\(raise -Xmx, or set -Dowlet.memory-budget\\) \\(arena 1024 MB,"
                + " weights and working buffers about \\d+ (MB|bytes)\\)"), e.getMessage());
    }

    @Test
    void theBudgetPropertyIsCheckedWhenRead() {
        System.setProperty(MemoryBudget.PROPERTY, "lots");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, MemoryBudget::limit);
        assertTrue(e.getMessage().contains("got 'lots'"), e.getMessage());
        System.setProperty(MemoryBudget.PROPERTY, "1k");
        assertTrue(MemoryBudget.limit() == 1024);
    }
}
