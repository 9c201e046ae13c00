package owlet.device.trigger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A trigger every {@code intervalMillis}, the first one interval after start: for laptops and trials. */
public final class TimerTrigger implements TriggerSource {
    private final long intervalMillis;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public TimerTrigger(long intervalMillis, Clock clock) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("timer interval must be positive, got " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "timer every " + intervalMillis + " ms";
    }

    @Override
    public synchronized void start(Consumer<Trigger> sink) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "owlet-timer-trigger");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> sink.accept(new Trigger(clock.nanoTime(), "timer")),
                intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
