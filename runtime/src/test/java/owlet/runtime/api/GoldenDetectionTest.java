package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import owlet.runtime.Shared;
import owlet.runtime.command.Json;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;
import owlet.runtime.model.Model;

/**
 * Byte-exactness of the SSD detector, TFLite_Detection_PostProcess included: every prepared input in
 * shared/reference/ppm/s300/, compared with the four float32 outputs (boxes, classes, scores, count) in
 * shared/reference/golden-detect/ssd_mobilenet_v1_coco_quant.csv (TFLite 2.18 builtin kernels, x86-64,
 * one thread), with the optimized kernels on two threads and with the scalar reference kernels on one.
 */
class GoldenDetectionTest {
    static final String MODEL = "ssd_mobilenet_v1_coco_quant";

    @ParameterizedTest(name = "vector kernels {0}, {1} thread(s)")
    @CsvSource({"true, 2", "false, 1"})
    void outputBytesEqualTfLite(boolean vector, int threads) throws Exception {
        Model model = Model.load(Shared.model(MODEL));
        Path csv = Shared.root().resolve("reference/golden-detect/" + MODEL + ".csv");
        List<String> rows = Files.readAllLines(csv);
        assertEquals("image,boxes,classes,scores,count", rows.get(0), "header of " + csv);
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (Interpreter interpreter = Interpreter.create(model, new Interpreter.Options(threads, vector))) {
            assertEquals(4, model.outputs().length);
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",");
                RgbImage img = Images.read(Shared.root().resolve("reference/ppm/s300/" + f[0] + ".ppm"));
                interpreter.setInput(0, img.rgb());
                interpreter.run();
                for (int o = 0; o < 4; o++) {
                    String got = Json.hex(Detector.outputBytes(interpreter, o));
                    if (!got.equals(f[1 + o])) {
                        mismatches.add(f[0] + " output " + o + ": got " + got + ", TFLite " + f[1 + o]);
                    }
                }
                checked++;
            }
        }
        assertEquals(104, checked, "rows in " + csv);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " outputs of " + checked
                + " images differ from TFLite; first: " + mismatches.subList(0, Math.min(3, mismatches.size())));
    }
}
