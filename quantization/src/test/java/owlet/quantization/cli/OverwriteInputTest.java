package owlet.quantization.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import owlet.runtime.cli.Cli;

/** quantize and dequantize never write over the model they read, whatever path names it. */
class OverwriteInputTest {
    private static final Path MODEL = Path.of(System.getProperty("owlet.shared", "../shared"))
            .resolve("models/mobilenet_v1_0.25_128_quant.tflite");

    @TempDir
    Path tmp;

    private String err;

    private int run(String... args) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Cli.standard().run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void quantizeRefusesToWriteOverItsModel() throws Exception {
        Path model = Files.copy(MODEL, tmp.resolve("m.tflite"));
        byte[] before = Files.readAllBytes(model);
        assertEquals(2, run("quantize", "--model", model.toString(), "--calibrate", tmp.toString(),
                "--out", tmp.resolve("./m.tflite").toString()));
        assertEquals("owlet quantize: --out " + tmp.resolve("./m.tflite") + " is an input of this command;"
                + " write to another file", err.lines().findFirst().orElse(""));
        assertArrayEquals(before, Files.readAllBytes(model));
    }

    @Test
    void dequantizeRefusesToWriteOverItsModelThroughALink() throws Exception {
        Path model = Files.copy(MODEL, tmp.resolve("m.tflite"));
        Path link = Files.createSymbolicLink(tmp.resolve("link.tflite"), model);
        byte[] before = Files.readAllBytes(model);
        assertEquals(2, run("dequantize", "--model", model.toString(), "--out", link.toString()));
        assertEquals("owlet dequantize: --out " + link + " is an input of this command; write to another file",
                err.lines().findFirst().orElse(""));
        assertArrayEquals(before, Files.readAllBytes(model));
        assertEquals(0, run("dequantize", "--model", model.toString(), "--out", tmp.resolve("f.tflite").toString()),
                err);
    }
}
