package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.command.Json;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;
import owlet.runtime.model.Model;

/**
 * Byte-exactness against TensorFlow Lite: every shared model on every prepared input in
 * shared/reference/ppm/S/, compared with the raw output bytes in shared/reference/golden/MODEL.csv
 * (TFLite 2.18 builtin kernels, x86-64, one thread), with the optimized and with the reference kernels.
 */
class GoldenOutputTest {

    /**
     * Each model twice: with the optimized kernels (Vector API when present) on two threads, and with the
     * scalar reference kernels forced, on one.
     */
    static Stream<Arguments> models() {
        return Shared.MODELS.stream().flatMap(m -> Stream.of(Arguments.of(m, true, 2), Arguments.of(m, false, 1)));
    }

    @ParameterizedTest(name = "{0}, vector kernels {1}, {2} thread(s)")
    @MethodSource("models")
    void outputBytesEqualTfLite(String name, boolean vector, int threads) throws Exception {
        Model model = Model.load(Shared.model(name));
        try (Interpreter interpreter = Interpreter.create(model, new Interpreter.Options(threads, vector))) {
            compare(name, model, interpreter);
        }
    }

    private static void compare(String name, Model model, Interpreter interpreter) throws Exception {
        int size = model.input(0).dim(1);
        Path csv = Shared.root().resolve("reference/golden/" + name + ".csv");
        List<String> rows = Files.readAllLines(csv);
        assertEquals("image,top1,top1_score,top5,raw", rows.get(0), "header of " + csv);
        byte[] out = new byte[model.output(0).elementCount()];
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            Path ppm = Shared.root().resolve("reference/ppm/" + size + "/" + f[0] + ".ppm");
            RgbImage img = Images.read(ppm);
            interpreter.setInput(0, img.rgb());
            interpreter.run();
            interpreter.output(0, out);
            String raw = Json.hex(out);
            if (!raw.equals(f[4])) {
                mismatches.add(f[0] + ": " + firstDifference(raw, f[4]));
            }
            checked++;
        }
        assertEquals(104, checked, "rows in " + csv);
        assertTrue(mismatches.isEmpty(), name + ": " + mismatches.size() + " of " + checked
                + " images differ from TFLite (" + csv + "); first: " + mismatches.subList(0, Math.min(5, mismatches.size())));
    }

    private static String firstDifference(String got, String want) {
        int diffs = 0;
        int first = -1;
        for (int i = 0; i < want.length() / 2; i++) {
            if (!got.regionMatches(2 * i, want, 2 * i, 2)) {
                diffs++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        return diffs + " values differ, first at index " + first + ": got " + got.substring(2 * first, 2 * first + 2)
                + ", TFLite " + want.substring(2 * first, 2 * first + 2);
    }
}
