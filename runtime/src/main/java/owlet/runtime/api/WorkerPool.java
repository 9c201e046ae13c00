package owlet.runtime.api;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import owlet.runtime.kernels.support.PartitionedKernel;

/**
 * A fixed set of worker threads, created once, that run the parts of one {@link PartitionedKernel} at a
 * time together with the calling thread: the caller runs part 0, worker {@code i} part {@code i}.
 *
 * <p>Dispatch allocates nothing. The caller publishes the kernel and arena, then bumps a volatile
 * generation counter; workers wait for the counter to move, spinning for up to {@link #SPIN_NANOS} (the
 * next op of an inference follows within microseconds, and waking a parked thread costs tens of
 * microseconds, more in a virtual machine) and then parking, so a pool costs no CPU between inferences.
 * Each worker counts down {@link #pending} when its part is done; the caller waits for zero the same way. The volatile writes and reads order the arena: everything
 * the caller wrote before the bump is visible to the workers, everything a worker wrote before its count
 * down is visible to the caller after it sees zero.
 *
 * <p>Parking uses a Dekker handshake: a worker announces {@code parked} before re-checking the
 * generation, and the caller reads {@code parked} after the bump, so at least one of them sees the
 * other's write and no wake-up is lost; the caller skips the unpark system call for spinning workers,
 * and the last worker to finish likewise for a spinning caller.
 *
 * <p>Threads are daemons named {@code owlet-worker-N}; {@link #close()} stops them.
 */
final class WorkerPool implements AutoCloseable {
    /**
     * How long a waiting thread spins before it parks: longer than the longest operator that runs on the
     * caller alone, so workers stay awake through an inference. 2048 spins (about 40 µs here) let them
     * park between ops and left V2 1.0/224 at 1.03x on two threads.
     */
    static final long SPIN_NANOS = 1_000_000;
    /** Spins between two clock reads. */
    private static final int SPINS_PER_CHECK = 64;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Worker[] workers;
    private final int parts;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    /** Whether the caller is (about to be) parked waiting for the parts: the same handshake as {@code parked}. */
    private volatile boolean callerParked;
    private volatile Throwable failure;
    // Written by the caller before the generation bump, read by the workers after it.
    private PartitionedKernel task;
    private byte[] arena;

    /** A pool that splits work into {@code parts} parts: the caller and {@code parts - 1} workers. */
    WorkerPool(int parts) {
        if (parts < 2) {
            throw new IllegalArgumentException("a worker pool needs at least 2 parts, got " + parts);
        }
        this.parts = parts;
        this.workers = new Worker[parts - 1];
        int pool = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].setName("owlet-worker-" + pool + "-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
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

    /** Runs all parts of {@code kernel}, part 0 on the calling thread; returns when every part is done. */
    void run(PartitionedKernel kernel, byte[] arena) {
        if (closed) {
            throw new IllegalStateException("the interpreter was closed");
        }
        kernel.beforeParts(arena); // published to the workers by the volatile write of generation below
        this.task = kernel;
        this.arena = arena;
        this.caller = Thread.currentThread();
        pending.set(workers.length);
        generation = generation + 1; // only the caller writes it
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        Throwable own = null;
        try {
            kernel.eval(arena, 0, parts);
        } catch (RuntimeException | Error e) {
            own = e;
        }
        long spinStart = System.nanoTime();
        int spins = 0;
        boolean spinning = true;
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

    /** Whether a thread that started spinning at {@code start} and has spun {@code spins} times goes on. */
    private static boolean stillSpinning(int spins, long start) {
        return spins % SPINS_PER_CHECK != 0 || System.nanoTime() - start < SPIN_NANOS;
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
        private final int part;
        volatile boolean parked;

        Worker(WorkerPool pool, int part) {
            this.pool = pool;
            this.part = part;
        }

        @Override
        public void run() {
            WorkerPool p = pool;
            long seen = 0;
            while (true) {
                int spins = 0;
                long spinStart = System.nanoTime();
                boolean spinning = true;
                long g;
                while ((g = p.generation) == seen) {
                    if (p.closed) {
                        return;
                    }
                    if (spinning) {
                        Thread.onSpinWait();
                        spinning = stillSpinning(++spins, spinStart);
                    } else {
                        parked = true;
                        if (p.generation == seen && !p.closed) {
                            LockSupport.park(p);
                        }
                        parked = false;
                    }
                }
                seen = g;
                try {
                    p.task.eval(p.arena, part, p.parts);
                } catch (Throwable t) {
                    p.failure = t;
                }
                if (p.pending.decrementAndGet() == 0 && p.callerParked) {
                    LockSupport.unpark(p.caller);
                }
            }
        }
    }
}
