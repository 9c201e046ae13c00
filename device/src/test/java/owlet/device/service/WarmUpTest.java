package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Model;

class WarmUpTest {
    /**
     * A model whose "inference" takes {@code step} nanoseconds and a new buffer from the heap for its first
     * {@code allocating} runs, and after them on every {@code every}-th run (a compiled model's few bytes
     * per run filling a buffer now and then).
     */
    private static final class FakeModel {
        final int allocating;
        final long step;
        final int every;
        int runs;
        long free = 1 << 30;
        long now;

        FakeModel(int allocating) {
            this(allocating, TimeUnit.SECONDS.toNanos(1), Integer.MAX_VALUE);
        }

        FakeModel(int allocating, long step, int every) {
            this.allocating = allocating;
            this.step = step;
            this.every = every;
        }

        void run() {
            runs++;
            now += step;
            if (runs <= allocating || runs % every == 0) {
                free -= 1 << 20;
            }
        }
    }

    @Test
    void runsUntilFiveRunsInARowAllocateNothing() {
        FakeModel m = new FakeModel(40);
        WarmUp.Outcome w = WarmUp.run(m::run, () -> m.free, () -> m.now, TimeUnit.SECONDS.toNanos(100), () -> false);
        assertEquals(40 + WarmUp.QUIET_RUNS, w.runs());
        assertEquals(m.runs, w.runs());
        assertTrue(w.compiled());
        assertEquals(TimeUnit.SECONDS.toNanos(45), w.nanos());
    }

    @Test
    void quickQuietRunsLastASecond() {
        FakeModel m = new FakeModel(40, TimeUnit.MILLISECONDS.toNanos(2), Integer.MAX_VALUE);
        WarmUp.Outcome w = WarmUp.run(m::run, () -> m.free, () -> m.now, TimeUnit.SECONDS.toNanos(100), () -> false);
        assertEquals(40 + WarmUp.QUIET_NANOS / m.step, w.runs());
        assertTrue(w.compiled());
    }

    @Test
    void aNewBufferNowAndThenDoesNotStartItAgain() {
        // 1 MB every 100 runs: 10 KB per run, what a compiled model's preparation and ranking come to in a
        // long stretch.
        FakeModel m = new FakeModel(40, TimeUnit.MILLISECONDS.toNanos(2), 100);
        WarmUp.Outcome w = WarmUp.run(m::run, () -> m.free, () -> m.now, TimeUnit.SECONDS.toNanos(100), () -> false);
        assertEquals(40 + WarmUp.QUIET_NANOS / m.step, w.runs());
        assertTrue(w.compiled());
    }

    @Test
    void aKernelLeftInC1CodeKeepsItGoing() {
        // 1 MB every sixth run, 170 KB per run: five runs in a row between two new buffers leave the free
        // bytes unchanged, which the warm-up once took for compiled kernels.
        FakeModel m = new FakeModel(40, TimeUnit.MILLISECONDS.toNanos(2), 6);
        WarmUp.Outcome w = WarmUp.run(m::run, () -> m.free, () -> m.now, TimeUnit.SECONDS.toNanos(30), () -> false);
        assertFalse(w.compiled());
        assertEquals(TimeUnit.SECONDS.toNanos(30), w.nanos());
    }

    @Test
    void aCollectionDuringARunIsNoAllocation() {
        long[] free = {1 << 30};
        long[] now = {0};
        int[] runs = {0};
        WarmUp.Outcome w = WarmUp.run(() -> {
            runs[0]++;
            now[0] += TimeUnit.MILLISECONDS.toNanos(100);
            free[0] += runs[0] % 3 == 0 ? 200 << 20 : 0;
        }, () -> free[0], () -> now[0], TimeUnit.SECONDS.toNanos(30), () -> false);
        assertTrue(w.compiled());
        assertEquals(10, w.runs());
    }

    @Test
    void aModelCompiledAlreadyTakesFiveRuns() {
        FakeModel m = new FakeModel(0);
        WarmUp.Outcome w = WarmUp.run(m::run, () -> m.free, () -> m.now, TimeUnit.SECONDS.toNanos(100), () -> false);
        assertEquals(Math.max(WarmUp.MIN_RUNS, WarmUp.QUIET_RUNS), w.runs());
        assertTrue(w.compiled());
    }

    @Test
    void endsOnItsBudgetWhenTheRunsKeepAllocating() {
        FakeModel m = new FakeModel(Integer.MAX_VALUE);
        WarmUp.Outcome w = WarmUp.run(m::run, () -> m.free, () -> m.now, TimeUnit.SECONDS.toNanos(30), () -> false);
        assertEquals(30, w.runs());
        assertFalse(w.compiled());
    }

    @Test
    void aClockThatDoesNotMoveStillEnds() {
        FakeModel m = new FakeModel(Integer.MAX_VALUE);
        WarmUp.Outcome w = WarmUp.run(m::run, () -> m.free, () -> 0L, TimeUnit.SECONDS.toNanos(30), () -> false);
        assertEquals(WarmUp.MAX_RUNS, w.runs());
        assertFalse(w.compiled());
    }

    @Test
    void aStopEndsItBeforeTheNextRun() {
        FakeModel m = new FakeModel(Integer.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        WarmUp.Outcome w = WarmUp.run(() -> {
            m.run();
            stop.set(m.runs == 2);
        }, () -> m.free, () -> m.now, TimeUnit.SECONDS.toNanos(30), stop::get);
        assertEquals(2, w.runs());
        assertFalse(w.compiled());
    }

    /** With the heap's free bytes as the sign, a real model's inferences allocate nothing once it says so. */
    @Test
    void aRealModelAllocatesNothingOnceWarmedUp() throws Exception {
        try (Interpreter interpreter = Interpreter.create(Model.load(ServiceHarness.MODEL), 1)) {
            byte[] input = new byte[interpreter.inputTensor(0).elementCount()];
            new Random(3).nextBytes(input);
            interpreter.setInput(0, input);
            Runtime heap = Runtime.getRuntime();
            WarmUp.Outcome w = WarmUp.run(interpreter::run, heap::freeMemory, System::nanoTime,
                    TimeUnit.SECONDS.toNanos(120), () -> false);
            assertTrue(w.compiled(), "warm-up ended on its budget after " + w.runs() + " runs");
            com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long self = Thread.currentThread().getId();
            long before = bean.getThreadAllocatedBytes(self);
            for (int i = 0; i < 20; i++) {
                interpreter.run();
            }
            assertEquals(0, bean.getThreadAllocatedBytes(self) - before,
                    "bytes allocated by 20 inferences after a warm-up of " + w.runs() + " runs");
        }
    }
}
