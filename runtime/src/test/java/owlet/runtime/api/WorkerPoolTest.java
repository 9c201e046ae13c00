package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import owlet.runtime.kernels.support.PartitionedKernel;

/** The pool runs every part of every kernel exactly once, on whichever threads get to them. */
class WorkerPoolTest {

    /** Counts how often each part ran, and on which thread it ran last. */
    private static final class CountingKernel implements PartitionedKernel {
        final AtomicIntegerArray runs;
        final Thread[] lastThread;
        final byte[] expectedArena;

        CountingKernel(int parts, byte[] expectedArena) {
            runs = new AtomicIntegerArray(parts);
            lastThread = new Thread[parts];
            this.expectedArena = expectedArena;
        }

        @Override
        public void eval(byte[] arena, int part, int parts) {
            if (arena != expectedArena) {
                throw new AssertionError("part " + part + " got another kernel's arena");
            }
            if (part < 0 || part >= parts || parts > runs.length()) {
                throw new AssertionError("part " + part + " of " + parts);
            }
            runs.incrementAndGet(part);
            lastThread[part] = Thread.currentThread();
        }
    }

    @Test
    @Timeout(20) // a pool that waited for its workers would hang here
    void workersThatNeverRunLeaveAllPartsToTheCaller() {
        try (WorkerPool pool = new WorkerPool(3, false)) {
            byte[] arena = new byte[1];
            CountingKernel kernel = new CountingKernel(3, arena);
            for (int i = 0; i < 5; i++) {
                pool.run(kernel, arena);
            }
            for (int p = 0; p < 3; p++) {
                assertEquals(5, kernel.runs.get(p), "part " + p);
                assertSame(Thread.currentThread(), kernel.lastThread[p], "part " + p);
            }
        }
    }

    @Test
    void everyPartOfEveryGenerationRunsExactlyOnceWithItsOwnKernel() {
        for (String spin : new String[] {"0", "1000"}) {
            System.setProperty("owlet.spin-us", spin);
            try (WorkerPool pool = new WorkerPool(3)) {
                byte[] arenaA = new byte[1];
                byte[] arenaB = new byte[1];
                CountingKernel a = new CountingKernel(3, arenaA);
                CountingKernel b = new CountingKernel(3, arenaB);
                int rounds = 20_000;
                for (int i = 0; i < rounds; i++) {
                    pool.run(a, arenaA);
                    pool.run(b, arenaB);
                }
                for (int p = 0; p < 3; p++) {
                    assertEquals(rounds, a.runs.get(p), "kernel A, part " + p + ", spin " + spin);
                    assertEquals(rounds, b.runs.get(p), "kernel B, part " + p + ", spin " + spin);
                }
            } finally {
                System.clearProperty("owlet.spin-us");
            }
        }
    }

    @Test
    void morePartsThanThreadsEachRunOnceWhateverTheirNumberPerKernel() {
        for (String spin : new String[] {"0", "1000"}) {
            System.setProperty("owlet.spin-us", spin);
            try (WorkerPool pool = new WorkerPool(2, 8)) {
                byte[] arenaA = new byte[1];
                byte[] arenaB = new byte[1];
                CountingKernel a = new CountingKernel(8, arenaA);
                CountingKernel b = new CountingKernel(8, arenaB);
                int rounds = 20_000;
                for (int i = 0; i < rounds; i++) {
                    pool.run(a, arenaA, 8);
                    pool.run(b, arenaB, 3);
                }
                for (int p = 0; p < 8; p++) {
                    assertEquals(rounds, a.runs.get(p), "kernel A, part " + p + ", spin " + spin);
                    assertEquals(p < 3 ? rounds : 0, b.runs.get(p), "kernel B, part " + p + ", spin " + spin);
                }
            } finally {
                System.clearProperty("owlet.spin-us");
            }
        }
    }

    @Test
    void aFailingPartOnAWorkerReachesTheCaller() {
        try (WorkerPool pool = new WorkerPool(2)) {
            Thread caller = Thread.currentThread();
            AtomicBoolean workerTookOne = new AtomicBoolean();
            PartitionedKernel failing = (arena, part, parts) -> {
                if (Thread.currentThread() != caller) {
                    workerTookOne.set(true);
                    throw new IllegalArgumentException("part " + part);
                }
                // the caller waits in its part until the worker has claimed the other one
                long end = System.nanoTime() + 10_000_000_000L;
                while (!workerTookOne.get() && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(failing, new byte[1]));
            assertEquals(IllegalArgumentException.class, e.getCause().getClass());
        }
    }

    @Test
    void aFailingPartOnTheCallerIsThrownAsItIs() {
        try (WorkerPool pool = new WorkerPool(2, false)) {
            PartitionedKernel failing = (arena, part, parts) -> {
                throw new IllegalArgumentException("part " + part);
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.run(failing, new byte[1]));
            assertEquals("part 0", e.getMessage());
        }
    }

    @Test
    void badSpinPropertyIsNamed() {
        System.setProperty("owlet.spin-us", "fast");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WorkerPool(2, false));
            assertEquals("owlet.spin-us: not a number of microseconds: 'fast'", e.getMessage());
        } finally {
            System.clearProperty("owlet.spin-us");
        }
    }
}
