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
        assertEquals("gpio", c.trigger());
        assertEquals(17, c.triggerPin());
        assertEquals(Pull.UP, c.triggerPull());
        assertFalse(c.triggerActiveHigh());
        assertEquals(Edge.PRESS, c.triggerEdge());
        assertEquals(50, c.debounceMillis());
        assertEquals("stream", c.camera());
        assertEquals(640, c.width());
        assertEquals(480, c.height());
        assertEquals(15, c.fps());
        assertEquals(PixelFormat.YUV420, c.format());
        assertTrue(c.command().startsWith("rpicam-vid "), c.command());
        assertEquals(5, c.topK());
        assertEquals(-1, c.busyPin());
        assertTrue(c.resultsStdout());
        assertEquals(null, c.resultsFile());
        assertEquals(60, c.healthIntervalSeconds());
        assertTrue(c.needsGpio());
    }

    @Test
    void outputsAreReadByName() throws Exception {
        DeviceConfig c = DeviceConfig.parse(props("outputs", "led, relay", "output.led.pin", "27",
                "output.led.labels", "Egyptian cat, tabby", "output.relay.pin", "22", "output.relay.active", "low",
                "output.relay.hold-ms", "0"));
        assertEquals(2, c.outputs().size());
        OutputRule led = c.outputs().get(0);
        assertEquals(27, led.pin());
        assertEquals(2000, led.holdMillis());
        assertEquals(0.5f, led.minScore());
        assertTrue(led.matches(List.of(new Classification(282, "tabby, tabby cat", 0.7f))));
        assertFalse(led.matches(List.of(new Classification(282, "tabby, tabby cat", 0.2f))));
        assertFalse(led.matches(List.of(new Classification(1, "goldfish", 0.9f))));
        assertFalse(c.outputs().get(1).activeHigh());
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
        assertEquals("timer", c.trigger());
        assertEquals("files", c.camera());
        assertFalse(c.needsGpio());
        for (String name : new String[] {"pi-button-led.properties", "usb-webcam.properties", "pi-motion-still.properties"}) {
            DeviceConfig.load(Path.of("examples", name)); // every example parses
        }
    }

    private static void assertMessage(String expected, Properties p) {
        ConfigException e = assertThrows(ConfigException.class, () -> DeviceConfig.parse(p));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
