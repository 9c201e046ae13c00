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
import owlet.runtime.model.InvalidModelException;

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
            PrintStream log, Clock clock) throws IOException, InvalidModelException, ConfigException {
        return build(c, gpioFactory, null, stdin, out, log, clock);
    }

    /** As above, with {@code cameraOverride} (when not null) in place of the configured camera. */
    public static Service build(DeviceConfig c, GpioFactory gpioFactory, FrameSource cameraOverride,
            InputStream stdin, PrintStream out, PrintStream log, Clock clock)
            throws IOException, InvalidModelException, ConfigException {
        long start = clock.nanoTime();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            ResultLog results = new ResultLog(c.resultsStdout() ? out : null, c.resultsFile(),
                    c.resultsMaxBytes(), c.resultsKeep(), log);
            opened.add(results);
            CaptureStore captures = c.capturesDir() == null ? null
                    : new CaptureStore(c.capturesDir(), c.capturesMaxCount(), c.capturesMaxBytes());
            MqttPublisher mqtt = null;
            if (c.mqtt() != null) { // before the model: a refused password stops the start at once
                mqtt = new MqttPublisher(c.mqtt(), c.model().getFileName().toString(),
                        c.outputs().stream().map(OutputRule::name).toList(), log);
                opened.add(mqtt);
                mqtt.connectAtStart();
            }
            StatusServer status = null;
            if (c.http() != null) { // bound now: a port in use stops the start; serves once the service runs
                status = new StatusServer(c.http(), c.model().getFileName().toString());
                opened.add(status);
                log.println("owlet run: status page on http://" + hostForUrl(c.http().bind()) + ":" + status.port()
                        + "/");
            }

            long t0 = clock.nanoTime();
            Recognizer recognizer = Recognizer.open(c, c.threads(), w -> log.println("owlet run: warning: " + w));
            opened.add(recognizer);
            log.printf("owlet run: loaded %s (%s) in %d ms%n", c.model(), recognizer.kind(),
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
            return new Service(new Service.Parts(recognizer, c.capturesBoxes(), trigger, camera, outputs,
                    results, captures, deleteStills, c.cameraTimeoutMillis(), c.healthIntervalSeconds(), clock, gpio, mqtt,
                    new RecentResults(c.http() == null ? 1 : c.http().history()), status),
                    log, start);
        } catch (IOException | InvalidModelException | ConfigException | RuntimeException e) {
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

    private static String hostForUrl(String bind) {
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }
}
