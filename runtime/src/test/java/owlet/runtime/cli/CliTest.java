package owlet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.io.InputFilesTest;
import owlet.runtime.command.Json;

class CliTest {

    /** What one CLI call printed and returned. */
    record Result(int code, String out, String err) {
    }

    static Result owlet(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.standard().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<String> models() {
        return Shared.MODELS;
    }

    @ParameterizedTest
    @MethodSource("models")
    void everyModelPutsACatFirstForTheCat(String model) {
        Result r = owlet("classify", "--model", Shared.model(model).toString(),
                Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(0, r.code(), r.err());
        String first = r.out().lines().skip(1).findFirst().orElse("").strip();
        assertTrue(first.startsWith("Egyptian cat") || first.startsWith("tiger cat") || first.startsWith("tabby"),
                model + " ranked first: " + first);
    }

    @Test
    void jsonWithRawGivesTfLiteBytes() throws Exception {
        String model = "mobilenet_v1_0.25_128_quant";
        Path ppm = Shared.root().resolve("reference/ppm/128/cat.ppm");
        Result r = owlet("classify", "--model", Shared.model(model).toString(), "--json", "--raw", "--top", "3",
                ppm.toString());
        assertEquals(0, r.code(), r.err());
        String line = r.out().strip();
        assertTrue(line.startsWith("{\"image\":" + Json.string(ppm.toString()) + ",\"top\":[{\"index\":"), line);
        Matcher m = Pattern.compile("\"raw\":\"([0-9a-f]+)\"").matcher(line);
        assertTrue(m.find(), line);
        String golden = Files.readAllLines(Shared.root().resolve("reference/golden/" + model + ".csv")).stream()
                .filter(l -> l.startsWith("cat,")).findFirst().orElseThrow().split(",")[4];
        assertEquals(golden, m.group(1));
        assertEquals(3, line.split("\"label\"").length - 1, "three results");
    }

    /**
     * One image runs on the scalar kernels (a one-shot start), two on the Vector API kernels: the output
     * bytes are the same either way, on every model.
     */
    @ParameterizedTest
    @MethodSource("models")
    void oneImageAloneAndInABatchGiveTheSameBytes(String model) {
        String cat = Shared.root().resolve("images/cat.bmp").toString();
        Result alone = owlet("classify", "--model", Shared.model(model).toString(), "--json", "--raw", cat);
        Result batch = owlet("classify", "--model", Shared.model(model).toString(), "--json", "--raw", cat, cat);
        assertEquals(0, alone.code(), alone.err());
        assertEquals(0, batch.code(), batch.err());
        List<String> lines = batch.out().lines().toList();
        assertEquals(2, lines.size(), batch.out());
        assertEquals(alone.out().strip(), lines.get(0));
        assertEquals(alone.out().strip(), lines.get(1));
    }

    @Test
    void aBadImageIsReportedAndTheOthersStillRun(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.bmp");
        Files.write(bad, new byte[] {'B', 'M', 1, 2, 3});
        Result r = owlet("classify", "--model", Shared.model("mobilenet_v1_0.25_128_quant").toString(), "--json",
                bad.toString(), Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(1, r.code());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).contains("\"error\":"), lines.get(0));
        assertTrue(lines.get(1).contains("\"top\":"), lines.get(1));
        assertTrue(r.err().contains("broken.bmp"), r.err());
    }

    @Test
    void usageErrorsExitWith2AndExplain() {
        Result r = owlet("classify", "--model");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model needs a value"), r.err());
        assertTrue(r.err().contains("usage: owlet classify"), r.err());
        r = owlet("classify", "--model", "x.tflite", "--top", "zero", "a.ppm");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--top needs a whole number"), r.err());
        r = owlet("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
        r = owlet("inspect", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown option --bogus"), r.err());
    }

    @Test
    void missingAndInvalidModelsFailCleanly(@TempDir Path dir) throws Exception {
        Result r = owlet("inspect", "--model", dir.resolve("nope.tflite").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("nope.tflite: no such file"), r.err());
        Path junk = dir.resolve("junk.tflite");
        Files.writeString(junk, "this is not a model at all");
        r = owlet("inspect", "--model", junk.toString());
        assertEquals(1, r.code());
        assertEquals("owlet inspect: invalid model: " + junk + ": not a TensorFlow Lite model (no 'TFL3' identifier"
                + " at byte 4)", r.err().strip());
    }

    @Test
    void helpListsEveryCommand() {
        Result r = owlet("--help");
        assertEquals(0, r.code());
        for (String c : List.of("classify", "inspect", "bench")) {
            assertTrue(r.out().contains("  " + c), r.out());
            Result h = owlet(c, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().startsWith("usage: owlet " + c), h.out());
        }
    }

    @Test
    void inspectPrintsOperatorsTotalsAndArena() {
        Result r = owlet("inspect", "--model", Shared.model("mobilenet_v1_0.25_128_quant").toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("\\s*0\\s+CONV_2D\\s+\\[1,128,128,3\\].*"), lines.get(0));
        assertTrue(r.out().contains("operators 31"), r.out());
        assertTrue(r.out().contains("arena "), r.out());
        Result j = owlet("inspect", "--model", Shared.model("mobilenet_v1_0.25_128_quant").toString(), "--json");
        assertEquals(0, j.code(), j.err());
        assertTrue(j.out().strip().startsWith("{\"model\":\"mobilenet_v1_0.25_128_quant.tflite\",\"ops\":[{"), j.out());
        assertTrue(j.out().contains("\"arena_lower_bound\":"), j.out());
        assertTrue(r.out().contains("\nquantized uint8 (full integer)\n"), r.out());
    }

    @Test
    void inspectNamesAHybridModelsQuantization(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hybrid.tflite");
        java.nio.file.Files.write(file, owlet.runtime.model.ModelWriter.toBytes(owlet.runtime.HybridModels.graph()));
        Result r = owlet("inspect", "--model", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\nquantized dynamic-range (hybrid): float32 activations, int8 weights\n"), r.out());
        Result j = owlet("inspect", "--model", file.toString(), "--json");
        assertTrue(j.out().contains("\"quantization\":\"dynamic-range (hybrid): float32 activations, int8 weights\""),
                j.out());
        Result q = owlet("inspect", "--model", Shared.model("tf2_mobilenet_v2_1.0_224_ptq").toString());
        assertTrue(q.out().contains("\nquantized int8 (full integer)\n"), q.out());
    }

    @Test
    void benchReportsJson() {
        Result r = owlet("bench", "--model", Shared.model("mobilenet_v1_0.25_128_quant").toString(), "--runs", "3",
                "--warmup", "1", "--json", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().matches("\\{\"model\":\"mobilenet_v1_0.25_128_quant.tflite\",\"threads\":1,\"runs\":3,"
                + "\"pause_ms\":0,\"median_ms\":[0-9.]+,\"p90_ms\":[0-9.]+,\"gmacs\":[0-9.]+}"), r.out());
    }

    @Test
    void benchPausesBeforeEveryRunOutsideTheTiming() {
        String model = Shared.model("mobilenet_v1_0.25_128_quant").toString();
        long t0 = System.nanoTime();
        Result r = owlet("bench", "--model", model, "--runs", "2", "--warmup", "3", "--pause-ms", "600", "--json",
                "--threads", "1");
        long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"pause_ms\":600,"), r.out());
        double median = Double.parseDouble(r.out().replaceAll("(?s).*\"median_ms\":([0-9.]+).*", "$1"));
        assertTrue(elapsedMillis >= 1200, "2 runs after 600 ms pauses took " + elapsedMillis + " ms");
        assertTrue(median < 600, "the pause was timed: median " + median + " ms");
        Result text = owlet("bench", "--model", model, "--runs", "1", "--warmup", "0", "--pause-ms", "1", "--threads", "1");
        assertTrue(text.out().contains("1 runs after 1 ms pauses, 1 thread(s)"), text.out());
        Result bad = owlet("bench", "--model", model, "--soak", "1s", "--pause-ms", "5");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("--pause-ms does not apply"), bad.err());
    }

    @Test
    void benchProfileTimesEveryOperator() {
        String model = Shared.model("mobilenet_v1_0.25_128_quant").toString();
        Result r = owlet("bench", "--model", model, "--runs", "3", "--warmup", "1", "--profile", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        List<String> ops = r.out().lines().filter(l -> l.matches("\\s*\\d+\\s+[A-Z_0-9]+\\s+\\[.*")).toList();
        assertEquals(31, ops.size(), r.out());
        assertTrue(ops.get(0).matches("\\s*0\\s+CONV_2D\\s+\\[1,64,64,8\\]\\s+[0-9.]+\\s+[0-9.]+%\\s+884,736\\s+[0-9.]+"),
                ops.get(0));
        assertTrue(ops.get(30).matches("\\s*30\\s+SOFTMAX\\s+\\[1,1001\\].*"), ops.get(30));
        Result j = owlet("bench", "--model", model, "--runs", "3", "--warmup", "1", "--profile", "--json");
        assertEquals(0, j.code(), j.err());
        assertEquals(31, j.out().split("\"median_us\":").length - 1, j.out());
    }

    private static final String SMALL = "mobilenet_v1_0.25_128_quant";

    private static Path cat(Path dir, String name) throws Exception {
        return Files.copy(Shared.root().resolve("reference/ppm/128/cat.ppm"), dir.resolve(name));
    }

    @Test
    void aFolderIsClassifiedInNameOrderAndABadFileDoesNotStopTheRest(@TempDir Path dir) throws Exception {
        cat(dir, "c.ppm");
        cat(dir, "a.ppm");
        Path bad = Files.write(dir.resolve("b.bmp"), new byte[] {'B', 'M', 1, 2, 3});
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        Files.createDirectory(dir.resolve("sub"));
        cat(dir.resolve("sub"), "d.ppm");
        Result r = owlet("classify", "--model", Shared.model(SMALL).toString(), "--json", "--top", "1",
                dir.toString());
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("{\"image\":" + Json.string(dir.resolve("a.ppm").toString())
                + ",\"top\":[{\"index\":"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"image\":" + Json.string(bad.toString()) + ",\"error\":\""),
                lines.get(1));
        assertTrue(!lines.get(1).contains("b.bmp: "), "the error object does not repeat the name: " + lines.get(1));
        assertTrue(lines.get(2).contains("c.ppm") && lines.get(2).contains("\"top\""), lines.get(2));
        List<String> errors = r.err().lines().toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).startsWith("owlet classify: " + bad + ": "), errors.get(0));
        assertEquals(1, errors.get(0).split("b\\.bmp", -1).length - 1, "the name once: " + errors.get(0));

        Result deep = owlet("classify", "--model", Shared.model(SMALL).toString(), "--json", "--recursive",
                dir.toString());
        List<String> deepLines = deep.out().lines().toList();
        assertEquals(4, deepLines.size(), deep.out());
        assertTrue(deepLines.get(3).contains("d.ppm") && deepLines.get(3).contains("\"top\""), deep.out());
    }

    @Test
    void anEmptyFolderIsAnErrorLine(@TempDir Path dir) {
        Result r = owlet("classify", "--model", Shared.model(SMALL).toString(), dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("owlet classify: " + dir + ": no image files (.jpg .jpeg .png .bmp .ppm .pgm);"
                + " --recursive looks in subfolders too"), r.err());
    }

    @Test
    void aLongBatchReportsProgressOnStderrAndKeepsStdoutClean(@TempDir Path dir) throws Exception {
        int n = ClassifyCommand.PROGRESS_MIN_IMAGES + 2;
        for (int i = 0; i < n; i++) {
            cat(dir, String.format("%02d.ppm", i));
        }
        Result r = owlet("classify", "--model", Shared.model(SMALL).toString(), "--json", "--top", "1",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(n, r.out().lines().filter(l -> l.startsWith("{\"image\":")).count(), r.out());
        assertEquals(n, r.out().lines().count(), "nothing but results on stdout");
        assertTrue(r.err().lines().toList().contains("owlet classify: " + n + " / " + n + " images"), r.err());
    }

    @Test
    void errorLinesNameTheFileOnceAndSayWhatItIs(@TempDir Path dir) throws Exception {
        String model = Shared.model(SMALL).toString();
        Path missing = dir.resolve("missing.bmp");
        Result r = owlet("classify", "--model", model, missing.toString());
        assertEquals(1, r.code());
        assertEquals("owlet classify: " + missing + ": no such file", r.err().strip());

        r = owlet("classify", "--model", dir.toString(), missing.toString());
        assertEquals(1, r.code());
        assertEquals("owlet classify: " + dir + ": is a directory", r.err().strip());

        Path binaryLabels = Files.write(dir.resolve("labels.bin"), new byte[] {0, 1, 2, (byte) 0xFF});
        r = owlet("classify", "--model", model, "--labels", binaryLabels.toString(), missing.toString());
        assertEquals(1, r.code());
        assertEquals("owlet classify: " + binaryLabels + ": not a text file", r.err().strip());

        r = owlet("classify", "--model", Shared.model("ssd_mobilenet_v1_coco_quant").toString(), missing.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("owlet classify: " + Shared.model("ssd_mobilenet_v1_coco_quant")
                + " is an object detection model"), "the model's own problem before its labels: " + r.err());

        Path notAnImage = Files.writeString(dir.resolve("notes.ppm"), "hello");
        r = owlet("classify", "--model", model, notAnImage.toString());
        assertEquals(1, r.code());
        String line = r.err().strip();
        assertTrue(line.startsWith("owlet classify: " + notAnImage + ": "), line);
        assertEquals(1, line.split("notes\\.ppm", -1).length - 1, "the name once: " + line);
    }

    @Test
    void aFifoIsRefusedAtOnceAsModelImageAndLabels(@TempDir Path dir) throws Exception {
        Path fifo = InputFilesTest.fifo(dir, "pipe.bmp");
        String model = Shared.model(SMALL).toString();
        String cat = Shared.root().resolve("images/cat.bmp").toString();
        Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> owlet("classify", "--model", fifo.toString(),
                cat));
        assertEquals(1, r.code());
        assertEquals("owlet classify: " + fifo + ": not a regular file (FIFO)", r.err().strip());
        r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> owlet("classify", "--model", model, "--labels",
                fifo.toString(), cat));
        assertEquals("owlet classify: " + fifo + ": not a regular file (FIFO)", r.err().strip());
        r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> owlet("classify", "--model", model, "--top", "1",
                fifo.toString(), cat));
        assertEquals(1, r.code());
        assertEquals("owlet classify: " + fifo + ": not a regular file (FIFO)", r.err().strip());
        assertTrue(r.out().contains("cat"), "the image after it still runs: " + r.out());
        // in a folder too
        cat(dir, "a.ppm");
        r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> owlet("classify", "--model", model, "--top", "1",
                dir.toString()));
        assertEquals(1, r.code());
        assertEquals("owlet classify: " + fifo + ": not a regular file (FIFO)", r.err().strip());
        assertTrue(r.out().startsWith(dir.resolve("a.ppm").toString()), r.out());
    }

    @Test
    void labelsWithoutTheBackgroundLineAreShiftedWithOneWarning(@TempDir Path dir) throws Exception {
        List<String> imagenet = Files.readAllLines(Shared.labels());
        Path thousand = Files.write(dir.resolve("thousand.txt"), imagenet.subList(1, imagenet.size()));
        Result r = owlet("classify", "--model", Shared.model(SMALL).toString(), "--labels", thousand.toString(),
                "--top", "1", Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("owlet classify: warning: " + thousand + ": 1000 labels for 1001 model outputs: taking output 0"
                + " as background and naming output k by line k - 1 (add a first line 'background' to silence this)",
                r.err().strip());
        String first = r.out().lines().skip(1).findFirst().orElse("").strip();
        Result plain = owlet("classify", "--model", Shared.model(SMALL).toString(), "--labels",
                Shared.labels().toString(), "--top", "1", Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(plain.out().lines().skip(1).findFirst().orElse("").strip(), first, "the same label either way");

        Path coco = Shared.root().resolve("models/coco_labels.txt");
        r = owlet("classify", "--model", Shared.model(SMALL).toString(), "--labels", coco.toString(),
                Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(1, r.code());
        assertEquals("owlet classify: " + coco + ": 90 labels for 1001 model outputs; is it the label file of this"
                + " model?", r.err().strip());
    }

    /** --version gives the project version the build wrote (not "dev"), and the commit when the launcher passes it. */
    @Test
    void versionIsTheProjectVersionAndTheCommit() throws Exception {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "root pom has a version");
        Result r = owlet("--version");
        assertEquals(0, r.code());
        assertEquals("owlet " + m.group(1) + "\n", r.out().replace("\r\n", "\n"));
        System.setProperty("owlet.commit", "3fa2c1d9e0b4");
        try {
            assertEquals("owlet " + m.group(1) + " (commit 3fa2c1d9e0b4)", owlet("--version").out().strip());
        } finally {
            System.clearProperty("owlet.commit");
        }
    }
}
