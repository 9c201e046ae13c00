package owlet.device.trigger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A trigger per line read from a stream (standard input in the service): lets a script, a pipe or a
 * person at a terminal drive the whole pipeline. The end of the stream exhausts the source.
 */
public final class LineTrigger implements TriggerSource {
    private final InputStream in;
    private final String name;
    private final Clock clock;
    private volatile boolean exhausted;
    private Thread reader;

    public LineTrigger(InputStream in, String name, Clock clock) {
        this.in = in;
        this.name = name;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "a line on " + name;
    }

    @Override
    public synchronized void start(Consumer<Trigger> sink) {
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                while (r.readLine() != null) {
                    sink.accept(new Trigger(clock.nanoTime(), name));
                }
            } catch (IOException e) {
                // a closed or broken stream ends the triggers just like its end does
            } finally {
                exhausted = true;
            }
        }, "owlet-line-trigger");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public boolean exhausted() {
        return exhausted;
    }

    @Override
    public void close() {
        // The reader is a daemon thread blocked in read(); it cannot be interrupted portably and
        // holds nothing that needs releasing.
    }
}
