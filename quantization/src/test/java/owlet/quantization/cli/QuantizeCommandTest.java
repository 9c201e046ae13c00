package owlet.quantization.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import owlet.runtime.cli.Cli;
import owlet.runtime.model.Model;

/** {@code owlet quantize}: a calibration folder with a bad file and a FIFO in the middle still calibrates. */
class QuantizeCommandTest {
    private static final Path SHARED = Files.isDirectory(Path.of("..", "..", "shared")) ? Path.of("..", "..", "shared")
            : Path.of("..", "shared");

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Cli.standard().run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void aBadFileOrAFifoInTheCalibrationFolderCostsOnlyItself(@TempDir Path tmp) throws Exception {
        Path floatModel = tmp.resolve("float.tflite");
        assertEquals(0, run("dequantize", "--model", SHARED.resolve("models/mobilenet_v1_0.25_128_quant.tflite")
                .toString(), "--out", floatModel.toString()), err);
        Path images = Files.createDirectory(tmp.resolve("images"));
        Files.copy(SHARED.resolve("reference/ppm/128/cat.ppm"), images.resolve("a.ppm"));
        Path broken = Files.write(images.resolve("b.bmp"), new byte[] {'B', 'M', 1, 2, 3});
        Path fifo = images.resolve("c.ppm");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo");
        Files.copy(SHARED.resolve("reference/ppm/128/owl.ppm"), images.resolve("d.ppm"));
        Path quantized = tmp.resolve("int8.tflite");
        int code = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> run("quantize", "--model",
                floatModel.toString(), "--calibrate", images.toString(), "--out", quantized.toString()));
        assertEquals(1, code, err);
        List<String> errors = err.lines().filter(l -> l.startsWith("owlet quantize: ")).toList();
        assertEquals(2, errors.size(), err);
        assertTrue(errors.get(0).startsWith("owlet quantize: " + broken + ": "), errors.get(0));
        assertEquals("owlet quantize: " + fifo + ": not a regular file (FIFO)", errors.get(1));
        assertTrue(out.contains("calibrated on 2 images of " + images), out);
        Model.load(quantized); // written, and valid
    }
}
