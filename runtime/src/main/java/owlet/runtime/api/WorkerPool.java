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
 * no CPU between inferences. A claim is a compare-and-set of one {@code long} holding the generation, its
 * number of parts (it varies from kernel to kernel) and the next part: a worker still looking for work of
 * an earlier generation can never take a part of the next one, and it reads the kernel and arena only
 * after its claim succeeded (the caller cannot have moved on while a part is unclaimed). Each finished
 * part counts down {@link #pending}; the caller waits
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
    /**
     * Bits of {@link #claims} that hold the next part, and as many above them for the number of parts; the
     * generation's low 32 bits are above those.
     */
    private static final int PART_BITS = 16;
    private static final int PART_MASK = (1 << PART_BITS) - 1;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final long spinNanos = spinNanos();
    private final Worker[] workers;
    /** The most parts a kernel is split into. */
    private final int maxParts;
    /** Parts not yet finished in this generation. */
    private final AtomicInteger pending = new AtomicInteger();
    /**
     * {@code generation << 2 * PART_BITS | parts << PART_BITS | next unclaimed part}: the number of parts
     * travels with the generation, so a thread still claiming for an earlier kernel can never read the
     * next kernel's number of parts (it varies from kernel to kernel) against its own generation. Only the
     * generation's low 32 bits are kept: a claim could be mistaken for one 2^32 generations later, while
     * a claiming thread that saw the older one is still between two instructions.
     */
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
        this(parts, parts, true);
    }

    /** A pool of {@code threads} threads (the caller and {@code threads - 1} workers) for up to {@code maxParts} parts. */
    WorkerPool(int threads, int maxParts) {
        this(threads, maxParts, true);
    }

    WorkerPool(int parts, boolean startWorkers) {
        this(parts, parts, startWorkers);
    }

    /**
     * With {@code startWorkers} false the workers are made but never started: every part then runs on the
     * caller, as when the workers never get a core (for tests).
     */
    WorkerPool(int threads, int maxParts, boolean startWorkers) {
        if (threads < 2 || maxParts < threads || maxParts >= 1 << PART_BITS) {
            throw new IllegalArgumentException("a worker pool needs 2 or more threads and " + threads + " to "
                    + ((1 << PART_BITS) - 1) + " parts, got " + threads + " threads, " + maxParts + " parts");
        }
        this.maxParts = maxParts;
        this.workers = new Worker[threads - 1];
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

    int threads() {
        return workers.length + 1;
    }

    int maxParts() {
        return maxParts;
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
        run(kernel, arena, maxParts);
    }

    /**
     * Runs {@code kernel} split into {@code parts} parts (1 to {@link #maxParts()}; more than the threads, a
     * thread that is kept off its core holds up at most one small part).
     */
    void run(PartitionedKernel kernel, byte[] arena, int parts) {
        if (closed) {
            throw new IllegalStateException("the interpreter was closed");
        }
        if (parts < 1 || parts > maxParts) {
            throw new IllegalArgumentException("parts " + parts + " not in 1.." + maxParts);
        }
        kernel.beforeParts(arena); // published to the threads that claim parts by the volatile claims below
        this.task = kernel;
        this.arena = arena;
        this.caller = Thread.currentThread();
        long g = generation + 1; // only the caller writes it
        pending.set(parts);
        claims.set((g << PART_BITS | parts) << PART_BITS);
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
        long c;
        while ((c = claim(g)) >= 0) {
            int part = (int) (c & PART_MASK);
            try {
                task.eval(arena, part, (int) (c >>> PART_BITS & PART_MASK));
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

    /**
     * Claims the next unclaimed part of generation {@code g}: the claim word as it was before (the part in
     * its low bits, the number of parts above them); -1 when none is left or g is over.
     */
    private long claim(long g) {
        long gen = g & 0xFFFF_FFFFL;
        while (true) {
            long c = claims.get();
            int next = (int) (c & PART_MASK);
            int parts = (int) (c >>> PART_BITS & PART_MASK);
            if (c >>> 2 * PART_BITS != gen || next >= parts) {
                return -1;
            }
            if (claims.compareAndSet(c, c + 1)) {
                return c;
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
