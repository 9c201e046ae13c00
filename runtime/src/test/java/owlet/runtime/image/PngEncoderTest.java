package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PngEncoder's files decode to the same pixels with PngDecoder and with javax.imageio. */
class PngEncoderTest {
    /** Noise, smooth gradients, flat areas: each favours different row filters. */
    private static RgbImage image(int w, int h, Random random) {
        byte[] rgb = new byte[w * h * 3];
        int kind = random.nextInt(3);
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++, o++) {
                    rgb[o] = (byte) switch (kind) {
                        case 0 -> random.nextInt(256);
                        case 1 -> TestImages.pattern(x, y, ch) + random.nextInt(3);
                        default -> x / 5 * 40 + y / 7 * 13 + ch * 80;
                    };
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void rgbRoundTripsThroughBothDecoders() throws IOException {
        Random random = new Random(20);
        int[][] sizes = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {17, 5}, {64, 48}, {101, 77}, {640, 3}, {300, 250}};
        for (int[] size : sizes) {
            for (int round = 0; round < 3; round++) {
                RgbImage original = image(size[0], size[1], random);
                byte[] png = PngEncoder.encode(original);
                String what = size[0] + "x" + size[1] + " round " + round;
                assertArrayEquals(original.rgb(), Images.decode(png, what).rgb(), what);
                assertArrayEquals(original.rgb(), ImageIoDecoder.decode(png, what).rgb(), what);
            }
        }
    }

    @Test
    void greyRoundTripsThroughBothDecoders() throws IOException {
        Random random = new Random(21);
        for (int[] size : new int[][] {{1, 1}, {3, 7}, {50, 40}, {257, 3}}) {
            byte[] grey = new byte[size[0] * size[1]];
            random.nextBytes(grey);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PngEncoder.writeGrey(size[0], size[1], grey, out);
            byte[] expected = new byte[grey.length * 3];
            for (int i = 0; i < grey.length; i++) {
                expected[3 * i] = expected[3 * i + 1] = expected[3 * i + 2] = grey[i];
            }
            assertArrayEquals(expected, Images.decode(out.toByteArray(), "grey").rgb());
            assertArrayEquals(expected, ImageIoDecoder.decode(out.toByteArray(), "grey").rgb());
            assertEquals(0, out.toByteArray()[8 + 8 + 9], "colour type 0");
        }
        assertThrows(IllegalArgumentException.class,
                () -> PngEncoder.writeGrey(3, 3, new byte[8], new ByteArrayOutputStream()));
    }

    @Test
    void bigImagesSpanSeveralIdatChunksAndUseSeveralFilters(@TempDir Path dir) throws IOException {
        Random random = new Random(22);
        int w = 400;
        int h = 300;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++, o += 3) {
                boolean noisy = y % 50 < 25;
                rgb[o] = (byte) (noisy ? random.nextInt(256) : x);
                rgb[o + 1] = (byte) (noisy ? random.nextInt(256) : y);
                rgb[o + 2] = (byte) (noisy ? random.nextInt(256) : x + y);
            }
        }
        RgbImage original = new RgbImage(w, h, rgb);
        Path file = dir.resolve("big.png");
        PngEncoder.write(original, file);
        byte[] png = Files.readAllBytes(file);
        assertArrayEquals(rgb, Images.read(file).rgb());
        assertArrayEquals(rgb, ImageIoDecoder.decode(png, "big.png").rgb());

        // Walk the chunks: several IDATs, and inflate them to see which filters the rows chose.
        ByteBuffer buf = ByteBuffer.wrap(png, 8, png.length - 8);
        int idats = 0;
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        while (buf.hasRemaining()) {
            int len = buf.getInt();
            String type = new String(png, buf.position(), 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("IDAT")) {
                idats++;
                z.write(png, buf.position() + 4, len);
            }
            buf.position(buf.position() + 4 + len + 4);
        }
        assertTrue(idats >= 2, idats + " IDAT chunks");
        assertEquals((z.size() + 65535) / 65536, idats, "IDAT chunks of 64 KB but the last");
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        inflater.setInput(z.toByteArray());
        byte[] rows = new byte[h * (1 + w * 3)];
        try {
            assertEquals(rows.length, inflater.inflate(rows));
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        } finally {
            inflater.end();
        }
        Set<Integer> filters = new HashSet<>();
        for (int y = 0; y < h; y++) {
            filters.add((int) rows[y * (1 + w * 3)]);
        }
        assertTrue(filters.size() >= 3, "filters used: " + filters);
    }
}
