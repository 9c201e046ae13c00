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
            ResultLog results = new ResultLog(c.files().resultsStdout() ? out : null, c.files().results(),
                    c.files().resultsMaxBytes(), c.files().resultsKeep(), log);
            opened.add(results);
            CaptureStore captures = c.files().captures() == null ? null
                    : new CaptureStore(c.files().captures(), c.files().capturesMaxCount(), c.files().capturesMaxBytes());
            MqttPublisher mqtt = null;
            if (c.mqtt() != null) { // before the model: a refused password stops the start at once
                mqtt = new MqttPublisher(c.mqtt(), c.model().file().getFileName().toString(),
                        c.outputs().rules().stream().map(OutputRule::name).toList(), log);
                opened.add(mqtt);
                mqtt.connectAtStart();
            }
            StatusServer status = null;
            if (c.http() != null) { // bound now: a port in use stops the start; serves once the service runs
                status = new StatusServer(c.http(), c.model().file().getFileName().toString());
                opened.add(status);
                log.println("owlet run: status page on http://" + hostForUrl(c.http().bind()) + ":" + status.port()
                        + "/");
            }

            long t0 = clock.nanoTime();
            Recognizer recognizer = Recognizer.open(c, c.model().threads(), w -> log.println("owlet run: warning: " + w));
            opened.add(recognizer);
            log.printf("owlet run: loaded %s (%s) in %d ms%n", c.model().file(), recognizer.kind(),
                    TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - t0));

            Pi4jGpio gpio = null;
            if (c.needsGpio()) {
                gpio = gpioFactory.open();
                opened.add(gpio);
            }
            TriggerSource trigger = trigger(c.trigger(), gpio, stdin, clock);
            List<Outputs.Driven> driven = new ArrayList<>();
            for (OutputRule rule : c.outputs().rules()) {
                OutputLine line = gpio.output(rule.pin(), rule.activeHigh(), rule.name());
                driven.add(new Outputs.Driven(rule, line));
            }
            OutputLine busy = c.outputs().busyPin() < 0 ? null : gpio.output(c.outputs().busyPin(), c.outputs().busyActiveHigh(), "busy");
            Outputs outputs = new Outputs(driven, busy);

            boolean deleteStills = cameraOverride == null && c.camera().kind() == DeviceConfig.CameraKind.STILL
                    && captures == null;
            FrameSource camera = cameraOverride != null ? cameraOverride : camera(c.camera(), captures, clock, log);
            return new Service(new Service.Parts(recognizer, c.files().capturesBoxes(), trigger, camera, outputs,
                    results, captures, deleteStills, c.camera().timeoutMillis(), c.healthIntervalSeconds(), clock, gpio, mqtt,
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

    private static TriggerSource trigger(DeviceConfig.TriggerSettings t, Pi4jGpio gpio, InputStream stdin, Clock clock)
            throws IOException {
        return switch (t.kind()) {
            case GPIO -> gpio.trigger(t.pin(), t.pull(), t.activeHigh(), t.edge(),
                    TimeUnit.MILLISECONDS.toNanos(t.debounceMillis()), clock);
            case TIMER -> new TimerTrigger(t.intervalMillis(), clock);
            case STDIN -> new LineTrigger(stdin, "stdin", clock);
        };
    }

    /** The camera; a still camera writes into the captures folder, or into a temporary one deleted as it goes. */
    private static FrameSource camera(DeviceConfig.CameraSettings cam, CaptureStore captures, Clock clock, PrintStream log)
            throws IOException {
        Map<String, String> values = Map.of("width", Integer.toString(cam.width()), "height",
                Integer.toString(cam.height()), "fps", Integer.toString(cam.fps()), "device", cam.device());
        try {
            return switch (cam.kind()) {
                case STREAM, V4L2 -> new StreamSource(CommandTemplate.expand(cam.command(), values), cam.format(),
                        cam.width(), cam.height(), cam.stallMillis(), cam.maxBackoffMillis(), clock,
                        m -> log.println("owlet run: " + m));
                case STILL -> new StillSource(cam.command(), values,
                        captures != null ? captures.dir() : Files.createTempDirectory("owlet-stills"), "jpg",
                        cam.timeoutMillis(), clock);
                case FILES -> new FileSource(cam.path(), clock);
            };
        } catch (IllegalArgumentException e) {
            throw new IOException("camera.command: " + e.getMessage(), e);
        }
    }

    private static String hostForUrl(String bind) {
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }
}
