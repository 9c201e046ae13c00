package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static owlet.runtime.image.TestImages.assertRejected;
import static owlet.runtime.image.TestImages.bmp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.Shared;

class BmpDecoderTest {
    private static final int[] STANDARD_MASKS = {0x00FF0000, 0x0000FF00, 0x000000FF};

    private static void assertPattern(int w, int h, byte[] bmp) throws ImageFormatException {
        RgbImage img = Images.decode(bmp, "test.bmp");
        assertEquals(w, img.width());
        assertEquals(h, img.height());
        assertArrayEquals(TestImages.patternImage(w, h).rgb(), img.rgb(), w + "x" + h);
    }

    /** Patches the little-endian int at {@code at}. */
    private static byte[] withInt(byte[] data, int at, int value) {
        byte[] copy = data.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return copy;
    }

    private static byte[] withShort(byte[] data, int at, int value) {
        byte[] copy = data.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
        return copy;
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {24, 32})
    void uncompressedBothRowOrdersAllPaddings(int bits) throws IOException {
        for (int w = 1; w <= 6; w++) { // 24-bit rows of 3..18 bytes: every padding 0..3
            for (int h : new int[] {1, 2, 5}) {
                for (boolean topDown : new boolean[] {false, true}) {
                    byte[] file = bmp(w, h, bits, topDown);
                    assertPattern(w, h, file);
                    // javax.imageio agrees on orientation and channel order.
                    assertArrayEquals(ImageIoDecoder.decode(file, "test.bmp").rgb(),
                            Images.decode(file, "test.bmp").rgb(), w + "x" + h + " topDown=" + topDown);
                }
            }
        }
    }

    @Test
    void bitfieldsWithWholeByteMasks() throws IOException {
        int[] rgba = {0x000000FF, 0x0000FF00, 0x00FF0000};
        for (int header : new int[] {40, 124}) { // masks after BITMAPINFOHEADER, or inside BITMAPV5HEADER
            for (boolean topDown : new boolean[] {false, true}) {
                assertPattern(3, 4, bmp(3, 4, 32, topDown, header, STANDARD_MASKS, true));
                assertPattern(3, 4, bmp(3, 4, 32, topDown, header, rgba, true));
            }
        }
        assertPattern(5, 3, bmp(5, 3, 24, false, 124, null, true)); // V5 header, BI_RGB
    }

    @Test
    void lastRowPaddingMayBeMissing() throws IOException {
        assertPattern(3, 3, bmp(3, 3, 24, false, 40, null, false));
        assertPattern(3, 3, bmp(3, 3, 24, true, 40, null, false));
    }

    @Test
    void catBmpMatchesImageIo() throws IOException {
        Path cat = Shared.root().resolve("images/cat.bmp");
        byte[] data = Files.readAllBytes(cat);
        RgbImage ours = BmpDecoder.decode(data, cat.toString());
        RgbImage imageIo = ImageIoDecoder.decode(data, cat.toString());
        assertEquals(imageIo.width(), ours.width());
        assertEquals(imageIo.height(), ours.height());
        assertEquals(-1, Arrays.mismatch(imageIo.rgb(), ours.rgb()), "first differing byte");
    }

    @Test
    void rejectsUnsupportedVariants() {
        byte[] ok = bmp(3, 2, 24, false);
        assertRejected(withShort(ok, 28, 8), "8 bits per pixel is not supported");
        assertRejected(withShort(ok, 28, 16), "16 bits per pixel is not supported");
        assertRejected(withInt(bmp(3, 2, 32, false), 30, 1), "compression BI_RLE8 is not supported");
        assertRejected(withInt(ok, 30, 3), "24-bit BMP with compression BI_BITFIELDS");
        assertRejected(withInt(ok, 30, 99), "compression 99");
        int[] nibbles = {0x00F0F000, 0xFF00, 0xFF};
        assertRejected(bmp(3, 2, 32, false, 40, nibbles, true), "red mask 0x00f0f000");
        assertRejected(withShort(ok, 26, 2), "2 planes");
        assertRejected(withInt(ok, 14, 12), "info header of 12 bytes");
    }

    @Test
    void rejectsBadDimensions() {
        byte[] ok = bmp(3, 2, 24, false);
        assertRejected(withInt(ok, 18, 0), "invalid dimensions 0x2");
        assertRejected(withInt(ok, 18, -3), "invalid dimensions -3x2");
        assertRejected(withInt(ok, 22, 0), "invalid dimensions 3x0");
        assertRejected(withInt(ok, 22, Integer.MIN_VALUE), "more than the limit");
        assertRejected(withInt(withInt(ok, 18, 1 << 30), 22, 1 << 30),
                "more than the limit of 100000000 pixels");
        // Within the pixel limit, but far beyond the data: refused before allocating.
        assertRejected(withInt(withInt(ok, 18, 10_000), 22, -10_000), "truncated BMP: 10000x10000");
    }

    @Test
    void rejectsBadPixelOffset() {
        byte[] ok = bmp(3, 2, 24, false);
        assertRejected(withInt(ok, 10, ok.length + 1), "pixel data offset");
        assertRejected(withInt(ok, 10, 20), "pixel data offset 20");
        assertRejected(withInt(ok, 10, -1), "pixel data offset 4294967295");
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] padded = bmp(3, 2, 24, false); // rows of 9 + 3 bytes; the last row's padding is optional
        for (int len = 2; len < padded.length - 3; len++) {
            assertRejected(Arrays.copyOf(padded, len), "truncated BMP");
        }
        byte[] masked = bmp(2, 2, 32, true, 40, STANDARD_MASKS, true);
        for (int len = 2; len < masked.length; len++) {
            assertRejected(Arrays.copyOf(masked, len), "truncated BMP");
        }
    }
}
