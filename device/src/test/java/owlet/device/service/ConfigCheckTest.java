package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code owlet run --check}: each check passes on a working setup and names what to fix on a broken one. */
class ConfigCheckTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int check(String... lines) throws Exception {
        Path config = Files.write(tmp.resolve("owlet.properties"), List.of(lines));
        return ConfigCheck.run(config, tmp.resolve("dev"), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private List<String> output() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aWorkingLaptopSetupPassesEveryCheck() throws Exception {
        int code = check("model = " + ServiceHarness.MODEL, "trigger = stdin", "camera = files",
                "camera.path = " + ServiceHarness.CAT, "results.file = " + tmp.resolve("out/results.jsonl"),
                "captures.dir = " + tmp.resolve("captures"));
        assertEquals(0, code, String.join("\n", output()));
        List<String> lines = output();
        assertEquals(List.of("config", "model", "labels", "camera", "gpio", "results", "captures"),
                lines.subList(0, 7).stream().map(l -> l.substring(6).split(" ")[0]).toList(), String.join("\n", lines));
        assertTrue(lines.stream().limit(7).allMatch(l -> l.startsWith("ok    ")), String.join("\n", lines));
        assertTrue(lines.get(6).endsWith("(will be created)"), lines.get(6));
        assertEquals("all checks pass", lines.get(lines.size() - 1));
    }

    @Test
    void aDetectorIsCheckedWithItsOwnLabelsAndDetectionRulesOnAClassifierAreNamed() throws Exception {
        Path ssd = ServiceHarness.SHARED.resolve("models/ssd_mobilenet_v1_coco_quant.tflite");
        int code = check("model = " + ssd, "trigger = stdin", "camera = files", "camera.path = " + ServiceHarness.CAT,
                "outputs = cat", "output.cat.pin = 27", "output.cat.labels = cat", "output.cat.region = 0,0,1,0.5");
        String all = String.join("\n", output());
        assertTrue(all.contains("ok    model        " + ssd + ": ") && all.contains(", an object detector"), all);
        assertTrue(all.contains("ok    labels       "), all); // coco_labels.txt, found beside the detector
        out.reset();
        code = check("model = " + ServiceHarness.MODEL, "trigger = stdin", "camera = files",
                "camera.path = " + ServiceHarness.CAT, "outputs = cat", "output.cat.pin = 27",
                "output.cat.labels = tabby", "output.cat.region = 0,0,1,0.5");
        all = String.join("\n", output());
        assertEquals(1, code, all);
        assertTrue(all.contains("FAIL  labels       'output.cat.region' is for object detection models, and this model"
                + " is an image classifier"), all);
    }

    @Test
    void aBrokenPiSetupNamesEveryProblem() throws Exception {
        Files.createDirectories(tmp.resolve("dev"));
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        int code = check("model = " + tmp.resolve("missing.tflite"), "trigger = gpio", "camera = still",
                "camera.command = rpicam-nonexistent-xyz --output {file}",
                "results.file = " + notADir.resolve("results.jsonl"));
        assertEquals(1, code);
        String all = String.join("\n", output());
        assertTrue(all.contains("FAIL  model        " + tmp.resolve("missing.tflite") + ": no such file"), all);
        assertTrue(all.contains("FAIL  camera       'rpicam-nonexistent-xyz' (camera = still) is not an executable on"
                + " PATH; on Raspberry Pi OS: sudo apt install rpicam-apps"), all);
        assertTrue(all.contains("FAIL  gpio         no GPIO chip (" + tmp.resolve("dev/gpiochip*") + ")"), all);
        assertTrue(all.contains("FAIL  results"), all);
        assertTrue(all.endsWith("4 checks failed; fix and run --check again"), all);
    }

    @Test
    void anInvalidConfigStopsAtTheFirstCheck() throws Exception {
        assertEquals(1, check("model = m.tflite", "trigger = button"));
        List<String> lines = output();
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("FAIL  config       "), lines.get(0));
        assertTrue(lines.get(0).contains("'trigger' must be one of gpio, timer, stdin, got 'button'"), lines.get(0));
    }
}
