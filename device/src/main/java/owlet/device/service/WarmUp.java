package owlet.device.service;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The service's warm-up: the model runs until the JIT has compiled its kernels, so that the first trigger
 * costs what the rest do. Until then the kernels run as interpreted or C1-compiled code, which allocates
 * every vector (megabytes per inference), and is many times slower. So the sign used is the heap: a run
 * that leaves the heap's free bytes unchanged allocated too little to take a new allocation buffer, and
 * {@link #QUIET_RUNS} such runs in a row mean compiled kernels (the picture's preprocessing and the
 * ranking allocate a few hundred bytes; another thread's allocation can only make the warm-up longer).
 * Measured on the shared models, the allocation stops after 5 to 42 runs, 1.6 to 2.1 s into them on the
 * development machine (BENCHMARKS.md, "allocation during warm-up"); a Pi compiles more slowly, hence a
 * budget well above that.
 */
final class WarmUp {
    /** Runs in a row that leave the heap's free bytes unchanged: the warm-up is done. */
    static final int QUIET_RUNS = 5;
    /** Runs at least, whatever the heap says. */
    static final int MIN_RUNS = 3;
    /** Runs at most, whatever the clock says. */
    static final int MAX_RUNS = 2000;

    /** How a warm-up went: {@code compiled} if it ended on {@link #QUIET_RUNS} quiet runs, not on the budget. */
    record Outcome(int runs, long nanos, boolean compiled) {
    }

    private WarmUp() {
    }

    /**
     * Runs {@code inference} until {@link #QUIET_RUNS} runs in a row leave {@code freeHeapBytes} unchanged
     * (at least {@link #MIN_RUNS} runs), or until {@code budgetNanos} have passed by {@code nanoTime},
     * {@link #MAX_RUNS} runs or {@code stopping} (checked before each run), whichever comes first.
     */
    static Outcome run(Runnable inference, LongSupplier freeHeapBytes, LongSupplier nanoTime, long budgetNanos,
                       BooleanSupplier stopping) {
        long start = nanoTime.getAsLong();
        int runs = 0;
        int quiet = 0;
        while (true) {
            if (stopping.getAsBoolean()) {
                return new Outcome(runs, nanoTime.getAsLong() - start, false);
            }
            long free = freeHeapBytes.getAsLong();
            inference.run();
            runs++;
            quiet = freeHeapBytes.getAsLong() == free ? quiet + 1 : 0;
            long elapsed = nanoTime.getAsLong() - start;
            if (runs >= MIN_RUNS && quiet >= QUIET_RUNS) {
                return new Outcome(runs, elapsed, true);
            }
            if (runs >= MAX_RUNS || (runs >= MIN_RUNS && elapsed >= budgetNanos)) {
                return new Outcome(runs, elapsed, false);
            }
        }
    }
}
