package owlet.device.trigger;

/**
 * Monotonic time in nanoseconds, injected wherever timing decides behaviour (debounce, timers, stall
 * detection) so that tests can drive it.
 */
@FunctionalInterface
public interface Clock {
    long nanoTime();

    static Clock system() {
        return System::nanoTime;
    }
}
