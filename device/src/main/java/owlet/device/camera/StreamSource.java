package owlet.device.camera;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import owlet.device.trigger.Clock;
import owlet.runtime.image.RgbImage;

/**
 * A camera process that writes raw frames of a fixed size to its standard output, without end:
 * {@code rpicam-vid --codec yuv420 -o -} on a Pi, {@code ffmpeg -f v4l2 … -pix_fmt rgb24 -} for a USB
 * camera. Owlet reads every frame as it comes (so the camera never stalls on a full pipe) and keeps the
 * latest; {@link #next} hands out the first frame completed after the trigger, converted to RGB.
 *
 * <p>Supervision: the process is restarted, with exponential backoff, when it exits, when no frame has
 * come for {@code stallMillis} (it is killed first), or when it prints libcamera's
 * "frontend has timed out". Each restart is counted and logged with the reason.
 */
public final class StreamSource implements FrameSource {
    /** libcamera's message when the sensor stops delivering (a loose ribbon cable, a brown-out). */
    static final String FRONTEND_TIMEOUT = "frontend has timed out";
    private static final long FIRST_BACKOFF_MILLIS = 250;

    private final List<String> command;
    private final PixelFormat format;
    private final int width;
    private final int height;
    private final int frameBytes;
    private final long stallNanos;
    private final long maxBackoffMillis;
    private final Clock clock;
    private final Consumer<String> log;

    private final Object lock = new Object();
    private byte[] latest;      // guarded by lock: the newest complete frame
    private long latestNanos;   // guarded by lock
    private long frames;        // guarded by lock
    private volatile Process process;
    private volatile long processStartNanos;
    private volatile long lastFrameNanos;
    private volatile String killReason;
    private volatile String lastProblem;
    private volatile long restarts;
    private volatile boolean closed;
    private Thread supervisor;
    private Thread watchdog;

    public StreamSource(List<String> command, PixelFormat format, int width, int height, long stallMillis,
            long maxBackoffMillis, Clock clock, Consumer<String> log) {
        this.command = List.copyOf(command);
        this.format = format;
        this.width = width;
        this.height = height;
        this.frameBytes = format.frameBytes(width, height);
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        this.maxBackoffMillis = maxBackoffMillis;
        this.clock = clock;
        this.log = log;
        this.latest = new byte[frameBytes];
    }

    @Override
    public String describe() {
        return "stream " + width + "x" + height + " " + format.name().toLowerCase(Locale.ROOT) + " from '"
                + String.join(" ", command) + "'";
    }

    @Override
    public long restarts() {
        return restarts;
    }

    /** Frames read so far, over all runs of the process. */
    public long frames() {
        synchronized (lock) {
            return frames;
        }
    }

    /** The running camera process, if any (tests use it to kill or stop the camera). */
    public Process process() {
        return process;
    }

    @Override
    public synchronized void start() {
        supervisor = new Thread(this::supervise, "owlet-camera");
        supervisor.setDaemon(true);
        supervisor.start();
        watchdog = new Thread(this::watch, "owlet-camera-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @Override
    public Frame next(long afterNanos, long timeoutMillis) throws IOException, InterruptedException {
        byte[] copy = new byte[frameBytes];
        long frameNanos;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            while (frames == 0 || latestNanos - afterNanos <= 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    String why = lastProblem == null ? "" : "; last problem: " + lastProblem;
                    throw new IOException("camera: no frame within " + timeoutMillis + " ms (restarts so far: "
                            + restarts + why + ")");
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            System.arraycopy(latest, 0, copy, 0, frameBytes);
            frameNanos = latestNanos;
        }
        byte[] rgb = format == PixelFormat.RGB24 ? copy : new byte[width * height * 3];
        if (format != PixelFormat.RGB24) {
            format.toRgb(copy, width, height, rgb);
        }
        return new Frame(new RgbImage(width, height, rgb), frameNanos, null);
    }

    private void supervise() {
        long backoff = FIRST_BACKOFF_MILLIS;
        byte[] fill = new byte[frameBytes];
        while (!closed) {
            Process p;
            killReason = null;
            try {
                p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
                p.getOutputStream().close();
            } catch (IOException e) {
                problem("cannot start '" + command.get(0) + "': " + e.getMessage());
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, maxBackoffMillis);
                continue;
            }
            processStartNanos = clock.nanoTime();
            process = p;
            Thread errors = drainErrors(p);
            long before = frames();
            try (InputStream in = p.getInputStream()) {
                while (!closed && readFully(in, fill)) {
                    synchronized (lock) {
                        byte[] t = latest;
                        latest = fill;
                        fill = t;
                        latestNanos = clock.nanoTime();
                        lastFrameNanos = latestNanos;
                        frames++;
                        lock.notifyAll();
                    }
                    backoff = FIRST_BACKOFF_MILLIS;
                }
            } catch (IOException e) {
                killReason = killReason == null ? "read failed: " + e.getMessage() : killReason;
            }
            stop(p);
            try {
                errors.join(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            String reason = killReason != null ? killReason
                    : "exited with code " + p.exitValue() + (frames() == before ? " before its first frame" : "");
            restarts++;
            problem(command.get(0) + " " + reason + "; restart #" + restarts + " in " + backoff + " ms");
            if (!sleep(backoff)) {
                return;
            }
            backoff = Math.min(backoff * 2, maxBackoffMillis);
        }
    }

    /** Kills the camera when it has sent nothing for the stall timeout. */
    private void watch() {
        long period = Math.max(20, Math.min(500, TimeUnit.NANOSECONDS.toMillis(stallNanos) / 4));
        while (!closed) {
            if (!sleep(period)) {
                return;
            }
            Process p = process;
            if (p != null && p.isAlive()) {
                long since = clock.nanoTime() - Math.max(lastFrameNanos, processStartNanos);
                if (since > stallNanos && killReason == null) {
                    killReason = "stalled (no frame for " + TimeUnit.NANOSECONDS.toMillis(since) + " ms)";
                    kill(p);
                }
            }
        }
    }

    private Thread drainErrors(Process p) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains(FRONTEND_TIMEOUT) && killReason == null) {
                        killReason = "reported '" + FRONTEND_TIMEOUT + "'";
                        kill(p);
                    }
                    if (line.toLowerCase(Locale.ROOT).contains("error")) {
                        log.accept("camera: " + line.strip());
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "owlet-camera-stderr");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void problem(String message) {
        lastProblem = message;
        log.accept("camera: " + message);
    }

    private static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return false; // a partial frame at the end is dropped
            }
            n += r;
        }
        return true;
    }

    /** Kills the process and whatever it started (a wrapper script's children hold the pipes too). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                kill(p);
                p.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            stop(p);
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
    }
}
