package owlet.runtime.api;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import owlet.runtime.kernels.support.PartitionedKernel;

/**
 * A fixed set of worker threads, created once, that run the parts of one {@link PartitionedKernel} at a
 * time together with the calling thread. Parts are claimed, not assigned: the caller and every worker take
 * the next unclaimed part until none is left, so a worker that does not get a core in time (another
 * process has it) costs nothing but its absence: the caller runs its parts, and an operator is never
 * slower than on one thread by more than the part a descheduled worker has already claimed. A part runs
 * on whichever thread claimed it; per-part scratch is indexed by the part, so that is safe.
 *
 * <p>Dispatch allocates nothing. The caller publishes the kernel and arena, opens the claims for the new
 * generation, then bumps a volatile generation counter; workers wait for the counter to move, spinning
 * for up to {@link #spinNanos} (the next op of an inference follows within microseconds, and waking a
 * parked thread costs tens of microseconds, more in a virtual machine) and then parking, so a pool costs
 * no CPU between inferences. A claim is a compare-and-set of one {@code long} holding the generation and
 * the next part: a worker still looking for work of an earlier generation can never take a part of the
 * next one, and it reads the kernel and arena only after its claim succeeded (the caller cannot have
 * moved on while a part is unclaimed). Each finished part counts down {@link #pending}; the caller waits
 * for zero the same way the workers wait. The volatile writes and reads order the arena: everything the
 * caller wrote before opening the claims is visible to the thread that claims a part, everything a thread
 * wrote before its count down is visible to the caller after it sees zero.
 *
 * <p>Parking uses a Dekker handshake: a worker announces {@code parked} before re-checking the
 * generation, and the caller reads {@code parked} after the bump, so at least one of them sees the
 * other's write and no wake-up is lost; the caller skips the unpark system call for spinning workers,
 * and the thread finishing the last part likewise for a spinning caller.
 *
 * <p>Threads are daemons named {@code owlet-worker-N}; {@link #close()} stops them.
 */
final class WorkerPool implements AutoCloseable {
    /**
     * How long a waiting thread spins before it parks, by default: long enough to span the gap between
     * two split operators of one inference, short enough that an idle worker gives its core back to other
     * programs at once. With parts claimed, a worker that parks too early costs little (the caller takes
     * its part); one that spins too long on a busy machine costs a lot (its spinning uses the time slices
     * the scheduler would have given it for work, so it is preempted while holding a part). Measured in
     * one JVM on 2 cores (BENCHMARKS.md, "Threads under load"): idle, 50 µs gave V2 1.71x over one thread
     * against 1.77x for 1 ms; beside one busy thread, 0.98x against 0.78x. The system property
     * {@code owlet.spin-us} (microseconds, 0 = park at once) sets it.
     */
    static final long DEFAULT_SPIN_NANOS = 50_000;
    /** Spins between two clock reads. */
    private static final int SPINS_PER_CHECK = 64;
    /** Bits of {@link #claims} that hold the next part; the generation is above them. */
    private static final int PART_BITS = 16;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final long spinNanos = spinNanos();
    private final Worker[] workers;
    private final int parts;
    /** Parts not yet finished in this generation. */
    private final AtomicInteger pending = new AtomicInteger();
    /** {@code generation << PART_BITS | next unclaimed part}. */
    private final AtomicLong claims = new AtomicLong();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    /** Whether the caller is (about to be) parked waiting for the parts: the same handshake as {@code parked}. */
    private volatile boolean callerParked;
    private volatile Throwable failure;
    // Written by the caller before the claims open, read by a thread after its claim succeeds.
    private PartitionedKernel task;
    private byte[] arena;

    /** A pool that splits work into {@code parts} parts: the caller and {@code parts - 1} workers. */
    WorkerPool(int parts) {
        this(parts, true);
    }

    /**
     * With {@code startWorkers} false the workers are made but never started: every part then runs on the
     * caller, as when the workers never get a core (for tests).
     */
    WorkerPool(int parts, boolean startWorkers) {
        if (parts < 2 || parts >= 1 << PART_BITS) {
            throw new IllegalArgumentException("a worker pool needs 2 to " + ((1 << PART_BITS) - 1)
                    + " parts, got " + parts);
        }
        this.parts = parts;
        this.workers = new Worker[parts - 1];
        int pool = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this);
            workers[i].setName("owlet-worker-" + pool + "-" + (i + 1));
            workers[i].setDaemon(true);
            if (startWorkers) {
                workers[i].start();
            }
        }
    }

    private static long spinNanos() {
        String us = System.getProperty("owlet.spin-us");
        if (us == null) {
            return DEFAULT_SPIN_NANOS;
        }
        try {
            return Math.max(0, Long.parseLong(us.trim())) * 1000;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("owlet.spin-us: not a number of microseconds: '" + us + "'");
        }
    }

    int parts() {
        return parts;
    }

    /** Thread ids of the workers (for allocation measurements). */
    long[] workerThreadIds() {
        long[] ids = new long[workers.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = workers[i].getId();
        }
        return ids;
    }

    /** Runs all parts of {@code kernel}, the calling thread among those that run them; returns when all are done. */
    void run(PartitionedKernel kernel, byte[] arena) {
        if (closed) {
            throw new IllegalStateException("the interpreter was closed");
        }
        kernel.beforeParts(arena); // published to the threads that claim parts by the volatile claims below
        this.task = kernel;
        this.arena = arena;
        this.caller = Thread.currentThread();
        long g = generation + 1; // only the caller writes it
        pending.set(parts);
        claims.set(g << PART_BITS);
        generation = g;
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        Throwable own = runParts(g, true);
        long spinStart = System.nanoTime();
        int spins = 0;
        boolean spinning = spinNanos > 0;
        while (pending.get() != 0) {
            if (spinning) {
                Thread.onSpinWait();
                spinning = stillSpinning(++spins, spinStart);
            } else {
                callerParked = true;
                if (pending.get() != 0) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
        Throwable f = failure;
        if (own != null || f != null) {
            failure = null;
            if (own instanceof RuntimeException r) {
                throw r;
            }
            if (own instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("a worker thread failed", f);
        }
    }

    /**
     * Claims and runs parts of generation {@code g} until none is left. The caller gets its own failure
     * back; a worker's is kept in {@link #failure} for the caller.
     */
    private Throwable runParts(long g, boolean onCaller) {
        Throwable own = null;
        int part;
        while ((part = claim(g)) >= 0) {
            try {
                task.eval(arena, part, parts);
            } catch (Throwable t) {
                if (onCaller && own == null && (t instanceof RuntimeException || t instanceof Error)) {
                    own = t;
                } else {
                    failure = t;
                }
            }
            if (pending.decrementAndGet() == 0 && !onCaller && callerParked) {
                LockSupport.unpark(caller);
            }
        }
        return own;
    }

    /** The next unclaimed part of generation {@code g}, now claimed; -1 when none is left or g is over. */
    private int claim(long g) {
        while (true) {
            long c = claims.get();
            int next = (int) (c & ((1 << PART_BITS) - 1));
            if (c >>> PART_BITS != g || next >= parts) {
                return -1;
            }
            if (claims.compareAndSet(c, c + 1)) {
                return next;
            }
        }
    }

    /** Whether a thread that started spinning at {@code start} and has spun {@code spins} times goes on. */
    private boolean stillSpinning(int spins, long start) {
        return spins % SPINS_PER_CHECK != 0 || System.nanoTime() - start < spinNanos;
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        private final WorkerPool pool;
        volatile boolean parked;

        Worker(WorkerPool pool) {
            this.pool = pool;
        }

        @Override
        public void run() {
            WorkerPool p = pool;
            long seen = 0;
            while (true) {
                int spins = 0;
                long spinStart = System.nanoTime();
                boolean spinning = p.spinNanos > 0;
                long g;
                while ((g = p.generation) == seen) {
                    if (p.closed) {
                        return;
                    }
                    if (spinning) {
                        Thread.onSpinWait();
                        spinning = p.stillSpinning(++spins, spinStart);
                    } else {
                        parked = true;
                        if (p.generation == seen && !p.closed) {
                            LockSupport.park(p);
                        }
                        parked = false;
                    }
                }
                seen = g;
                p.runParts(g, false);
            }
        }
    }
}
