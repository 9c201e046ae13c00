package owlet.bench.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The five shared classifiers on ONNX Runtime against TFLite's golden outputs: not byte-exact (ONNX
 * Runtime requantizes in float), but the same top-1 on nearly every reference input, as accurate on the
 * labelled images, and run as fused quantized convolutions after ONNX Runtime's optimizer.
 */
class OrtCheckTest {
    static final List<String> MODELS = OrtCheck.MODELS;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @FieldSource("MODELS")
    void nearTfLiteAndFused(String model) throws Exception {
        OrtCheck.Result r = OrtCheck.check(shared(), model, tmp.resolve(model + ".onnx"));
        String seen = r.toString();
        assertEquals(104, r.images(), "reference inputs: " + seen);
        // At most 6 of 104 top-1 differ (V1 0.25, the smallest model, had 5 when this was written).
        assertTrue(r.top1Equal() >= 98, "top-1 equal to TFLite's on " + r.top1Equal() + " of 104: " + seen);
        assertTrue(Math.abs(r.ortCorrect() - r.tfliteCorrect()) <= 3, "labelled images correct: " + seen);
        assertTrue(r.maxDifference() <= 48, "largest output byte difference: " + seen);

        Map<String, Integer> optimized = r.optimized();
        int convs = r.exported().get("QLinearConv");
        assertEquals(convs, optimized.getOrDefault("com.microsoft.QLinearConv (NHWC)", 0),
                "every QLinearConv made ONNX Runtime's NHWC QLinearConv: " + optimized);
        assertFalse(optimized.containsKey("Conv") || optimized.containsKey("QLinearConv")
                || optimized.containsKey("ConvInteger") || optimized.containsKey("com.microsoft.QLinearConv"),
                "no other convolution left: " + optimized);
    }

    /** ../shared beside the checkout: from the bench module's directory, ../../shared. */
    private static Path shared() {
        String property = System.getProperty("owlet.shared");
        for (Path p : new Path[] {property != null ? Path.of(property) : null, Path.of("../../shared"), Path.of("../shared")}) {
            if (p != null && Files.isDirectory(p.resolve("reference/golden"))) {
                return p;
            }
        }
        throw new IllegalStateException("shared/reference/golden not found from " + Path.of("").toAbsolutePath()
                + "; set -Dowlet.shared=DIR");
    }
}
