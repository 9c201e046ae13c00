package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code owlet run} with the laptop example (device/examples/laptop.properties: V1 0.25, a timer, the
 * shared pictures directory as camera) in a child JVM with a 64 MB heap, for 1,000 triggers: 1,000 complete
 * result lines, the same result for every showing of the same picture, and a clean exit.
 */
@Timeout(600)
class SmallHeapServiceTest {
    private static final int TRIGGERS = 1000;
    private static final Pattern CAPTURE = Pattern.compile("\"top\":(\\[.*\\]),\"outputs\":\\[.*\\],\"capture\":\"([^\"]+)\"}");

    @TempDir
    Path tmp;

    @Test
    void theLaptopExampleServesAThousandTriggersInA64MbHeap() throws Exception {
        String example = Files.readString(Path.of("examples/laptop.properties"));
        assertTrue(example.contains("trigger.interval-ms = 1000") && example.contains("../shared/"), example);
        // The example as shipped, with a fast timer (the pictures decode and classify as fast as they can)
        // and the shared folder wherever this build finds it.
        String config = example.replace("trigger.interval-ms = 1000", "trigger.interval-ms = 10")
                .replace("../shared/", ServiceHarness.SHARED.toAbsolutePath().normalize() + "/");
        Path file = Files.writeString(tmp.resolve("laptop.properties"), config);
        Path stdout = tmp.resolve("stdout.txt");
        Path stderr = tmp.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "owlet.runtime.cli.Cli", "run", "--config", file.toString(),
                "--max-triggers", Integer.toString(TRIGGERS))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        boolean ended = p.waitFor(540, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String log = Files.readString(stderr);
        assertTrue(ended, "did not serve " + TRIGGERS + " triggers in 9 minutes: " + log);
        assertEquals(0, p.exitValue(), log);
        assertFalse(log.contains("OutOfMemoryError") || log.contains("Exception"), log);
        assertTrue(log.contains("trigger: timer every 10 ms"), log);
        Matcher stopped = Pattern.compile("stopped; health .* captures=(\\d+) failures=(\\d+)").matcher(log);
        assertTrue(stopped.find(), log);
        assertEquals(TRIGGERS, Integer.parseInt(stopped.group(1)), log);
        assertEquals(0, Integer.parseInt(stopped.group(2)), log);

        List<String> lines = Files.readAllLines(stdout);
        assertEquals(TRIGGERS, lines.size(), "one result line per trigger");
        Map<String, String> topByPicture = new HashMap<>();
        for (String line : lines) {
            Matcher m = CAPTURE.matcher(line);
            assertTrue(line.startsWith("{\"trigger\":") && m.find(), "a complete result line: " + line);
            String before = topByPicture.putIfAbsent(m.group(2), m.group(1));
            assertTrue(before == null || before.equals(m.group(1)), "the same picture, the same result: " + line);
        }
        long pictures;
        try (var files = Files.list(ServiceHarness.SHARED.resolve("images"))) {
            pictures = files.filter(Files::isRegularFile).count();
        }
        assertEquals(pictures, topByPicture.size(), "every picture of the directory taken in turn: " + topByPicture.keySet());
        String cat = topByPicture.entrySet().stream().filter(e -> e.getKey().endsWith("/cat.bmp")).findFirst()
                .orElseThrow().getValue();
        assertTrue(cat.startsWith("[{\"index\":286,\"label\":\"Egyptian cat\""), cat);
    }
}
