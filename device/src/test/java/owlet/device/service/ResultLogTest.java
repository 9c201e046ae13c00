package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results file's rotation: size boundaries, how many old files are kept, and a restarted service. */
class ResultLogTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    /** A line of exactly n bytes with its newline, numbered so its place can be checked. */
    private static String line(int number, int n) {
        String head = "{\"n\":" + number + ",\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(n - 1 - head.length() - tail.length()) + tail;
    }

    private List<String> read(String name) throws Exception {
        return Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFileExactlyAtTheLimitStaysAndTheNextLineStartsANewOne() throws Exception {
        Path file = dir.resolve("results.jsonl");
        try (ResultLog r = new ResultLog(null, file, 100, 5, log)) {
            r.write(line(1, 50));
            r.write(line(2, 50)); // 100 bytes: exactly the limit, no rotation
            assertEquals(List.of("results.jsonl"), files());
            assertEquals(100, Files.size(file));
            r.write(line(3, 20)); // would make 120
            assertEquals(List.of("results.jsonl", "results.jsonl.1"), files());
            assertEquals(List.of(line(1, 50), line(2, 50)), read("results.jsonl.1"));
            assertEquals(List.of(line(3, 20)), read("results.jsonl"));
        }
        assertEquals("", logBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void keepsTheNewestNOldFilesInOrderAndNoLineIsSplitOrLost() throws Exception {
        Path file = dir.resolve("results.jsonl");
        List<String> written = new ArrayList<>();
        try (ResultLog r = new ResultLog(null, file, 100, 3, log)) {
            for (int i = 0; i < 40; i++) { // 30-byte lines: 3 per file, so 14 files' worth
                String l = line(i, 30);
                r.write(l);
                written.add(l);
            }
        }
        assertEquals(List.of("results.jsonl", "results.jsonl.1", "results.jsonl.2", "results.jsonl.3"), files());
        List<String> kept = new ArrayList<>();
        for (String name : List.of("results.jsonl.3", "results.jsonl.2", "results.jsonl.1", "results.jsonl")) {
            List<String> lines = read(name);
            assertTrue(Files.size(dir.resolve(name)) <= 100, name);
            kept.addAll(lines);
        }
        // the newest 3 full files (9 lines) and the current one (40 = 13*3 + 1: one line)
        assertEquals(written.subList(40 - 10, 40), kept);
    }

    @Test
    void aRestartedServiceAppendsToTheFileAndCountsWhatIsAlreadyThere() throws Exception {
        Path file = dir.resolve("results.jsonl");
        try (ResultLog r = new ResultLog(null, file, 100, 2, log)) {
            r.write(line(1, 40));
            r.write(line(2, 40));
        }
        try (ResultLog r = new ResultLog(null, file, 100, 2, log)) {
            r.write(line(3, 20)); // 80 + 20 = 100: still fits
            assertEquals(List.of(line(1, 40), line(2, 40), line(3, 20)), read("results.jsonl"));
            r.write(line(4, 20)); // the restart counted 100 bytes: this one rotates
            assertEquals(List.of(line(4, 20)), read("results.jsonl"));
            assertEquals(3, read("results.jsonl.1").size());
        }
    }

    @Test
    void aLineLongerThanTheLimitGetsAFileOfItsOwnAndKeepZeroKeepsNone() throws Exception {
        Path file = dir.resolve("results.jsonl");
        try (ResultLog r = new ResultLog(null, file, 100, 0, log)) {
            r.write(line(1, 30));
            r.write(line(2, 250)); // whole, never cut
            assertEquals(List.of(line(2, 250)), read("results.jsonl"));
            r.write(line(3, 30));
            assertEquals(List.of(line(3, 30)), read("results.jsonl"));
        }
        assertEquals(List.of("results.jsonl"), files());
    }

    @Test
    void stdoutGetsEveryLineWhateverTheRotation() throws Exception {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        try (ResultLog r = new ResultLog(out, dir.resolve("r.jsonl"), 50, 1, log)) {
            for (int i = 0; i < 5; i++) {
                r.write(line(i, 30));
            }
        }
        assertEquals(5, outBytes.toString(StandardCharsets.UTF_8).lines().count());
        assertFalse(Files.exists(dir.resolve("r.jsonl.2")));
        assertEquals(List.of(line(3, 30)), read("r.jsonl.1"));
        assertEquals(List.of(line(4, 30)), read("r.jsonl"));
    }
}
