package owlet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;

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
        assertTrue(r.err().startsWith("owlet inspect: invalid model: "), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
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
    }

    @Test
    void benchReportsJson() {
        Result r = owlet("bench", "--model", Shared.model("mobilenet_v1_0.25_128_quant").toString(), "--runs", "3",
                "--warmup", "1", "--json", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().matches("\\{\"model\":\"mobilenet_v1_0.25_128_quant.tflite\",\"threads\":1,\"runs\":3,"
                + "\"median_ms\":[0-9.]+,\"p90_ms\":[0-9.]+,\"gmacs\":[0-9.]+}"), r.out());
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
