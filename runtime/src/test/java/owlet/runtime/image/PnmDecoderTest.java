package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static owlet.runtime.image.TestImages.ascii;
import static owlet.runtime.image.TestImages.assertRejected;
import static owlet.runtime.image.TestImages.concat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PnmDecoderTest {
    private static final byte[] SIX = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static RgbImage decode(byte[] data) throws ImageFormatException {
        return Images.decode(data, "test.pnm");
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void ppmWithCommentsAndOddWhitespace() throws ImageFormatException {
        byte[] file = concat(ascii("P6#c1\n 2\t# width\r\n\f2\u000b#\r255\r"), SIX);
        RgbImage img = decode(file);
        assertEquals(2, img.width());
        assertEquals(2, img.height());
        assertArrayEquals(SIX, img.rgb());
    }

    @Test
    void pgmSpreadsGreyToRgb() throws ImageFormatException {
        RgbImage img = decode(concat(ascii("P5\n3 1\n255\n"), bytes(0, 128, 255)));
        assertArrayEquals(bytes(0, 0, 0, 128, 128, 128, 255, 255, 255), img.rgb());
    }

    @Test
    void smallMaxvalIsRescaled() throws ImageFormatException {
        assertArrayEquals(bytes(0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255),
                decode(concat(ascii("P5 4 1 3\n"), bytes(0, 1, 2, 3))).rgb());
        assertArrayEquals(bytes(0, 255, 0), decode(concat(ascii("P6 1 1 1\n"), bytes(0, 1, 0))).rgb());
        assertArrayEquals(bytes(0, 119, 17), decode(concat(ascii("P6 1 1 15\n"), bytes(0, 7, 1))).rgb());
    }

    @Test
    void readsOnlyTheFirstImage() throws ImageFormatException {
        byte[] two = concat(concat(ascii("P6 1 1 255\n"), bytes(9, 8, 7)),
                concat(ascii("P6 1 1 255\n"), bytes(1, 2, 3)));
        assertArrayEquals(bytes(9, 8, 7), decode(two).rgb());
    }

    @Test
    void rejectsUnsupportedKinds() {
        assertRejected(ascii("P3\n1 1\n255\n0 0 0\n"), "plain or bitmap PNM (P3) is not supported");
        assertRejected(ascii("P4\n1 1\n\0"), "(P4) is not supported");
        assertRejected(ascii("P7\nWIDTH 1\n"), "PAM (P7) is not supported");
        assertRejected(concat(ascii("P6 1 1 65535\n"), new byte[6]), "16-bit samples (maxval 65535)");
        assertRejected(concat(ascii("P6 1 1 70000\n"), new byte[6]), "maxval 70000 is invalid");
        assertRejected(concat(ascii("P6 1 1 0\n"), new byte[3]), "maxval 0 is invalid");
        assertRejected(concat(ascii("P5 2 1 3\n"), bytes(3, 4)), "sample 4 at pixel 1 exceeds maxval 3");
    }

    @Test
    void rejectsBadHeaders() {
        assertRejected(ascii("P6\n-2 2\n255\n"),
                "expected the width (a decimal number) at byte 3, found '-'");
        assertRejected(ascii("P6\n2 x\n255\n"), "expected the height");
        assertRejected(concat(ascii("P6\n0 2\n255\n"), SIX), "invalid dimensions 0x2");
        assertRejected(ascii("P6\n99999999999 1\n255\n"), "width at byte 3 is too large");
        assertRejected(concat(ascii("P6 1 1 255"), bytes(1, 2, 3)),
                "one whitespace byte after maxval; found byte 0x01 at byte 10");
        assertRejected(ascii("P6 # no fields"), "file ends before the width");
        assertRejected(ascii("P6\n20000 20000\n255\n"), "more than the limit of 100000000 pixels");
        // Within the pixel limit but far beyond the data: refused before allocating.
        assertRejected(ascii("P6\n10000 10000\n255\nabc"),
                "truncated PPM: 10000x10000 needs 300000000 bytes of pixel data, file has 3");
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] file = concat(ascii("P6\n2 2\n255\n"), SIX);
        for (int len = 2; len < file.length; len++) {
            // The header "P6\n2 2\n255\n" is 11 bytes.
            String expected = len < 11 ? "truncated PPM header" : "truncated PPM: 2x2";
            assertRejected(Arrays.copyOf(file, len), expected);
        }
    }
}
