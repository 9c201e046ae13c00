package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Test helpers: a deterministic pattern, a BMP writer, a rejection check. */
final class TestImages {
    private TestImages() {}

    /** Sample of channel {@code ch} (0 = R) at (x, y) of the test pattern. */
    static int pattern(int x, int y, int ch) {
        return (x * (37 + 20 * ch) + y * (11 + 40 * ch) + x * y * ch + 7 * ch) & 0xFF;
    }

    static RgbImage patternImage(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    rgb[o++] = (byte) pattern(x, y, ch);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A 24- or 32-bit BI_RGB BMP of the test pattern with a 40-byte info header. */
    static byte[] bmp(int w, int h, int bits, boolean topDown) {
        return bmp(w, h, bits, topDown, 40, null, true);
    }

    /**
     * A BMP of the test pattern. {@code masks} = {red, green, blue} selects BI_BITFIELDS (each mask
     * one whole byte); null means BI_RGB. Without {@code lastRowPadding} the file ends right
     * after the last pixel.
     */
    static byte[] bmp(int w, int h, int bits, boolean topDown, int headerSize, int[] masks,
            boolean lastRowPadding) {
        int bpp = bits / 8;
        int stride = (w * bpp + 3) & ~3;
        int pixelOffset = 14 + Math.max(headerSize, masks != null ? 52 : 0);
        int size = pixelOffset + stride * h - (lastRowPadding ? 0 : stride - w * bpp);
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 'B').put((byte) 'M').putInt(size).putInt(0).putInt(pixelOffset);
        buf.putInt(headerSize).putInt(w).putInt(topDown ? -h : h).putShort((short) 1)
                .putShort((short) bits).putInt(masks == null ? 0 : 3).putInt(stride * h)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        int[] offsets = {2, 1, 0}; // byte offset of R, G, B in a pixel
        if (masks != null) {
            for (int ch = 0; ch < 3; ch++) {
                buf.putInt(masks[ch]);
                offsets[ch] = Integer.numberOfTrailingZeros(masks[ch]) / 8;
            }
        }
        for (int row = 0; row < h; row++) {
            int y = topDown ? row : h - 1 - row;
            for (int x = 0; x < w; x++) {
                int at = pixelOffset + row * stride + x * bpp;
                if (bpp == 4) {
                    buf.putInt(at, -1); // the unused / alpha byte stays 0xFF
                }
                for (int ch = 0; ch < 3; ch++) {
                    buf.put(at + offsets[ch], (byte) pattern(x, y, ch));
                }
            }
        }
        return buf.array();
    }

    /** Asserts that decoding throws an ImageFormatException naming the file and holding {@code fragment}. */
    static String assertRejected(byte[] data, String fragment) {
        ImageFormatException e =
                assertThrows(ImageFormatException.class, () -> Images.decode(data, "test.img"));
        assertTrue(e.getMessage().startsWith("test.img: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment),
                () -> "expected '" + fragment + "' in: " + e.getMessage());
        return e.getMessage();
    }
}
