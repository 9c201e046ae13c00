package owlet.device.trigger;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where triggers come from. {@link #start} returns at once; triggers are then delivered to the sink
 * from the source's own thread, which must not block: the sink only records the trigger.
 */
public interface TriggerSource extends AutoCloseable {
    /** A short description for the log, e.g. {@code gpio BCM 17, pull up, active low, debounce 50 ms}. */
    String describe();

    void start(Consumer<Trigger> sink) throws IOException;

    /**
     * True once the source can deliver no more triggers (stdin reached its end); the service then
     * stops after the work in flight.
     */
    default boolean exhausted() {
        return false;
    }

    /** Stops delivering triggers and releases what the source holds. Idempotent. */
    @Override
    void close();
}
