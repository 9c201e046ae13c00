package owlet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.Shared;
import owlet.runtime.image.Images;
import owlet.runtime.image.PngEncoder;

/** {@code owlet bench --soak}: a few seconds of inferences and decodes, and the figures it reports. */
@Timeout(120)
class BenchSoakTest {
    private static final String MODEL = Shared.model("mobilenet_v1_0.25_128_quant").toString();
    private static final boolean LINUX = Files.isDirectory(Path.of("/proc/self/fd"));

    private static final Pattern TEXT = Pattern.compile("soak (start|progress|end): (\\d+) s, (\\d+) inferences,"
            + " (\\d+) decodes; heap after GC (\\d+\\.\\d) MB, RSS (\\d+\\.\\d MB|unknown), threads (\\d+)"
            + " \\(OS (\\d+|unknown)\\), open files (\\d+|unknown)");

    private static final Pattern JSON = Pattern.compile("\\{\"soak\":\"(start|progress|end)\",\"elapsed_s\":(\\d+),"
            + "\"inferences\":(\\d+),\"decodes\":(\\d+),\"heap_bytes\":(\\d+),\"rss_bytes\":(\\d+|null),"
            + "\"java_threads\":(\\d+),\"os_threads\":(\\d+|null),\"open_files\":(\\d+|null)}");

    /** One report, from either form; -1 for "unknown"/null. */
    record Report(String when, long seconds, long inferences, long decodes, double heapMb, double rssMb,
                  int javaThreads, int osThreads, int openFiles) {
        static Report text(String line) {
            Matcher m = TEXT.matcher(line);
            assertTrue(m.matches(), line);
            return new Report(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Double.parseDouble(m.group(5)),
                    m.group(6).equals("unknown") ? -1 : Double.parseDouble(m.group(6).replace(" MB", "")),
                    Integer.parseInt(m.group(7)), m.group(8).equals("unknown") ? -1 : Integer.parseInt(m.group(8)),
                    m.group(9).equals("unknown") ? -1 : Integer.parseInt(m.group(9)));
        }

        static Report json(String line) {
            Matcher m = JSON.matcher(line);
            assertTrue(m.matches(), line);
            return new Report(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5)) / 1048576.0,
                    m.group(6).equals("null") ? -1 : Long.parseLong(m.group(6)) / 1048576.0,
                    Integer.parseInt(m.group(7)), m.group(8).equals("null") ? -1 : Integer.parseInt(m.group(8)),
                    m.group(9).equals("null") ? -1 : Integer.parseInt(m.group(9)));
        }

        /** Figures a live JVM must show: a heap within -Xmx, an RSS above it, threads, stdin/out/err open. */
        void assertSane() {
            double maxHeapMb = Runtime.getRuntime().maxMemory() / 1048576.0;
            assertTrue(heapMb > 0.5 && heapMb < maxHeapMb, "heap " + heapMb + " MB of " + maxHeapMb);
            assertTrue(javaThreads >= 1 && javaThreads < 500, "Java threads " + javaThreads);
            if (LINUX) {
                assertTrue(rssMb > heapMb && rssMb < 16_384, "RSS " + rssMb + " MB, heap " + heapMb);
                assertTrue(osThreads >= javaThreads, "OS threads " + osThreads + " < Java threads " + javaThreads);
                assertTrue(openFiles >= 3 && openFiles < 10_000, "open files " + openFiles);
            }
        }
    }

    @Test
    void aShortSoakReportsStartAndEndWithFiguresThatParse() {
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.owlet("bench", "--model", MODEL, "--soak", "3s", "--threads", "1");
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).contains(": soak for 3 s, ") && lines.get(0).endsWith("decoding soak.bmp, soak.png, soak.jpg"),
                lines.get(0));
        Report start = Report.text(lines.get(1));
        Report end = Report.text(lines.get(lines.size() - 2));
        assertEquals("start", start.when());
        assertEquals(0, start.inferences());
        assertEquals("end", end.when());
        assertTrue(end.seconds() >= 3 && end.seconds() <= wall + 1, end + " after " + wall + " s");
        assertTrue(end.inferences() >= 3, "an inference takes well under a second: " + end);
        assertEquals(end.inferences(), end.decodes(), "one decode per inference");
        start.assertSane();
        end.assertSane();
        assertTrue(lines.get(lines.size() - 1).startsWith("change from start to end: heap "), r.out());
    }

    @Test
    void jsonSoakOfImageFilesGivesOneObjectPerReport(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("cat.png");
        PngEncoder.write(Images.read(Shared.root().resolve("images/cat.bmp")), png);
        CliTest.Result r = CliTest.owlet("bench", "--model", MODEL, "--soak", "2s", "--json",
                Shared.root().resolve("images/cat.bmp").toString(), Shared.root().resolve("images/hot_dog.jpg").toString(),
                png.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        Report start = Report.json(lines.get(0));
        Report end = Report.json(lines.get(1));
        assertEquals("start", start.when());
        assertEquals("end", end.when());
        assertTrue(end.decodes() >= 3 && end.decodes() == end.inferences(), end.toString());
        start.assertSane();
        end.assertSane();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "0s", "1d", "-5m", "ten minutes", "1h30m", "99999999s"})
    void aBadDurationIsAUsageErrorSayingWhatIsExpected(String duration) {
        CliTest.Result r = CliTest.owlet("bench", "--model", MODEL, "--soak", duration);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("owlet bench: --soak needs a duration such as 30s, 10m or 1h (at most 31 days),"
                + " got '" + duration + "'"), r.err());
    }

    @Test
    void soakRefusesRunCountsAndABrokenImageBeforeStarting(@TempDir Path tmp) throws Exception {
        CliTest.Result r = CliTest.owlet("bench", "--model", MODEL, "--soak", "1s", "--runs", "5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("owlet bench: --soak runs for a time; --runs does not apply"), r.err());
        Path broken = Files.write(tmp.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
        long t0 = System.nanoTime();
        r = CliTest.owlet("bench", "--model", MODEL, "--soak", "1h", broken.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("owlet bench: " + broken + ": "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "refused at once, not after the hour");
    }
}
