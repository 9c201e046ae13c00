package owlet.device.trigger;

import java.io.IOException;
import java.io.InputStream;
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

    /**
     * Counts line ends as they arrive and keeps no line: what a line says does not matter, so a line of
     * any length (a 400 MB one with no newline included) costs one 8 KB buffer. Line ends are those of
     * {@link java.io.BufferedReader#readLine}: {@code \n}, {@code \r} or {@code \r\n}; text after the
     * last line end is a line too.
     */
    @Override
    public synchronized void start(Consumer<Trigger> sink) {
        reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            boolean pending = false; // bytes since the last line end
            boolean afterCr = false; // the last byte was \r, so a \n now ends no new line
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        if (b == '\r' || (b == '\n' && !afterCr)) {
                            sink.accept(new Trigger(clock.nanoTime(), name));
                            pending = false;
                        } else if (b != '\n') {
                            pending = true;
                        }
                        afterCr = b == '\r';
                    }
                }
                if (pending) {
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
