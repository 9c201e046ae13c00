package owlet.device.service;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import owlet.device.camera.Frame;
import owlet.device.camera.FrameSource;
import owlet.device.trigger.Clock;
import owlet.device.trigger.Trigger;
import owlet.device.trigger.TriggerSource;
import owlet.runtime.command.Json;
import owlet.runtime.image.RgbImage;
import owlet.runtime.io.Failures;
import owlet.runtime.api.Detector;

/**
 * The headless loop: triggers pass through a {@link TriggerGate} to one capture worker (the thread that
 * calls {@link #run}), which takes the next frame, classifies it or detects objects in it (the model's
 * kind decides), drives the outputs, keeps the capture and writes one JSON line per trigger. {@link #stop} (SIGTERM) lets the capture in flight finish.
 */
public final class Service {
    /** What {@link Service} is made of; {@link Assembly} builds it from a {@link DeviceConfig}. */
    record Parts(Recognizer recognizer, boolean drawBoxes, TriggerSource trigger, FrameSource camera,
            Outputs outputs, ResultLog results, CaptureStore captures, boolean deleteCameraFiles,
            long cameraTimeoutMillis, long healthIntervalSeconds, Clock clock, AutoCloseable gpio,
            MqttPublisher mqtt, RecentResults recent, StatusServer status) {
    }

    /** The health counters at one moment, for the status page and /metrics. */
    record Snapshot(long uptimeSeconds, long triggers, long captures, long failures, long coalesced, double p50,
            double p99, double latencySumMillis, long cameraRestarts, MqttPublisher.Counts mqtt) {
    }

    private final Parts parts;
    private final PrintStream log;
    private final TriggerGate gate = new TriggerGate();
    private final Stats stats;
    private final long startNanos;
    private final long startEpochMillis;
    private volatile boolean stopping;
    private long results;

    /** @param startNanos when start-up began (before the model was loaded), on the parts' clock */
    Service(Parts parts, PrintStream log, long startNanos) {
        this.parts = parts;
        this.log = log;
        this.startNanos = startNanos;
        this.startEpochMillis = System.currentTimeMillis();
        this.stats = new Stats(startNanos);
    }

    /** Asks the worker to stop after the capture in flight; safe from any thread (a signal handler). */
    public void stop() {
        stopping = true;
    }

    /**
     * A trigger from outside the configured source ({@code source} names it in the result line): the
     * status page's {@code POST /trigger}. Merged into a trigger already waiting, like any other.
     */
    void triggerNow(String source) {
        gate.offer(new Trigger(parts.clock().nanoTime(), source));
    }

    /** Results written so far (successful or not). */
    public synchronized long results() {
        return results;
    }

    Snapshot snapshot() {
        return new Snapshot((parts.clock().nanoTime() - startNanos) / 1_000_000_000L, gate.received(),
                stats.captures(), stats.failures(), gate.coalesced(), stats.percentile(0.50), stats.percentile(0.99),
                stats.latencySumMillis(), parts.camera().restarts(),
                parts.mqtt() == null ? null : parts.mqtt().counts());
    }

    RecentResults recent() {
        return parts.recent();
    }

    /** The status page's port, or -1 without one. */
    public int statusPort() {
        return parts.status() == null ? -1 : parts.status().port();
    }

    public String health() {
        String line = stats.line(parts.clock().nanoTime(), gate.received(), gate.coalesced(),
                parts.camera().restarts());
        return parts.mqtt() == null ? line : line + " " + parts.mqtt().health();
    }

    /**
     * Starts the camera, warms the model up, then serves triggers until {@link #stop}, until
     * {@code maxResults} results (0: no limit), or until the trigger source is exhausted; then releases
     * everything. Returns the exit code.
     */
    public int run(long maxResults) throws IOException, InterruptedException {
        try {
            parts.camera().start();
            warmUp();
            parts.trigger().start(gate::offer);
            if (parts.status() != null) {
                parts.status().start(this);
            }
            log.printf("owlet run: ready in %d ms (model load, warm-up, camera and trigger start); trigger: %s;"
                    + " camera: %s%n", TimeUnit.NANOSECONDS.toMillis(parts.clock().nanoTime() - startNanos),
                    parts.trigger().describe(), parts.camera().describe());
            long nextHealth = healthDue(parts.clock().nanoTime());
            while (!stopping && (maxResults == 0 || results() < maxResults)) {
                TriggerGate.Pending p = gate.take(100);
                if (p != null) {
                    serve(p);
                } else if (parts.trigger().exhausted() && !gate.hasPending()) {
                    break;
                }
                long now = parts.clock().nanoTime();
                if (parts.healthIntervalSeconds() > 0 && now - nextHealth >= 0) {
                    log.println("owlet run: " + health());
                    nextHealth = healthDue(now);
                }
            }
        } finally {
            shutdown();
        }
        return 0;
    }

    private long healthDue(long now) {
        return now + TimeUnit.SECONDS.toNanos(Math.max(1, parts.healthIntervalSeconds()));
    }

    /** How long the warm-up may run before the service serves triggers anyway. */
    static final long WARM_UP_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Runs the model until its kernels are compiled ({@link WarmUp}), so the first trigger costs what the rest do. */
    private void warmUp() {
        Recognizer r = parts.recognizer();
        RgbImage grey = new RgbImage(r.inputWidth(), r.inputHeight(), new byte[r.inputWidth() * r.inputHeight() * 3]);
        Runtime heap = Runtime.getRuntime();
        WarmUp.Outcome w = WarmUp.run(() -> r.analyze(grey), heap::freeMemory, parts.clock()::nanoTime,
                WARM_UP_BUDGET_NANOS, () -> stopping);
        log.printf("owlet run: model warmed up with %d runs in %d ms%s%n", w.runs(),
                TimeUnit.NANOSECONDS.toMillis(w.nanos()), w.compiled() || stopping ? ""
                        : "; the kernels were still being compiled when its " + WARM_UP_BUDGET_NANOS / 1_000_000_000L
                        + " s ran out, so the first triggers may take longer");
    }

    /**
     * What one trigger came to: on success the frame's time, the findings, the outputs switched on, the
     * picture as shown (boxes drawn) and the file it is kept in (or null); on failure the error.
     */
    private record Outcome(long frameNanos, Findings findings, List<String> on, RgbImage picture, Path file,
            double latencyMillis, String error) {
        static Outcome failed(String error, double latencyMillis) {
            return new Outcome(0, Findings.classified(List.of()), List.of(), null, null, latencyMillis, error);
        }
    }

    /** One trigger: capture and analyze (with the busy pin on), then report. */
    private void serve(TriggerGate.Pending p) {
        long number;
        synchronized (this) {
            number = results + 1;
        }
        parts.outputs().busy(true);
        Outcome outcome;
        try {
            outcome = captureAndAnalyze(p, number);
        } finally {
            parts.outputs().busy(false);
        }
        report(p, number, outcome);
    }

    /** Takes the frame for the trigger, analyzes it, drives the outputs and keeps the picture. */
    private Outcome captureAndAnalyze(TriggerGate.Pending p, long number) {
        try {
            Frame frame = parts.camera().next(p.trigger().nanos(), parts.cameraTimeoutMillis());
            Findings findings = parts.recognizer().analyze(frame.image());
            List<String> on = parts.outputs().apply(findings);
            double latency = millisSince(p);
            RgbImage picture = boxesDrawn(frame.image(), findings);
            Path file = keep(frame, picture, number);
            stats.success(latency);
            return new Outcome(frame.nanos(), findings, on, picture, file, latency, null);
        } catch (IOException e) {
            return failed(p, Failures.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return failed(p, "interrupted");
        } catch (RuntimeException e) { // a bug must cost one trigger, not the service
            return failed(p, "internal error: " + e);
        }
    }

    private Outcome failed(TriggerGate.Pending p, String message) {
        stats.failure();
        log.println("owlet run: trigger failed: " + message);
        return Outcome.failed(message, millisSince(p));
    }

    private double millisSince(TriggerGate.Pending p) {
        return (parts.clock().nanoTime() - p.trigger().nanos()) / 1e6;
    }

    /** Writes the trigger's JSON line to the results, the status page and MQTT. */
    private void report(TriggerGate.Pending p, long number, Outcome o) {
        StringBuilder b = new StringBuilder("{\"trigger\":").append(number)
                .append(",\"source\":").append(Json.string(p.trigger().source()))
                .append(",\"edge_time\":").append(Json.string(wallTime(p.trigger().nanos())));
        if (o.error() == null) {
            b.append(",\"frame_time\":").append(Json.string(wallTime(o.frameNanos())));
        }
        b.append(",\"latency_ms\":").append(Json.number(Math.round(o.latencyMillis() * 1000) / 1000.0))
                .append(",\"coalesced\":").append(p.coalesced());
        if (o.error() != null) {
            b.append(",\"error\":").append(Json.string(o.error()));
        } else {
            o.findings().appendJson(b.append(','));
            b.append(",\"outputs\":[");
            for (int i = 0; i < o.on().size(); i++) {
                b.append(i == 0 ? "" : ",").append(Json.string(o.on().get(i)));
            }
            b.append(']');
            if (o.file() != null) {
                b.append(",\"capture\":").append(Json.string(o.file().toString()));
            }
        }
        String line = b.append('}').toString();
        parts.results().write(line);
        parts.recent().add(new RecentResults.Entry(number, wallTime(p.trigger().nanos()), o.findings().ranked(), o.on(),
                o.latencyMillis(), o.error(), line), o.picture());
        if (parts.mqtt() != null) {
            parts.mqtt().publish(line); // queued: the broker never holds up the next trigger
        }
        synchronized (this) {
            results++;
        }
    }

    /** The picture with the detections' boxes drawn on it (when on and there are any), else the picture itself. */
    private RgbImage boxesDrawn(RgbImage image, Findings findings) {
        if (!parts.drawBoxes() || !findings.isDetection() || findings.detections().isEmpty()) {
            return image;
        }
        return Detector.drawn(image, findings.detections());
    }

    /**
     * Keeps the capture under the caps and returns the file that holds it now, or null: a camera's still
     * file as it is, or the picture saved as PNG when the camera gave none or boxes were drawn on it (a
     * still is then replaced). The camera's own files are deleted when captures are off; the user's own
     * files (camera = files) are never kept, pruned or deleted (a copy with boxes may be saved).
     */
    private Path keep(Frame frame, RgbImage picture, long number) throws IOException {
        Path file = frame.file();
        boolean owned = file != null && parts.camera().ownsFiles();
        if (parts.captures() != null) {
            if (file == null || picture != frame.image()) {
                Path saved = parts.captures().save(picture, epochMillis(frame.nanos()), number);
                if (owned) {
                    Files.deleteIfExists(file);
                }
                return saved;
            }
            if (owned) {
                parts.captures().keep(file);
            }
        }
        if (parts.deleteCameraFiles() && owned) {
            Files.deleteIfExists(file);
            return null;
        }
        return file;
    }

    private long epochMillis(long nanos) {
        return startEpochMillis + TimeUnit.NANOSECONDS.toMillis(nanos - startNanos);
    }

    private String wallTime(long nanos) {
        return Instant.ofEpochMilli(epochMillis(nanos)).toString();
    }

    private void shutdown() {
        closeQuietly(parts.status());
        closeQuietly(parts.trigger());
        closeQuietly(parts.camera());
        closeQuietly(parts.outputs());
        closeQuietly(parts.gpio());
        closeQuietly(parts.recognizer());
        parts.results().close();
        closeQuietly(parts.mqtt()); // sends what is queued (briefly), then publishes offline
        log.println("owlet run: stopped; " + health());
        log.flush();
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.println("owlet run: while closing: " + e);
        }
    }
}
