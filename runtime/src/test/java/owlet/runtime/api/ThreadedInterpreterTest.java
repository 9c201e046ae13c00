package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.model.Model;

/** Splitting operators across threads changes no output byte; the pool's threads live and die with it. */
class ThreadedInterpreterTest {

    static Stream<String> models() {
        return Shared.MODELS.stream();
    }

    @ParameterizedTest
    @MethodSource("models")
    void threadedOutputEqualsSingleThreaded(String name) throws Exception {
        Model model = Model.load(Shared.model(name));
        byte[] input = new byte[model.input(0).elementCount()];
        byte[] expected = new byte[model.output(0).elementCount()];
        byte[] got = new byte[expected.length];
        Random random = new Random(name.hashCode());
        try (Interpreter one = Interpreter.create(model);
             Interpreter two = Interpreter.create(model, 2);
             Interpreter three = Interpreter.create(model, 3)) {
            assertEquals(2, two.threads());
            assertEquals(3, three.threads());
            for (int round = 0; round < 3; round++) {
                random.nextBytes(input);
                one.setInput(0, input);
                one.run();
                one.output(0, expected);
                for (Interpreter threaded : new Interpreter[] {two, three}) {
                    threaded.setInput(0, input);
                    threaded.run();
                    threaded.output(0, got);
                    assertArrayEquals(expected, got, name + ", " + threaded.threads() + " threads, round " + round);
                }
            }
        }
    }

    @Test
    void workersAreNamedDaemonsAndStopOnClose() throws Exception {
        Interpreter interpreter = Interpreter.create(Model.load(Shared.model(Shared.MODELS.get(0))), 2);
        long id = interpreter.workerThreadIds()[0];
        Thread worker = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getId() == id).findFirst()
                .orElseThrow();
        assertTrue(worker.isDaemon());
        assertTrue(worker.getName().startsWith("owlet-worker-"), worker.getName());
        interpreter.run();
        interpreter.close();
        worker.join(10_000);
        assertFalse(worker.isAlive(), "worker still running after close()");
        assertThrows(IllegalStateException.class, interpreter::run);
        interpreter.close();
    }

    @Test
    void anOperatorHasAMultipleOfTheThreadsAsPartsMoreWhenEachPartKeepsEnoughWork() {
        long part = Interpreter.PART_MULT_ADDS;
        assertEquals(2, Interpreter.partsFor(2, 4, Interpreter.MIN_SPLIT_MULT_ADDS, 0));
        assertEquals(2, Interpreter.partsFor(2, 4, 3 * part, 0)); // 3 parts would leave one thread idle a third
        assertEquals(4, Interpreter.partsFor(2, 4, 4 * part, 0));
        assertEquals(4, Interpreter.partsFor(2, 4, 1000 * part, 0));
        assertEquals(4, Interpreter.partsFor(2, 4, 0, 4 * Interpreter.PART_ELEMENTS)); // elementwise: by elements
        assertEquals(6, Interpreter.partsFor(3, 6, 7 * part, 0));
        assertEquals(3, Interpreter.partsFor(3, 6, 5 * part, 0));
    }

    @Test
    void rejectsZeroThreads() throws Exception {
        Model model = Model.load(Shared.model(Shared.MODELS.get(0)));
        assertThrows(IllegalArgumentException.class, () -> Interpreter.create(model, 0));
    }

    @Test
    void oneInferenceRunsOnTheScalarKernelsMoreOnTheVectorKernels() {
        assertFalse(Interpreter.Options.forInferences(2, 1).vectorKernels());
        assertFalse(Interpreter.Options.forInferences(2, 0).vectorKernels());
        assertTrue(Interpreter.Options.forInferences(2, 2).vectorKernels());
        assertEquals(3, Interpreter.Options.forInferences(3, 1).threads());
        assertThrows(IllegalArgumentException.class, () -> Interpreter.Options.forInferences(0, 1));
    }
}
