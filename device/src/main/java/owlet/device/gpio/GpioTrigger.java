package owlet.device.gpio;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import owlet.device.trigger.Clock;
import owlet.device.trigger.Trigger;
import owlet.device.trigger.TriggerSource;

/**
 * A GPIO input as a trigger. Pi4J's listener thread does nothing but timestamp the raw edge and offer
 * it to a bounded queue; Owlet's own thread drains the queue through a {@link Debouncer} and delivers
 * the debounced edges the configuration asks for.
 */
public final class GpioTrigger implements TriggerSource {
    private static final int QUEUE = 1024;

    private record RawEdge(boolean active, long nanos) {
    }

    private final Pi4jGpio gpio;
    private final int bcm;
    private final Pull pull;
    private final boolean activeHigh;
    private final Edge edge;
    private final long debounceNanos;
    private final Clock clock;
    private final BlockingQueue<RawEdge> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong rawEdges = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running;
    private Thread worker;

    GpioTrigger(Pi4jGpio gpio, int bcm, Pull pull, boolean activeHigh, Edge edge, long debounceNanos, Clock clock) {
        this.gpio = gpio;
        this.bcm = bcm;
        this.pull = pull;
        this.activeHigh = activeHigh;
        this.edge = edge;
        this.debounceNanos = debounceNanos;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "gpio BCM " + bcm + ", pull " + pull.name().toLowerCase(java.util.Locale.ROOT) + ", active "
                + (activeHigh ? "high" : "low") + ", on " + edge.name().toLowerCase(java.util.Locale.ROOT)
                + ", debounce " + TimeUnit.NANOSECONDS.toMillis(debounceNanos) + " ms";
    }

    /** Raw edges Pi4J reported, and those dropped because the queue was full (a storm far beyond debounce). */
    public long rawEdges() {
        return rawEdges.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public synchronized void start(Consumer<Trigger> sink) throws IOException {
        DigitalInput input = gpio.input(bcm, pull);
        DigitalState activeState = activeHigh ? DigitalState.HIGH : DigitalState.LOW;
        boolean initiallyActive = input.state() == activeState;
        input.addListener(event -> {
            // Pi4J's thread: timestamp and enqueue, nothing else.
            rawEdges.incrementAndGet();
            if (!queue.offer(new RawEdge(event.state() == activeState, clock.nanoTime()))) {
                dropped.incrementAndGet();
            }
        });
        Debouncer debouncer = new Debouncer(debounceNanos, initiallyActive);
        Debouncer.Listener deliver = (becameActive, nanos) -> {
            if (edge.fires(becameActive)) {
                sink.accept(new Trigger(nanos, "gpio"));
            }
        };
        long pollMillis = Math.max(1, Math.min(20, TimeUnit.NANOSECONDS.toMillis(debounceNanos) / 2));
        running = true;
        worker = new Thread(() -> {
            while (running) {
                try {
                    RawEdge e = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
                    if (e != null) {
                        debouncer.edge(e.active(), e.nanos(), deliver);
                    }
                    debouncer.settle(clock.nanoTime(), deliver);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }, "owlet-gpio-trigger");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public synchronized void close() {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }
}
