package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.Shared;
import owlet.runtime.model.Model;

/** An inference allocates nothing: the thread's allocated-bytes counter does not move over 100 runs. */
class ZeroAllocationTest {

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v1_0.25_128_quant", "tf2_mobilenet_v2_1.0_224_ptq"})
    void hundredInferencesAllocateZeroBytes(String name) throws Exception {
        Interpreter interpreter = Interpreter.create(Model.load(Shared.model(name)));
        byte[] input = new byte[interpreter.inputTensor(0).elementCount()];
        new java.util.Random(5).nextBytes(input);
        interpreter.setInput(0, input);
        for (int i = 0; i < 10; i++) {
            interpreter.run();
        }
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100; i++) {
            interpreter.run();
        }
        assertEquals(0, bean.getThreadAllocatedBytes(tid) - before, name + ": bytes allocated by 100 inferences");
    }
}
