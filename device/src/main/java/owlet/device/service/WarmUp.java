package owlet.device.service;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The service's warm-up: the model runs until the JIT has compiled its kernels, so that the first trigger
 * costs what the rest do. Until then the kernels run as interpreted or C1-compiled code, which allocates
 * every vector (hundreds of kilobytes to megabytes per inference), and is many times slower. So the sign
 * used is the heap: the drops of its free bytes, which come an allocation buffer at a time. Compiled
 * kernels allocate nothing, and the picture's preparation and the ranking a few hundred bytes, so a new
 * buffer comes only every few hundred runs. The warm-up ends on a stretch of runs, {@link #QUIET_RUNS} at
 * least and {@link #QUIET_NANOS} long at least, whose drops came to at most {@link #BYTES_PER_RUN} per run
 * at every run of it; a stretch that goes above starts again after that run.
 *
 * <p>Measured on the shared models, the allocation stops after 5 to 42 runs, 1.6 to 2.1 s into them on the
 * development machine (BENCHMARKS.md, "allocation during warm-up"); a Pi compiles more slowly, hence a
 * budget well above that. The second: five quiet runs of a small model (5 ms) ended the warm-up while the
 * JIT was still compiling kernels, and one of them, sent from its first C1 code to profiling in the
 * interpreter, allocated a vector in the inferences after (3 JVMs in 8). The average: one stage left in C1
 * code allocated 266 KB per run, and with an allocation buffer that held five runs, five runs in a row
 * left the free bytes unchanged (BENCHMARKS.md, "the service's warm-up and a late compile").
 */
final class WarmUp {
    /** Runs at least in the stretch that ends the warm-up. */
    static final int QUIET_RUNS = 5;
    /** Time at least of that stretch (by the warm-up's clock). */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Heap bytes per run at most over that stretch: far below a kernel in C1 code (266 KB per run for the
     * smallest seen), far above what compiled runs take (a few hundred bytes).
     */
    static final long BYTES_PER_RUN = 64 * 1024;
    /** Runs at least, whatever the heap says. */
    static final int MIN_RUNS = 3;
    /** Runs at most, whatever the clock says: a second of runs of a 0.3-ms model is 3000. */
    static final int MAX_RUNS = 100_000;

    /** How a warm-up went: {@code compiled} if it ended on a quiet stretch, not on the budget. */
    record Outcome(int runs, long nanos, boolean compiled) {
    }

    private WarmUp() {
    }

    /**
     * Runs {@code inference} until a stretch of at least {@link #QUIET_RUNS} runs and {@link #QUIET_NANOS}
     * (by {@code nanoTime}) has taken at most {@link #BYTES_PER_RUN} per run from {@code freeHeapBytes} at
     * each of its runs (at least {@link #MIN_RUNS} runs in all), or until {@code budgetNanos} have passed,
     * {@link #MAX_RUNS} runs or {@code stopping} (checked before each run), whichever comes first.
     */
    static Outcome run(Runnable inference, LongSupplier freeHeapBytes, LongSupplier nanoTime, long budgetNanos,
                       BooleanSupplier stopping) {
        long start = nanoTime.getAsLong();
        int runs = 0;
        int stretchRuns = 0;
        long stretchBytes = 0;
        long stretchStart = start;
        while (true) {
            if (stopping.getAsBoolean()) {
                return new Outcome(runs, nanoTime.getAsLong() - start, false);
            }
            long free = freeHeapBytes.getAsLong();
            inference.run();
            runs++;
            long now = nanoTime.getAsLong();
            // A collection during the run raises the free bytes: no drop to count.
            stretchBytes += Math.max(0, free - freeHeapBytes.getAsLong());
            stretchRuns++;
            if (stretchBytes > BYTES_PER_RUN * stretchRuns) {
                stretchRuns = 0;
                stretchBytes = 0;
                stretchStart = now;
            }
            long elapsed = now - start;
            if (runs >= MIN_RUNS && stretchRuns >= QUIET_RUNS && now - stretchStart >= QUIET_NANOS) {
                return new Outcome(runs, elapsed, true);
            }
            if (runs >= MAX_RUNS || (runs >= MIN_RUNS && elapsed >= budgetNanos)) {
                return new Outcome(runs, elapsed, false);
            }
        }
    }
}
