package owlet.device.service;

import java.util.concurrent.TimeUnit;
import owlet.device.trigger.Trigger;

/**
 * Between the trigger sources and the one capture worker: holds at most one pending trigger. A trigger
 * that arrives while another is pending (the worker is busy) is merged into it and counted, so a
 * flood of presses costs one extra capture, never an unbounded queue. The pending trigger keeps the
 * time of its first edge, so its latency is measured from the first press that asked for it.
 */
final class TriggerGate {
    record Pending(Trigger trigger, int coalesced) {
    }

    private Trigger pending;     // guarded by this
    private int pendingMerged;   // guarded by this
    private long received;       // guarded by this
    private long coalesced;      // guarded by this

    synchronized void offer(Trigger t) {
        received++;
        if (pending == null) {
            pending = t;
            pendingMerged = 0;
            notifyAll();
        } else {
            pendingMerged++;
            coalesced++;
        }
    }

    /** The pending trigger, waiting up to {@code timeoutMillis}; null if none came. */
    synchronized Pending take(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (pending == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        Pending p = new Pending(pending, pendingMerged);
        pending = null;
        pendingMerged = 0;
        return p;
    }

    synchronized boolean hasPending() {
        return pending != null;
    }

    synchronized long received() {
        return received;
    }

    synchronized long coalesced() {
        return coalesced;
    }
}
