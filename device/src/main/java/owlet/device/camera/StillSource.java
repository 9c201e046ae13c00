package owlet.device.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import owlet.device.trigger.Clock;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;

/**
 * A still per trigger: runs a command such as {@code rpicam-still … -o {file}} and reads the picture it
 * wrote. Slow to start (the camera is opened each time) but gives full-resolution stills, which the
 * service can keep. A command that fails or hangs past the timeout fails that capture only.
 */
public final class StillSource implements FrameSource {
    private final String template;
    private final Map<String, String> values;
    private final Path dir;
    private final String extension;
    private final long timeoutMillis;
    private final Clock clock;
    private long count;
    private volatile long failures;

    /**
     * @param template  the command; {@code {file}} is where it must write the picture
     * @param values    the other placeholders ({@code {width}}, {@code {height}}, …)
     * @param dir       where stills are written
     * @param extension file name extension of the stills, e.g. {@code jpg}
     */
    public StillSource(String template, Map<String, String> values, Path dir, String extension,
            long timeoutMillis, Clock clock) {
        this.template = template;
        this.values = new HashMap<>(values);
        this.values.put("file", "{file}"); // checked now, filled per capture
        CommandTemplate.expand(template, this.values);
        this.dir = dir;
        this.extension = extension;
        this.timeoutMillis = timeoutMillis;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "still per trigger from '" + template.strip() + "' into " + dir;
    }

    @Override
    public boolean ownsFiles() {
        return true;
    }

    @Override
    public void start() throws IOException {
        Files.createDirectories(dir);
    }

    /** Counts failed captures (the service also counts them); a still camera is never "restarted". */
    public long failures() {
        return failures;
    }

    @Override
    public synchronized Frame next(long afterNanos, long timeoutMillisIgnored) throws IOException, InterruptedException {
        Path file = dir.resolve(String.format("still-%d-%06d.%s", System.currentTimeMillis(), ++count, extension));
        Map<String, String> v = new HashMap<>(values);
        v.put("file", file.toString());
        List<String> command = CommandTemplate.expand(template, v);
        // The command's messages go to a file, never to a pipe that could fill and block it.
        Path messages = dir.resolve(".still-messages.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(messages.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            failures++;
            throw new IOException("camera: '" + command.get(0) + "' took more than " + timeoutMillis + " ms");
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(file)) {
            failures++;
            String text = Files.readString(messages, java.nio.charset.StandardCharsets.UTF_8).strip();
            String last = text.isEmpty() ? "" : ": " + text.substring(text.lastIndexOf('\n') + 1);
            throw new IOException("camera: '" + command.get(0) + "' exited with code " + p.exitValue()
                    + (Files.isRegularFile(file) ? "" : " and wrote no " + file.getFileName()) + last);
        }
        long nanos = clock.nanoTime();
        RgbImage image = Images.read(file);
        return new Frame(image, nanos, file);
    }

    @Override
    public void close() {
    }
}
