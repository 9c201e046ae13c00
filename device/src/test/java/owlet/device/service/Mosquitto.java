package owlet.device.service;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker for a test, on a free loopback port, as a child process. Its configuration,
 * persistence database and log live in a directory of the test. Without Debian's {@code mosquitto} the
 * test fails (never skips), saying how to install it.
 */
final class Mosquitto implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    final Path dir;
    final int port;
    private final List<String> extraConfig;
    private Process process;

    /** @param extraConfig more lines of mosquitto.conf (a password file, a TLS listener) */
    Mosquitto(Path dir, String... extraConfig) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            fail(BINARY + " is missing: the MQTT tests run a real broker; install it with"
                    + " 'apt-get install mosquitto' (./test does)");
        }
        this.dir = Files.createDirectories(dir);
        this.port = freePort();
        this.extraConfig = List.of(extraConfig);
        start();
    }

    /** Ports this JVM has handed out: the kernel may give the same free port to two binds in a row. */
    private static final Set<Integer> ISSUED = new HashSet<>();

    /**
     * A loopback port free now and not handed out before in this JVM. (A test with a second listener took
     * two ports in a row; once both were the same, and mosquitto refused the configuration: "Address
     * already in use".)
     */
    static synchronized int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                if (ISSUED.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no loopback port that was not handed out before, in 100 tries");
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts (or restarts, on the same port, with the same persistence database) the broker. */
    void start() throws IOException {
        List<String> conf = new ArrayList<>(List.of(
                "per_listener_settings false",
                "listener " + port + " 127.0.0.1",
                "persistence true",
                "persistence_location " + dir + "/",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "log_type notice"));
        if ("root".equals(System.getProperty("user.name"))) {
            conf.add("user root"); // as root, mosquitto would switch to its own user, which cannot write here
        }
        boolean auth = extraConfig.stream().anyMatch(l -> l.startsWith("password_file"));
        conf.add("allow_anonymous " + !auth);
        conf.addAll(extraConfig);
        Path file = Files.write(dir.resolve("mosquitto.conf"), conf);
        process = new ProcessBuilder(BINARY.toString(), "-c", file.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        awaitPort(port);
    }

    /** Waits until {@code port} on loopback accepts connections (the broker is up). */
    void awaitPort(int p) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("mosquitto exited at start: " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p), 200);
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        fail("mosquitto did not listen on " + p + " within 10 s: " + log());
    }

    /** SIGTERM: the broker saves its persistence database and closes every connection. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
