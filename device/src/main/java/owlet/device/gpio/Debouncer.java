package owlet.device.gpio;

/**
 * Owlet's own debounce of a contact or sensor line, driven only by the timestamps it is given (so a
 * test can replay any edge sequence without sleeping).
 *
 * <p>Leading edge with lockout: the first change of level after a quiet period is accepted at once
 * (no added latency); every change within {@code window} of an accepted one is only remembered. If
 * the line ends the lockout at a level other than the accepted one (a short tap whose release fell
 * inside the window), {@link #settle} accepts that level once the window has passed. So a storm of
 * any number of edges inside one window yields at most one press and one release.
 *
 * <p>Not thread-safe: one thread feeds it.
 */
public final class Debouncer {
    /** Receives accepted transitions. {@code nanos} is the time of the raw edge that caused it. */
    @FunctionalInterface
    public interface Listener {
        void transition(boolean active, long nanos);
    }

    private final long window;
    private boolean active;        // debounced level
    private boolean rawActive;     // last raw level seen
    private long rawNanos;         // when the raw level last changed
    private long lockoutStart;     // when the last accepted transition took effect
    private boolean anyAccepted;

    /**
     * @param windowNanos     the lockout after an accepted transition; 0 accepts every change
     * @param initiallyActive the line's level at start
     */
    public Debouncer(long windowNanos, boolean initiallyActive) {
        if (windowNanos < 0) {
            throw new IllegalArgumentException("debounce window must be >= 0, got " + windowNanos);
        }
        this.window = windowNanos;
        this.active = initiallyActive;
        this.rawActive = initiallyActive;
    }

    public boolean active() {
        return active;
    }

    /** A raw change of level seen at {@code nanos}. */
    public void edge(boolean levelActive, long nanos, Listener listener) {
        settle(nanos, listener);
        if (levelActive == rawActive) {
            return; // not a change (a repeated report of the same level)
        }
        rawActive = levelActive;
        rawNanos = nanos;
        if (levelActive != active && quiet(nanos)) {
            accept(levelActive, nanos, nanos, listener);
        }
    }

    /** Accepts a level that has outlived the lockout; call it now and then while no edge comes. */
    public void settle(long nowNanos, Listener listener) {
        if (rawActive != active && quiet(nowNanos)) {
            long effective = anyAccepted ? Math.max(rawNanos, lockoutStart + window) : rawNanos;
            accept(rawActive, rawNanos, effective, listener);
        }
    }

    private boolean quiet(long nanos) {
        return !anyAccepted || nanos - lockoutStart >= window;
    }

    private void accept(boolean level, long edgeNanos, long effectiveNanos, Listener listener) {
        active = level;
        lockoutStart = effectiveNanos;
        anyAccepted = true;
        listener.transition(level, edgeNanos);
    }
}
