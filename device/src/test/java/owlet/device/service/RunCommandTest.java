package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import owlet.runtime.cli.Cli;

/** {@code owlet run} through the CLI: exit codes, one-line errors, and SIGTERM in a real process. */
@Timeout(120)
class RunCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.standard().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path config(String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("model = " + ServiceHarness.MODEL, "trigger = stdin",
                "camera = files", "camera.path = " + ServiceHarness.CAT, "health.interval-s = 0"));
        for (String line : lines) { // a key given here replaces the default (a key may appear only once)
            String key = line.substring(0, line.indexOf('=')).strip();
            all.removeIf(l -> l.substring(0, l.indexOf('=')).strip().equals(key));
            all.add(line);
        }
        return Files.write(tmp.resolve("owlet.properties"), all);
    }

    @Test
    void runIsListedAndExplained() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("run "), "owlet --help lists run");
        assertEquals(0, run("run", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--max-triggers N"));
    }

    @Test
    void missingConfigIsAUsageError() {
        assertEquals(2, run("run"));
        assertTrue(err().startsWith("owlet run: option --config is required"), err());
    }

    @Test
    void aResultsFileInADirectoryThatIsAFileFailsAtStartWithOneLine() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("plain-file"), "x");
        Path config = config("results.file = " + notADirectory.resolve("results.jsonl"));
        assertEquals(1, run("run", "--config", config.toString()));
        assertTrue(err().startsWith("owlet run: results file " + notADirectory.resolve("results.jsonl")
                + " cannot be opened for appending"), err());
        assertEquals(1, err().strip().lines().count(), err());
        assertFalse(err().contains("Exception"), err());
    }

    @Test
    void aResultsFileThatIsADirectoryFailsAtStart() throws Exception {
        Path config = config("results.file = " + tmp);
        assertEquals(1, run("run", "--config", config.toString()));
        assertEquals("owlet run: results file " + tmp + " is a directory", err().strip());
    }

    @Test
    void aBadConfigIsOneLineNamingFileAndKey() throws Exception {
        Path config = config("trigger.debounce-ms = soon");
        assertEquals(1, run("run", "--config", config.toString()));
        assertEquals("owlet run: " + config + ": 'trigger.debounce-ms' needs a whole number, got 'soon'",
                err().strip());
        assertEquals(1, run("run", "--config", tmp.resolve("absent.properties").toString()));
        assertTrue(err().contains("absent.properties: no such file"), err());
    }

    /** A FIFO made with mkfifo(1); the test is skipped where there is none. */
    static Path fifo(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        try {
            org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no mkfifo");
        }
        return p;
    }

    @Test
    void anOutputRuleNamingALabelTheFileLacksSuggestsTheClosest() throws Exception {
        Path config = config("outputs = led", "output.led.pin = 27", "output.led.labels = Egyptian cat, tabby kat");
        assertEquals(1, run("run", "--config", config.toString()));
        assertEquals("owlet run: 'output.led.labels': 'tabby kat' is not a label of "
                + ServiceHarness.MODEL.resolveSibling("imagenet_labels.txt") + "; closest: 'tabby, tabby cat'",
                err().strip());
    }

    @Test
    void aFifoOrABinaryFileAsConfigIsRefusedAtOnce() throws Exception {
        Path fifo = fifo(tmp, "owlet.fifo");
        int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> run("run", "--config", fifo.toString()));
        assertEquals(1, code);
        assertEquals("owlet run: " + fifo + ": not a regular file (FIFO)", err().strip());
        err.reset();
        Path binary = Files.write(tmp.resolve("owlet.bin"), new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3'});
        assertEquals(1, run("run", "--config", binary.toString()));
        assertEquals("owlet run: " + binary + ": not a text file", err().strip());
        err.reset();
        assertEquals(1, run("run", "--config", tmp.toString()));
        assertEquals("owlet run: " + tmp + ": is a directory", err().strip());
    }

    @Test
    void aLabelsFifoIsRefusedAtOnce() throws Exception {
        Path fifo = fifo(tmp, "labels.fifo");
        Path config = config("labels = " + fifo);
        int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> run("run", "--config", config.toString()));
        assertEquals(1, code);
        assertEquals("owlet run: " + fifo + ": not a regular file (FIFO)", err().strip());
    }

    @Test
    void sigtermFinishesTheCaptureInFlightFlushesAndExitsZero() throws Exception {
        Path results = tmp.resolve("results.jsonl");
        Path config = config("trigger = timer", "trigger.interval-ms = 100", "results.file = " + results);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "owlet.runtime.cli.Cli", "run", "--config", config.toString())
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        var stdout = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = stdout.readLine();
        assertTrue(first != null && first.contains("Egyptian cat"), first + " / " + Files.readString(tmp.resolve("stderr.txt")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("stopped; health"), log);
        List<String> lines = Files.readAllLines(results);
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), "every line complete: " + line);
        }
    }

    /**
     * A 400 MB stdin "line" with no newline under a 64 MB heap: one trigger when the input ends (text after
     * the last line end is a line), exit 0, and no OutOfMemoryError (the line is never held in memory).
     */
    @Test
    void aHugeStdinLineIsOneTriggerInASmallHeap() throws Exception {
        Path config = config();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                "owlet.runtime.cli.Cli", "run", "--config", config.toString())
                .redirectError(tmp.resolve("stderr.txt").toFile())
                .redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        byte[] block = new byte[1 << 20];
        Arrays.fill(block, (byte) 'x');
        try (var stdin = p.getOutputStream()) {
            for (int i = 0; i < 400 && p.isAlive(); i++) {
                stdin.write(block);
            }
        } catch (IOException e) {
            // the process died and closed the pipe: the assertions below say how
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the service ends when its input does");
        String log = Files.readString(tmp.resolve("stderr.txt"));
        List<String> results = Files.readAllLines(tmp.resolve("stdout.txt"));
        assertEquals(0, p.exitValue(), log);
        assertFalse(log.contains("OutOfMemoryError"), log);
        assertEquals(1, results.size(), results + " / " + log);
        assertTrue(results.get(0).contains("Egyptian cat"), results.get(0));
    }
}
