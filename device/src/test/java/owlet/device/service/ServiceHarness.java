package owlet.device.service;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import owlet.device.camera.FrameSource;
import owlet.device.gpio.Pi4jGpio;
import owlet.device.trigger.Clock;

/** Runs a {@link Service} on its own thread and collects its stdout and log. */
final class ServiceHarness implements AutoCloseable {
    static final Path SHARED = Path.of(System.getProperty("owlet.shared", "../shared"));
    static final Path MODEL = SHARED.resolve("models/mobilenet_v1_0.25_128_quant.tflite");
    static final Path CAT = SHARED.resolve("images/cat.bmp");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final Service service;
    private final Thread thread;
    private volatile int exitCode = -1;
    private volatile Throwable failure;

    ServiceHarness(Properties config, Pi4jGpio gpio, FrameSource camera, InputStream stdin, long maxResults)
            throws Exception {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream l = new PrintStream(log, true, StandardCharsets.UTF_8);
        service = Assembly.build(DeviceConfig.parse(config), () -> gpio, camera, stdin, o, l, Clock.system());
        thread = new Thread(() -> {
            try {
                exitCode = service.run(maxResults);
            } catch (Throwable t) {
                failure = t;
            }
        }, "service-under-test");
        thread.start();
    }

    static Properties config(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("model", MODEL.toString());
        p.setProperty("health.interval-s", "0");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    List<String> lines() {
        String s = out.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** Waits (generously) for {@code n} result lines. */
    List<String> awaitLines(int n) throws InterruptedException {
        for (int i = 0; i < 3000 && lines().size() < n && thread.isAlive(); i++) {
            Thread.sleep(10);
        }
        return lines();
    }

    /** Waits until the service is serving triggers (after warm-up). */
    void awaitReady() throws InterruptedException {
        for (int i = 0; i < 3000 && !log().contains("ready") && thread.isAlive(); i++) {
            Thread.sleep(10);
        }
    }

    int awaitExit() throws Throwable {
        thread.join(60_000);
        if (failure != null) {
            throw failure;
        }
        return exitCode;
    }

    @Override
    public void close() throws Exception {
        service.stop();
        thread.join(30_000);
    }
}
