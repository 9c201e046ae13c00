package owlet.device.service;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The service's warm-up: the model runs until the JIT has compiled its kernels, so that the first trigger
 * costs what the rest do. Until then the kernels run as interpreted or C1-compiled code, which allocates
 * every vector (megabytes per inference), and is many times slower. So the sign used is the heap: a run
 * that changes the heap's free bytes took a new allocation buffer ("loud"). Kernels not yet compiled make
 * every run loud; compiled ones allocate nothing, and the picture's preparation and the ranking a few
 * hundred bytes, so a loud run comes only now and then. The warm-up ends once no two loud runs have come
 * within {@link #QUIET_RUNS} runs of each other for {@link #QUIET_RUNS} runs and {@link #QUIET_NANOS}.
 * Measured on the shared models, the allocation stops after 5 to 42 runs, 1.6 to 2.1 s into them on the
 * development machine (BENCHMARKS.md, "allocation during warm-up"); a Pi compiles more slowly, hence a
 * budget well above that. The second of quiet: five quiet runs of a small model (5 ms) ended the warm-up
 * while the JIT was still compiling kernels, and one of them, sent from its first C1 code to profiling in
 * the interpreter, allocated a vector in the inferences after (1 JVM in 3; BENCHMARKS.md, "the service's
 * warm-up and a late compile").
 */
final class WarmUp {
    /** Runs at least between two loud runs, and since the last two that came closer: the warm-up is done. */
    static final int QUIET_RUNS = 5;
    /** Time at least since the last two loud runs that came closer than {@link #QUIET_RUNS} (by its clock). */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Runs at least, whatever the heap says. */
    static final int MIN_RUNS = 3;
    /** Runs at most, whatever the clock says: a second of quiet runs of a 0.3-ms model is 3000. */
    static final int MAX_RUNS = 100_000;

    /** How a warm-up went: {@code compiled} if it ended on quiet runs, not on the budget. */
    record Outcome(int runs, long nanos, boolean compiled) {
    }

    private WarmUp() {
    }

    /**
     * Runs {@code inference} until {@link #QUIET_RUNS} runs and {@link #QUIET_NANOS} have passed since two
     * runs that changed {@code freeHeapBytes} came within {@link #QUIET_RUNS} runs of each other (at least
     * {@link #MIN_RUNS} runs), or until {@code budgetNanos} have passed by {@code nanoTime}, {@link #MAX_RUNS}
     * runs or {@code stopping} (checked before each run), whichever comes first.
     */
    static Outcome run(Runnable inference, LongSupplier freeHeapBytes, LongSupplier nanoTime, long budgetNanos,
                       BooleanSupplier stopping) {
        long start = nanoTime.getAsLong();
        int runs = 0;
        int lastLoud = -QUIET_RUNS - 1;
        int settledRun = 0;
        long settledAt = start;
        while (true) {
            if (stopping.getAsBoolean()) {
                return new Outcome(runs, nanoTime.getAsLong() - start, false);
            }
            long free = freeHeapBytes.getAsLong();
            inference.run();
            runs++;
            long now = nanoTime.getAsLong();
            if (freeHeapBytes.getAsLong() != free) {
                if (runs - lastLoud <= QUIET_RUNS) {
                    settledRun = runs;
                    settledAt = now;
                }
                lastLoud = runs;
            }
            long elapsed = now - start;
            if (runs >= MIN_RUNS && runs - settledRun >= QUIET_RUNS && now - settledAt >= QUIET_NANOS) {
                return new Outcome(runs, elapsed, true);
            }
            if (runs >= MAX_RUNS || (runs >= MIN_RUNS && elapsed >= budgetNanos)) {
                return new Outcome(runs, elapsed, false);
            }
        }
    }
}
