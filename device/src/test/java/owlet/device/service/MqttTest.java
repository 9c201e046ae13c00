package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import owlet.device.gpio.MockGpioTest;
import owlet.runtime.cli.Cli;

/** Results to a real Mosquitto broker: Home Assistant discovery, outages, credentials, TLS, last will. */
@Timeout(180)
class MqttTest extends MockGpioTest {
    @TempDir
    Path tmp;

    private PipedOutputStream typing; // the stdin of the latest service: a line is a trigger

    private ServiceHarness service(String url, String... more) throws Exception {
        List<String> kv = new ArrayList<>(List.of("trigger", "stdin", "camera", "files",
                "camera.path", ServiceHarness.CAT.toString(), "top-k", "2", "mqtt.url", url,
                "mqtt.client-id", "testnode"));
        kv.addAll(List.of(more));
        typing = new PipedOutputStream();
        return new ServiceHarness(ServiceHarness.config(kv.toArray(String[]::new)), gpio, null,
                new PipedInputStream(typing), 0);
    }

    private void trigger(ServiceHarness h, int total) throws Exception {
        typing.write("go\n".getBytes(StandardCharsets.US_ASCII));
        typing.flush();
        assertEquals(total, h.awaitLines(total).size(), h.log());
    }

    private static int triggerNumber(String json) {
        return JsonParser.parseString(json).getAsJsonObject().get("trigger").getAsInt();
    }

    @Test
    void resultsArriveAndDiscoveryIsRetainedAndNamesTheDeviceAndEveryOutput() throws Throwable {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
                ServiceHarness h = service(broker.url(), "outputs", "led", "output.led.pin", "27",
                        "output.led.labels", "Egyptian cat", "output.led.min-score", "0.3")) {
            h.awaitReady();
            assertTrue(h.log().contains("mqtt: connected to " + broker.url()), h.log());
            try (Subscriber sub = new Subscriber(broker.url(), "test-sub", true, "owlet/testnode/#",
                    "homeassistant/#")) {
                trigger(h, 1);
                trigger(h, 2);
                List<Subscriber.Message> results = sub.collect("owlet/testnode/result", 2, 10_000);
                assertEquals(h.lines(), results.stream().map(Subscriber.Message::payload).toList(),
                        "the same lines as stdout, in order");

                Subscriber.Message status = sub.next(m -> m.topic().equals("owlet/testnode/status"), 5000);
                assertNotNull(status);
                assertEquals("online", status.payload());
                assertTrue(status.retained(), "the status is retained");

                Map<String, JsonObject> configs = new TreeMap<>();
                for (int i = 0; i < 3; i++) {
                    Subscriber.Message m = sub.next(x -> x.topic().startsWith("homeassistant/"), 5000);
                    assertNotNull(m, "discovery messages so far: " + configs.keySet());
                    assertTrue(m.retained(), m.topic() + " is retained");
                    configs.put(m.topic(), JsonParser.parseString(m.payload()).getAsJsonObject());
                }
                assertEquals(List.of("homeassistant/binary_sensor/testnode/led/config",
                        "homeassistant/sensor/testnode/label/config", "homeassistant/sensor/testnode/score/config"),
                        List.copyOf(configs.keySet()));
                for (JsonObject c : configs.values()) {
                    assertEquals("owlet/testnode/result", c.get("state_topic").getAsString());
                    assertEquals("owlet/testnode/status", c.get("availability_topic").getAsString());
                    assertTrue(c.get("value_template").getAsString().startsWith("{{"), c.toString());
                    JsonObject device = c.getAsJsonObject("device");
                    assertEquals("owlet_testnode", device.getAsJsonArray("identifiers").get(0).getAsString());
                    assertEquals("mobilenet_v1_0.25_128_quant.tflite", device.get("model").getAsString());
                }
                assertEquals("testnode_label",
                        configs.get("homeassistant/sensor/testnode/label/config").get("unique_id").getAsString());
                assertTrue(configs.get("homeassistant/binary_sensor/testnode/led/config").get("value_template")
                        .getAsString().contains("'led' in (value_json.outputs"));
                assertTrue(h.lines().get(0).contains("\"outputs\":[\"led\"]"), h.lines().get(0));

                typing.close(); // the end of stdin stops the service: a clean stop says offline itself
                h.awaitExit();
                Subscriber.Message offline = sub.next(m -> m.topic().equals("owlet/testnode/status"), 10_000);
                assertNotNull(offline, h.log());
                assertEquals("offline", offline.payload());
                assertTrue(h.log().contains(" mqtt=down mqtt_published=2 mqtt_queued=0 mqtt_dropped=0"), h.log());
            }
        }
    }

    @Test
    void aBrokerRestartLosesNothingButWhatOverflowsTheQueueAndKeepsTheOrder() throws Throwable {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
                ServiceHarness h = service(broker.url(), "mqtt.queue", "3", "mqtt.discovery", "false")) {
            h.awaitReady();
            // A persistent session: the broker keeps it (and what it queues for it) across its restart.
            try (Subscriber sub = new Subscriber(broker.url(), "test-sub", false, "owlet/testnode/result")) {
                trigger(h, 1);
                assertEquals(List.of(1), sub.collect("owlet/testnode/result", 1, 10_000).stream()
                        .map(m -> triggerNumber(m.payload())).toList());

                broker.stop();
                for (int i = 0; i < 200 && !h.service.health().contains("mqtt=down"); i++) {
                    Thread.sleep(10);
                }
                assertTrue(h.service.health().contains("mqtt=down"), h.service.health());
                for (int n = 2; n <= 7; n++) {
                    trigger(h, n); // never blocked by the absent broker
                }
                assertTrue(h.service.health().contains("mqtt_queued=3 mqtt_dropped=3"), h.service.health());
                assertTrue(h.log().contains("mqtt: queue full (3): dropping the oldest results"), h.log());

                broker.start();
                // Owlet sends its queue first; the subscriber comes back afterwards and is sent what the broker
                // queued for it, so the order seen is the order Owlet sent (not a race between two reconnects).
                for (int i = 0; i < 2000 && !h.service.health().contains("mqtt_published=4 mqtt_queued=0"); i++) {
                    Thread.sleep(10);
                }
                assertTrue(h.service.health().contains("mqtt=up mqtt_published=4 mqtt_queued=0"),
                        h.service.health() + "\n" + h.log());
                sub.reconnect(10_000);
                List<Integer> after = new ArrayList<>(sub.collect("owlet/testnode/result", 3, 20_000).stream()
                        .map(m -> triggerNumber(m.payload())).toList());
                sub.collect("owlet/testnode/result", 1, 1000).forEach(m -> after.add(triggerNumber(m.payload())));
                assertEquals(List.of(5, 6, 7), after, "the newest three, in order; 2, 3 and 4 overflowed\n"
                        + h.log() + broker.log());
                assertTrue(h.service.health().contains("mqtt=up mqtt_published=4 mqtt_queued=0 mqtt_dropped=3"),
                        h.service.health());
            }
        }
    }

    @Test
    void aRefusedPasswordStopsTheStartWithOneLineAndTheRightOneConnects() throws Throwable {
        Path passwords = tmp.resolve("passwords");
        Process p = new ProcessBuilder("mosquitto_passwd", "-c", "-b", passwords.toString(), "owl", "hoot")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mosquitto_passwd: " + out);
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"), "password_file " + passwords)) {
            Path config = Files.write(tmp.resolve("owlet.properties"), List.of(
                    "model = " + ServiceHarness.MODEL, "trigger = stdin", "camera = files",
                    "camera.path = " + ServiceHarness.CAT, "health.interval-s = 0",
                    "mqtt.url = mqtt://127.0.0.1:" + broker.port, "mqtt.username = owl", "mqtt.password = screech"));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Cli.standard().run(new String[] {"run", "--config", config.toString()},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String log = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, log);
            String expected = "owlet run: mqtt: " + broker.url() + " refused the connection: ";
            assertTrue(log.startsWith(expected) && log.contains("(check mqtt.username and mqtt.password"), log);
            assertEquals(1, log.strip().lines().count(), log);
            assertFalse(log.contains("Exception"), log);

            Path secret = Files.writeString(tmp.resolve("secret"), "hoot\n");
            assertThrows(org.eclipse.paho.client.mqttv3.MqttSecurityException.class,
                    () -> new Subscriber(broker.url(), "anonymous", true), "the broker checks passwords");
            try (ServiceHarness h = service(broker.url(), "mqtt.username", "owl", "mqtt.password-file",
                    secret.toString())) {
                h.awaitReady();
                assertTrue(h.log().contains("mqtt: connected to " + broker.url()), h.log());
            }
        }
    }

    @Test
    void theLastWillSaysOfflineWhenTheProcessDies() throws Throwable {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
                Subscriber sub = new Subscriber(broker.url(), "test-sub", true, "owlet/testnode/status")) {
            Path config = Files.write(tmp.resolve("owlet.properties"), List.of(
                    "model = " + ServiceHarness.MODEL, "trigger = timer", "trigger.interval-ms = 200",
                    "camera = files", "camera.path = " + ServiceHarness.CAT, "health.interval-s = 0",
                    "mqtt.url = " + broker.url(), "mqtt.client-id = testnode"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "owlet.runtime.cli.Cli", "run", "--config", config.toString())
                    .redirectError(tmp.resolve("stderr.txt").toFile()).start();
            try {
                var stdout = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8));
                String first = stdout.readLine();
                assertTrue(first != null && first.contains("Egyptian cat"),
                        first + " / " + Files.readString(tmp.resolve("stderr.txt")));
                Subscriber.Message online = sub.next(m -> true, 10_000);
                assertNotNull(online);
                assertEquals("online", online.payload());
            } finally {
                p.destroyForcibly(); // SIGKILL: no clean stop, the broker sees the connection die
                p.waitFor(30, TimeUnit.SECONDS);
            }
            Subscriber.Message will = sub.next(m -> true, 10_000);
            assertNotNull(will, "no last will within 10 s");
            assertEquals("offline", will.payload());
        }
    }

    @Test
    void tlsWithTheConfiguredCaConnectsAndAnotherCaIsRefusedAtStart() throws Throwable {
        Path pki = Files.createDirectories(tmp.resolve("pki"));
        openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Owlet test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl(pki, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(pki, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", "server.pem");
        openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Another CA",
                "-keyout", "other.key", "-out", "other.pem");
        int tlsPort = Mosquitto.freePort();
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"), "listener " + tlsPort + " 127.0.0.1",
                "cafile " + pki.resolve("ca.pem"), "certfile " + pki.resolve("server.pem"),
                "keyfile " + pki.resolve("server.key"))) {
            broker.awaitPort(tlsPort);
            String tlsUrl = "mqtts://localhost:" + tlsPort;
            try (Subscriber sub = new Subscriber(broker.url(), "test-sub", true, "owlet/testnode/result");
                    ServiceHarness h = service(tlsUrl, "mqtt.ca-file", pki.resolve("ca.pem").toString())) {
                h.awaitReady();
                assertTrue(h.log().contains("mqtt: connected to ssl://localhost:" + tlsPort), h.log());
                trigger(h, 1);
                List<Subscriber.Message> got = sub.collect("owlet/testnode/result", 1, 10_000);
                assertEquals(h.lines(), got.stream().map(Subscriber.Message::payload).toList());
            }
            IOException e = assertThrows(IOException.class,
                    () -> service(tlsUrl, "mqtt.ca-file", pki.resolve("other.pem").toString()));
            assertTrue(e.getMessage().startsWith("mqtt: ssl://localhost:" + tlsPort + " refused the connection")
                    && e.getMessage().contains("check mqtt.ca-file"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }
}
