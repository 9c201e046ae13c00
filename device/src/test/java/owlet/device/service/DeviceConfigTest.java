package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import owlet.device.camera.PixelFormat;
import owlet.device.gpio.Edge;
import owlet.device.gpio.Pull;
import owlet.runtime.api.Classification;
import owlet.runtime.api.Detection;
import owlet.runtime.api.Labels;

class DeviceConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        p.setProperty("model", "m.tflite");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreRightForAPiWithAButtonAndTheCameraModule() throws Exception {
        DeviceConfig c = DeviceConfig.parse(props());
        assertEquals(DeviceConfig.TriggerKind.GPIO, c.trigger().kind());
        assertEquals(17, c.trigger().pin());
        assertEquals(Pull.UP, c.trigger().pull());
        assertFalse(c.trigger().activeHigh());
        assertEquals(Edge.PRESS, c.trigger().edge());
        assertEquals(50, c.trigger().debounceMillis());
        assertEquals(DeviceConfig.CameraKind.STREAM, c.camera().kind());
        assertEquals(640, c.camera().width());
        assertEquals(480, c.camera().height());
        assertEquals(15, c.camera().fps());
        assertEquals(PixelFormat.YUV420, c.camera().format());
        assertTrue(c.camera().command().startsWith("rpicam-vid "), c.camera().command());
        assertEquals(5, c.model().topK());
        assertEquals(-1, c.outputs().busyPin());
        assertTrue(c.files().resultsStdout());
        assertEquals(null, c.files().results());
        assertEquals(10L << 20, c.files().resultsMaxBytes());
        assertEquals(5, c.files().resultsKeep());
        assertEquals(60, c.healthIntervalSeconds());
        assertTrue(c.needsGpio());
    }

    @Test
    void resultsRotationKeys() throws Exception {
        DeviceConfig c = DeviceConfig.parse(props("results.file", "r.jsonl", "results.max-mb", "3", "results.keep", "0"));
        assertEquals(3L << 20, c.files().resultsMaxBytes());
        assertEquals(0, c.files().resultsKeep());
        ConfigException e = assertThrows(ConfigException.class, () -> DeviceConfig.parse(props("results.max-mb", "0")));
        assertTrue(e.getMessage().contains("results.max-mb"), e.getMessage());
    }

    @Test
    void outputsAreReadByName() throws Exception {
        DeviceConfig c = DeviceConfig.parse(props("outputs", "led, relay", "output.led.pin", "27",
                "output.led.labels", "Egyptian cat, tabby", "output.relay.pin", "22", "output.relay.active", "low",
                "output.relay.hold-ms", "0"));
        assertEquals(2, c.outputs().rules().size());
        OutputRule led = c.outputs().rules().get(0);
        assertEquals(27, led.pin());
        assertEquals(2000, led.holdMillis());
        assertEquals(0.5f, led.minScore());
        assertTrue(led.matches(List.of(new Classification(282, "tabby, tabby cat", 0.7f))));
        assertFalse(led.matches(List.of(new Classification(282, "tabby, tabby cat", 0.2f))));
        assertFalse(led.matches(List.of(new Classification(1, "goldfish", 0.9f))));
        assertFalse(c.outputs().rules().get(1).activeHigh());
    }

    @Test
    void mistakesNameTheKey() {
        assertMessage("'model' is required", props("model", ""));
        assertMessage("unknown key [trigger.pn]", props("trigger.pn", "4"));
        assertMessage("'trigger.pin' must be between 0 and 53, got 99", props("trigger.pin", "99"));
        assertMessage("'trigger' must be one of gpio, timer, stdin, got 'button'", props("trigger", "button"));
        assertMessage("'trigger.pull': 'sideways' is not up, down or none", props("trigger.pull", "sideways"));
        assertMessage("'output.led.pin' is required", props("outputs", "led"));
        assertMessage("'output.led.pin': BCM 17 is already used", props("outputs", "led", "output.led.pin", "17"));
        assertMessage("unknown key [output.lamp.pin] (is the output listed in 'outputs'?)",
                props("output.lamp.pin", "5"));
        assertMessage("'camera.path' is required with camera=files", props("camera", "files"));
        assertMessage("even width and height", props("camera.width", "641"));
        assertMessage("'threshold' needs a number, got 'high'", props("threshold", "high"));
        assertMessage("results would go nowhere", props("results.stdout", "false"));
    }

    @Test
    void mqttIsOffWithoutAUrlAndItsKeysAreReadWithDefaults() throws Exception {
        assertEquals(null, DeviceConfig.parse(props()).mqtt());
        MqttSettings m = DeviceConfig.parse(props("mqtt.url", "mqtt://broker.local", "mqtt.client-id", "porch")).mqtt();
        assertEquals("tcp://broker.local:1883", m.url());
        assertEquals("owlet/porch", m.topic());
        assertEquals("owlet/porch/result", m.resultTopic());
        assertEquals("owlet/porch/status", m.statusTopic());
        assertEquals(1, m.qos());
        assertEquals(1000, m.queue());
        assertTrue(m.discovery());
        assertEquals("homeassistant", m.discoveryPrefix());
        assertEquals(null, m.username());
        assertEquals("ssl://b:8883", DeviceConfig.parse(props("mqtt.url", "mqtts://b")).mqtt().url());
        assertEquals("ssl://b:9999", DeviceConfig.parse(props("mqtt.url", "ssl://b:9999")).mqtt().url());
        assertTrue(DeviceConfig.parse(props("mqtt.url", "tcp://b")).mqtt().clientId().startsWith("owlet-"));
        MqttSettings secret = DeviceConfig.parse(props("mqtt.url", "tcp://b", "mqtt.username", "u",
                "mqtt.password", "p4ss", "mqtt.topic", "home/owl", "mqtt.qos", "2", "mqtt.queue", "10",
                "mqtt.discovery", "false")).mqtt();
        assertEquals("home/owl/result", secret.resultTopic());
        assertEquals("p4ss", secret.password());
        assertFalse(secret.toString().contains("p4ss"), "the password is never printed");
        assertEquals(2, secret.qos());
        assertEquals(10, secret.queue());
        assertFalse(secret.discovery());
    }

    @Test
    void mqttMistakesNameTheKey(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        assertMessage("unknown key [mqtt.topic] (mqtt.* keys need 'mqtt.url')", props("mqtt.topic", "a/b"));
        assertMessage("'mqtt.url' must start with tcp://, mqtt://, ssl:// or mqtts://, got 'http://b'",
                props("mqtt.url", "http://b"));
        assertMessage("'mqtt.url' must be SCHEME://HOST or SCHEME://HOST:PORT", props("mqtt.url", "tcp://u@b/x"));
        assertMessage("'mqtt.qos' must be between 0 and 2, got 3", props("mqtt.url", "tcp://b", "mqtt.qos", "3"));
        assertMessage("'mqtt.topic' must be a topic without wildcards", props("mqtt.url", "tcp://b", "mqtt.topic", "a/#"));
        assertMessage("'mqtt.client-id' may use only letters", props("mqtt.url", "tcp://b", "mqtt.client-id", "a b"));
        assertMessage("a password is set but 'mqtt.username' is not", props("mqtt.url", "tcp://b", "mqtt.password", "p"));
        assertMessage("'mqtt.ca-file' is set but 'mqtt.url' is not ssl://",
                props("mqtt.url", "tcp://b", "mqtt.ca-file", "ca.pem"));
        assertMessage("'mqtt.ca-file': cannot read " + tmp.resolve("absent.pem"),
                props("mqtt.url", "ssl://b", "mqtt.ca-file", tmp.resolve("absent.pem").toString()));
        assertMessage("'mqtt.password-file': cannot read " + tmp.resolve("absent") + ": ",
                props("mqtt.url", "tcp://b", "mqtt.username", "u", "mqtt.password-file", tmp.resolve("absent").toString()));
        Path file = java.nio.file.Files.writeString(tmp.resolve("secret"), "  s3cret  \nignored\n");
        assertEquals("s3cret", DeviceConfig.parse(props("mqtt.url", "tcp://b", "mqtt.username", "u",
                "mqtt.password-file", file.toString())).mqtt().password());
        assertMessage("are both set", props("mqtt.url", "tcp://b", "mqtt.username", "u", "mqtt.password", "p",
                "mqtt.password-file", file.toString()));
    }

    @Test
    void theStatusPageIsOffWithoutAPortLoopbackByDefaultAndNeedsATokenElsewhere() throws Exception {
        assertEquals(null, DeviceConfig.parse(props()).http());
        HttpSettings h = DeviceConfig.parse(props("http.port", "8080")).http();
        assertEquals("127.0.0.1", h.bind());
        assertEquals(8080, h.port());
        assertEquals(null, h.token());
        assertEquals(20, h.history());
        assertMessage("unknown key [http.bind] (http.* keys need 'http.port')", props("http.bind", "0.0.0.0"));
        assertMessage("'http.token' is required when 'http.bind' (0.0.0.0) is not a loopback address",
                props("http.port", "8080", "http.bind", "0.0.0.0"));
        assertMessage("'http.token' needs at least 16 printable characters",
                props("http.port", "8080", "http.bind", "0.0.0.0", "http.token", "short"));
        assertMessage("'http.bind' must be an IP address", props("http.port", "8080", "http.bind", "pi.example"));
        assertMessage("'http.port' must be between 0 and 65535, got 70000", props("http.port", "70000"));
        HttpSettings open = DeviceConfig.parse(props("http.port", "80", "http.bind", "::", "http.token",
                "0123456789abcdefXYZ", "http.history", "5")).http();
        assertEquals("::", open.bind());
        assertEquals(5, open.history());
        assertFalse(open.toString().contains("0123456789abcdefXYZ"), "the token is never printed");
    }

    @Test
    void outputRulesAreCheckedAgainstTheLabelFile() throws Exception {
        Labels labels = Labels.parse("background\ntabby, tabby cat\nEgyptian cat\nPersian cat\n", "labels.txt");
        OutputRule ok = new OutputRule("led", 27, true, Set.of("TABBY", "egyptian cat"), 0.5f, 0);
        ok.checkLabels(labels);
        OutputRule typo = new OutputRule("led", 27, true, Set.of("persian kat"), 0.5f, 0);
        ConfigException e = assertThrows(ConfigException.class, () -> typo.checkLabels(labels));
        assertEquals("'output.led.labels': 'persian kat' is not a label of labels.txt; closest: 'Persian cat'",
                e.getMessage());
        OutputRule prefix = new OutputRule("led", 27, true, Set.of("Egypt"), 0.5f, 0);
        e = assertThrows(ConfigException.class, () -> prefix.checkLabels(labels));
        assertTrue(e.getMessage().endsWith("; closest: 'Egyptian cat'"), e.getMessage());
        OutputRule far = new OutputRule("led", 27, true, Set.of("zebra"), 0.5f, 0);
        e = assertThrows(ConfigException.class, () -> far.checkLabels(labels));
        assertEquals("'output.led.labels': 'zebra' is not a label of labels.txt", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ok.checkLabels(Labels.none()));
        assertTrue(e.getMessage().contains("needs a label file, and there is none"), e.getMessage());
        new OutputRule("led", 27, true, Set.of("#282"), 0.5f, 0).checkLabels(Labels.none());
    }

    @Test
    void laptopExampleIsValidAndNeedsNoGpio() throws Exception {
        Path example = Path.of("examples/laptop.properties");
        DeviceConfig c = DeviceConfig.load(example);
        assertEquals(DeviceConfig.TriggerKind.TIMER, c.trigger().kind());
        assertEquals(DeviceConfig.CameraKind.FILES, c.camera().kind());
        assertFalse(c.needsGpio());
        for (String name : new String[] {"pi-button-led.properties", "usb-webcam.properties", "pi-motion-still.properties",
                "laptop-detect.properties"}) {
            DeviceConfig.load(Path.of("examples", name)); // every example parses
        }
    }

    @Test
    void detectionRulesCountLabelledDetectionsAboveTheScoreWithTheirCentreInTheRegion() throws Exception {
        Properties p = new Properties();
        p.setProperty("model", "m.tflite");
        p.setProperty("outputs", "door");
        p.setProperty("output.door.pin", "27");
        p.setProperty("output.door.labels", "person, Cat");
        p.setProperty("output.door.min-score", "0.6");
        p.setProperty("output.door.min-count", "2");
        p.setProperty("output.door.region", "0, 0.5, 1, 1");
        DeviceConfig c = DeviceConfig.parse(p);
        assertTrue(Float.isNaN(c.model().threshold()), "no threshold given: the model's kind decides");
        assertTrue(c.files().capturesBoxes());
        OutputRule door = c.outputs().rules().get(0);
        assertEquals(2, door.minCount());
        assertEquals(new OutputRule.Region(0, 0.5, 1, 1), door.region());

        Detection lowerPerson = new Detection(0, "person", 0.8f, new Detection.Box(0.1, 0.6, 0.3, 0.9));
        Detection lowerCat = new Detection(16, "cat", 0.7f, new Detection.Box(0.5, 0.55, 0.9, 0.95));
        Detection upperCat = new Detection(16, "cat", 0.9f, new Detection.Box(0.5, 0.0, 0.9, 0.4));
        Detection faintPerson = new Detection(0, "person", 0.5f, new Detection.Box(0.1, 0.6, 0.3, 0.9));
        Detection lowerDog = new Detection(17, "dog", 0.9f, new Detection.Box(0.1, 0.6, 0.3, 0.9));
        assertTrue(door.matches(Findings.detected(List.of(lowerPerson, lowerCat), 640, 480)));
        assertFalse(door.matches(Findings.detected(List.of(lowerPerson, upperCat), 640, 480)), "centre above the region");
        assertFalse(door.matches(Findings.detected(List.of(lowerCat, faintPerson), 640, 480)), "below min-score");
        assertFalse(door.matches(Findings.detected(List.of(lowerCat, lowerDog), 640, 480)), "not a listed label");
        assertFalse(door.matches(Findings.detected(List.of(), 640, 480)));
        // A box whose centre is on the region's edge counts; one that only overlaps it does not.
        Detection onEdge = new Detection(0, "person", 0.9f, new Detection.Box(0.2, 0.4, 0.4, 0.6));
        Detection overlapping = new Detection(0, "person", 0.9f, new Detection.Box(0.2, 0.1, 0.4, 0.7));
        assertTrue(door.matches(Findings.detected(List.of(onEdge, lowerCat), 640, 480)));
        assertFalse(door.matches(Findings.detected(List.of(overlapping, lowerCat), 640, 480)));

        // A classifier's result never has detections: the rule then looks at the top label only.
        OutputRule any = new OutputRule("any", 5, true, Set.of(), 0.5f, 0);
        assertTrue(any.matches(Findings.classified(List.of(new Classification(1, "goldfish", 0.9f)))));
        assertTrue(any.matches(Findings.detected(List.of(lowerDog), 640, 480)));
        assertFalse(any.matches(Findings.detected(List.of(new Detection(0, "person", 0.4f,
                new Detection.Box(0, 0, 1, 1))), 640, 480)), "below the rule's min-score 0.5");
    }

    @Test
    void detectionKeysAreCheckedAndRefusedForAClassifier() throws Exception {
        Properties p = new Properties();
        p.setProperty("model", "m.tflite");
        p.setProperty("outputs", "door");
        p.setProperty("output.door.pin", "27");
        p.setProperty("output.door.region", "0,0.5,1");
        assertMessage("'output.door.region': needs four numbers xmin,ymin,xmax,ymax, not 3", p);
        p.setProperty("output.door.region", "0,0.5,1,x");
        assertMessage("'output.door.region': '0,0.5,1,x' is not four numbers", p);
        p.setProperty("output.door.region", "0.5,0,0.4,1");
        assertMessage("'output.door.region': needs xmin,ymin,xmax,ymax with 0 <= xmin < xmax <= 1", p);
        p.setProperty("output.door.region", "0,0,1,1.5");
        assertMessage("0 <= ymin < ymax <= 1", p);
        p.remove("output.door.region");
        p.setProperty("output.door.min-count", "0");
        assertMessage("'output.door.min-count'", p);
        p.setProperty("output.door.min-count", "3");
        p.setProperty("captures.boxes", "maybe");
        assertMessage("'captures.boxes'", p);
        p.remove("captures.boxes");
        OutputRule counting = DeviceConfig.parse(p).outputs().rules().get(0);
        Labels labels = Labels.parse("cat\ndog\n", "labels.txt");
        ConfigException e = assertThrows(ConfigException.class, () -> counting.checkFor(false, labels));
        assertEquals("'output.door.min-count' is for object detection models, and this model is an image classifier",
                e.getMessage());
        counting.checkFor(true, labels);
    }

    private static void assertMessage(String expected, Properties p) {
        ConfigException e = assertThrows(ConfigException.class, () -> DeviceConfig.parse(p));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
