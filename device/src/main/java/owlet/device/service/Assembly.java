package owlet.device.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import owlet.device.camera.CommandTemplate;
import owlet.device.camera.FileSource;
import owlet.device.camera.FrameSource;
import owlet.device.camera.StillSource;
import owlet.device.camera.StreamSource;
import owlet.device.gpio.OutputLine;
import owlet.device.gpio.Pi4jGpio;
import owlet.device.trigger.Clock;
import owlet.device.trigger.LineTrigger;
import owlet.device.trigger.TimerTrigger;
import owlet.device.trigger.TriggerSource;
import owlet.runtime.api.Classifier;
import owlet.runtime.api.Labels;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;

/**
 * Builds a {@link Service} from a {@link DeviceConfig}: opens the results file and the captures
 * directory first (cheap checks that must fail at start, not at the first trigger), then loads the
 * model, then claims the GPIO pins. Whatever was opened is released again if a later step fails.
 */
public final class Assembly {
    /** Supplies the GPIO when the configuration needs it: the real one, or a mock context in tests. */
    @FunctionalInterface
    public interface GpioFactory {
        Pi4jGpio open() throws IOException;
    }

    private Assembly() {
    }

    public static Service build(DeviceConfig c, GpioFactory gpioFactory, InputStream stdin, PrintStream out,
            PrintStream log, Clock clock) throws IOException, InvalidModelException {
        return build(c, gpioFactory, null, stdin, out, log, clock);
    }

    /** As above, with {@code cameraOverride} (when not null) in place of the configured camera. */
    public static Service build(DeviceConfig c, GpioFactory gpioFactory, FrameSource cameraOverride,
            InputStream stdin, PrintStream out, PrintStream log, Clock clock) throws IOException, InvalidModelException {
        long start = clock.nanoTime();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            ResultLog results = new ResultLog(c.resultsStdout() ? out : null, c.resultsFile(), log);
            opened.add(results);
            CaptureStore captures = c.capturesDir() == null ? null
                    : new CaptureStore(c.capturesDir(), c.capturesMaxCount(), c.capturesMaxBytes());

            long t0 = clock.nanoTime();
            Model model = Model.load(c.model());
            Classifier classifier = Classifier.create(model, labels(c), c.threads());
            opened.add(classifier);
            log.printf("owlet run: loaded %s in %d ms%n", c.model(),
                    TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - t0));

            Pi4jGpio gpio = null;
            if (c.needsGpio()) {
                gpio = gpioFactory.open();
                opened.add(gpio);
            }
            TriggerSource trigger = switch (c.trigger()) {
                case "gpio" -> gpio.trigger(c.triggerPin(), c.triggerPull(), c.triggerActiveHigh(), c.triggerEdge(),
                        TimeUnit.MILLISECONDS.toNanos(c.debounceMillis()), clock);
                case "timer" -> new TimerTrigger(c.intervalMillis(), clock);
                default -> new LineTrigger(stdin, "stdin", clock);
            };
            List<Outputs.Driven> driven = new ArrayList<>();
            for (OutputRule rule : c.outputs()) {
                OutputLine line = gpio.output(rule.pin(), rule.activeHigh(), rule.name());
                driven.add(new Outputs.Driven(rule, line));
            }
            OutputLine busy = c.busyPin() < 0 ? null : gpio.output(c.busyPin(), c.busyActiveHigh(), "busy");
            Outputs outputs = new Outputs(driven, busy);

            boolean deleteStills = false;
            FrameSource camera;
            Map<String, String> values = Map.of("width", Integer.toString(c.width()), "height",
                    Integer.toString(c.height()), "fps", Integer.toString(c.fps()), "device", c.device());
            try {
                camera = cameraOverride != null ? cameraOverride : switch (c.camera()) {
                    case "stream", "v4l2" -> new StreamSource(CommandTemplate.expand(c.command(), values), c.format(),
                            c.width(), c.height(), c.stallMillis(), c.maxBackoffMillis(), clock,
                            m -> log.println("owlet run: " + m));
                    case "still" -> {
                        Path dir = captures != null ? captures.dir() : Files.createTempDirectory("owlet-stills");
                        deleteStills = captures == null;
                        yield new StillSource(c.command(), values, dir, "jpg", c.cameraTimeoutMillis(), clock);
                    }
                    default -> new FileSource(c.cameraPath(), clock);
                };
            } catch (IllegalArgumentException e) {
                throw new IOException("camera.command: " + e.getMessage(), e);
            }
            return new Service(new Service.Parts(classifier, c.topK(), c.threshold(), trigger, camera, outputs,
                    results, captures, deleteStills, c.cameraTimeoutMillis(), c.healthIntervalSeconds(), clock, gpio),
                    log, start);
        } catch (IOException | InvalidModelException | RuntimeException e) {
            for (AutoCloseable c2 : opened) {
                try {
                    c2.close();
                } catch (Exception ignored) {
                    // the first error is the one to report
                }
            }
            throw e;
        }
    }

    static Labels labels(DeviceConfig c) throws IOException {
        if (c.labels() != null) {
            return Labels.load(c.labels());
        }
        Path dir = c.model().toAbsolutePath().getParent();
        for (String name : new String[] {"imagenet_labels.txt", "labels.txt"}) {
            Path p = dir == null ? null : dir.resolve(name);
            if (p != null && Files.isRegularFile(p)) {
                return Labels.load(p);
            }
        }
        return Labels.none();
    }
}
