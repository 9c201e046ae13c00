package owlet.runtime.api;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import owlet.runtime.kernels.PartitionedKernel;

/**
 * A fixed set of worker threads, created once, that run the parts of one {@link PartitionedKernel} at a
 * time together with the calling thread: the caller runs part 0, worker {@code i} part {@code i}.
 *
 * <p>Dispatch allocates nothing. The caller publishes the kernel and arena, then bumps a volatile
 * generation counter; workers wait for the counter to move, spinning briefly (the next op usually
 * follows within microseconds) and then parking. Each worker counts down {@link #pending} when its part is
 * done; the caller waits for zero the same way. The volatile writes and reads order the arena: everything
 * the caller wrote before the bump is visible to the workers, everything a worker wrote before its count
 * down is visible to the caller after it sees zero.
 *
 * <p>Parking uses a Dekker handshake: a worker announces {@code parked} before re-checking the
 * generation, and the caller reads {@code parked} after the bump, so at least one of them sees the
 * other's write and no wake-up is lost; the caller skips the unpark system call for spinning workers.
 *
 * <p>Threads are daemons named {@code owlet-worker-N}; {@link #close()} stops them.
 */
final class WorkerPool implements AutoCloseable {
    /** onSpinWait rounds before a waiting thread parks: tens of microseconds, about one small op. */
    private static final int SPINS = 1 << 11;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Worker[] workers;
    private final int parts;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
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
        int spins = 0;
        while (pending.get() != 0) {
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
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
                long g;
                while ((g = p.generation) == seen) {
                    if (p.closed) {
                        return;
                    }
                    if (spins < SPINS) {
                        spins++;
                        Thread.onSpinWait();
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
                if (p.pending.decrementAndGet() == 0) {
                    LockSupport.unpark(p.caller);
                }
            }
        }
    }
}
