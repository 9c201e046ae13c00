package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;

/**
 * Decode + whole-picture resize of every image in {@code shared/images} gives exactly the pixel bytes of
 * {@code shared/reference/ppm/s300/<stem>.ppm} (detector inputs: no crop, each axis on its own).
 */
class DetectionPreprocessTest {
    private static final Path PPM = Shared.root().resolve("reference/ppm/s300");

    @ParameterizedTest(name = "{0}")
    @MethodSource("owlet.runtime.image.ReferencePreprocessTest#images")
    void resizeMatchesReferencePpm(Path image) throws IOException {
        RgbImage decoded = Images.read(image);
        String file = image.getFileName().toString();
        Path ref = PPM.resolve(file.substring(0, file.lastIndexOf('.')) + ".ppm");
        RgbImage expected = Images.read(ref);
        assertEquals(300, expected.width(), ref + " width");
        assertEquals(300, expected.height(), ref + " height");
        RgbImage actual = Preprocess.resize(decoded, 300, 300);
        int at = Arrays.mismatch(expected.rgb(), actual.rgb());
        if (at >= 0) {
            int pixel = at / 3;
            fail(String.format("%s (%dx%d) differs from %s first at pixel x=%d y=%d: expected %d, got %d", image,
                    decoded.width(), decoded.height(), ref, pixel % 300, pixel / 300, expected.rgb()[at] & 0xFF,
                    actual.rgb()[at] & 0xFF));
        }
    }

    @Test
    void axesAreIndependentAndSameSizeIsReturnedAsIs() {
        // A 4x2 picture whose red channel is the column index * 10 and green the row index * 100.
        byte[] rgb = new byte[4 * 2 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                rgb[3 * (y * 4 + x)] = (byte) (10 * x);
                rgb[3 * (y * 4 + x) + 1] = (byte) (100 * y);
            }
        }
        RgbImage src = new RgbImage(4, 2, rgb);
        assertSame(src, Preprocess.resize(src, 4, 2));
        RgbImage out = Preprocess.resize(src, 2, 4);
        // Columns 4 -> 2: src = (d + 0.5) * 2 - 0.5 = 0.5, 2.5 -> red 5, 25. Rows 2 -> 4: src = (d + 0.5) / 2
        // - 0.5 = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1) -> green 0, 25, 75, 100.
        int[] red = {5, 25};
        int[] green = {0, 25, 75, 100};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 2; x++) {
                assertEquals(red[x], out.rgb()[3 * (y * 2 + x)] & 0xFF, "red at " + x + "," + y);
                assertEquals(green[y], out.rgb()[3 * (y * 2 + x) + 1] & 0xFF, "green at " + x + "," + y);
            }
        }
    }
}
