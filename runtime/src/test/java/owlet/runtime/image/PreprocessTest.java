package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-computed cases of the crop and of the integer bilinear rule. */
class PreprocessTest {

    /** A 1-row-pattern image: every row holds {@code columns}, same value in R, G and B. */
    private static RgbImage rowsOf(int height, int... columns) {
        byte[] rgb = new byte[columns.length * height * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) columns[i / 3 % columns.length];
        }
        return new RgbImage(columns.length, height, rgb);
    }

    private static int[] firstRowRed(RgbImage img) {
        int[] out = new int[img.width()];
        for (int x = 0; x < out.length; x++) {
            out[x] = img.rgb()[3 * x] & 0xFF;
        }
        return out;
    }

    @Test
    void returnsSourceWhenAlreadyTheSize() {
        RgbImage src = TestImages.patternImage(7, 7);
        assertSame(src, Preprocess.centerCropResize(src, 7));
    }

    @Test
    void sameSideOnlyCropsTheCentre() {
        RgbImage landscape = TestImages.patternImage(6, 3); // x0 = 1
        RgbImage portrait = TestImages.patternImage(4, 7); // y0 = 1
        RgbImage a = Preprocess.centerCropResize(landscape, 3);
        RgbImage b = Preprocess.centerCropResize(portrait, 4);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(TestImages.pattern(x + 1, y, ch), a.rgb()[(y * 3 + x) * 3 + ch] & 0xFF);
                }
            }
        }
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(TestImages.pattern(x, y + 1, ch), b.rgb()[(y * 4 + x) * 3 + ch] & 0xFF);
                }
            }
        }
    }

    @Test
    void upscaleUsesQuarterWeightsAndRoundsHalfUp() {
        // side 2 -> 4: weights of [a, b] are 1, 3/4 + 1/4, 1/4 + 3/4, 1 (edges clamped).
        assertArrayEquals(new int[] {0, 64, 191, 255},
                firstRowRed(Preprocess.centerCropResize(rowsOf(2, 0, 255), 4)));
        assertArrayEquals(new int[] {0, 1, 2, 2}, // 0.5 and 1.5 round up
                firstRowRed(Preprocess.centerCropResize(rowsOf(2, 0, 2), 4)));
    }

    @Test
    void downscaleByTwoAveragesPairs() {
        // side 4 -> 2: output d samples 2d + 0.5, i.e. the mean of columns 2d and 2d + 1.
        RgbImage out = Preprocess.centerCropResize(rowsOf(4, 10, 21, 100, 200), 2);
        assertArrayEquals(new int[] {16, 150}, firstRowRed(out));
        // Vertically too: rows 0..3 of a transposed pattern.
        byte[] rgb = new byte[4 * 4 * 3];
        int[] rowValues = {0, 1, 50, 60};
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) rowValues[i / 12];
        }
        RgbImage v = Preprocess.centerCropResize(new RgbImage(4, 4, rgb), 2);
        assertEquals(1, v.rgb()[0]); // (0 + 1) / 2 = 0.5 rounds up
        assertEquals(55, v.rgb()[(1 * 2 + 0) * 3]); // x = 0, y = 1
    }

    @Test
    void largeOutputsDoNotOverflow() {
        // D^2 * 255 exceeds an int for S > 1451.
        RgbImage out = Preprocess.centerCropResize(rowsOf(2, 0, 255), 1600);
        int[] row = firstRowRed(out);
        assertEquals(0, row[0]);
        assertEquals(255, row[1599]);
        for (int x = 1; x < row.length; x++) {
            assertTrue(row[x] >= row[x - 1], "not monotonic at " + x);
        }
        byte[] all = out.rgb();
        for (int i = 0; i < all.length; i++) { // every row equals the first
            assertEquals(all[i % (1600 * 3)], all[i]);
        }
    }

    @Test
    void rejectsBadSizes() {
        RgbImage src = TestImages.patternImage(3, 3);
        assertThrows(IllegalArgumentException.class, () -> Preprocess.centerCropResize(src, 0));
        assertThrows(IllegalArgumentException.class, () -> Preprocess.centerCropResize(src, -1));
        assertThrows(IllegalArgumentException.class, () -> Preprocess.centerCropResize(src, 50_000));
    }

    @Test
    void rgbImageValidates() {
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(0, 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(65536, 65536, new byte[3]));
        assertThrows(NullPointerException.class, () -> new RgbImage(1, 1, null));
    }
}
