package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static owlet.runtime.image.TestImages.ascii;
import static owlet.runtime.image.TestImages.assertRejected;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import owlet.runtime.Shared;

/** Format detection, JPEG through javax.imageio, PNG against it, hostile input, and life without java.desktop. */
class ImagesTest {

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "no ImageIO writer for " + format);
        return out.toByteArray();
    }

    private static BufferedImage patternImage(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, 0xFF000000 | TestImages.pattern(x, y, 0) << 16
                        | TestImages.pattern(x, y, 1) << 8 | TestImages.pattern(x, y, 2));
            }
        }
        return image;
    }

    @Test
    void readsFilesByPath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tiny.ppm");
        Files.write(file, TestImages.concat(ascii("P6 1 1 255\n"), new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Images.read(file).rgb());
        Files.write(file, new byte[0]);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> Images.read(file));
        assertEquals(file + ": file is empty", e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Images.read(dir.resolve("missing.ppm")));
    }

    @Test
    void rejectsUnknownFormats() {
        assertRejected(new byte[0], "file is empty");
        assertRejected(ascii("GIF89a..."), "unrecognised image format (first bytes 47 49 46 38)");
        assertRejected(new byte[] {'P'}, "unrecognised image format (first bytes 50)");
        assertRejected(ascii("hello world"), "supported: PPM/PGM (P6/P5), BMP, JPEG, PNG");
    }

    @Test
    void pngLayoutsDecodeToTheirRgb() throws IOException {
        // 3-band, 4-band (alpha dropped), palette (via getRGB).
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR}) {
            byte[] png = encode(patternImage(5, 3, type), "png");
            assertArrayEquals(TestImages.patternImage(5, 3).rgb(), Images.decode(png, "t.png").rgb());
        }
        byte[] palette = {0, (byte) 200, 17};
        IndexColorModel cm = new IndexColorModel(8, 3, palette, palette, palette);
        BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, cm);
        indexed.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {2, 0, 1});
        assertArrayEquals(new byte[] {17, 17, 17, 0, 0, 0, (byte) 200, (byte) 200, (byte) 200},
                Images.decode(encode(indexed, "png"), "t.png").rgb());
    }

    @Test
    void greySamplesAreTakenAsStored() throws IOException {
        // getRGB would map linear-grey samples through a gamma curve; the reference does not.
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 50, 128, 255});
        for (String format : List.of("png", "jpg")) {
            byte[] file = encode(grey, format);
            RgbImage img = Images.decode(file, "t." + format);
            byte[] expected = new byte[12];
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(file));
            for (int x = 0; x < 4; x++) {
                Arrays.fill(expected, 3 * x, 3 * x + 3, (byte) decoded.getRaster().getSample(x, 0, 0));
            }
            assertArrayEquals(expected, img.rgb(), format);
        }
    }

    @Test
    void rejectsBrokenJpegs() throws IOException {
        byte[] owl = Files.readAllBytes(Shared.root().resolve("images/owl.jpg"));
        assertRejected(Arrays.copyOf(owl, owl.length / 2), "corrupt or truncated JPEG");
        assertRejected(Arrays.copyOf(owl, 2), "JPEG");
        byte[] garbage = owl.clone();
        Arrays.fill(garbage, 2, garbage.length, (byte) 0x5A);
        assertRejected(garbage, "cannot decode JPEG");
        // A frame header declaring 60000 x 60000: refused before any raster is allocated.
        int[] header = {0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0xEA, 0x60, 0xEA, 0x60, 1, 1, 0x11, 0, // SOI, SOF0
            0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0xFF, 0xD9}; // SOS, EOI
        byte[] huge = new byte[header.length];
        for (int i = 0; i < huge.length; i++) {
            huge[i] = (byte) header[i];
        }
        assertRejected(huge, "JPEG image is 60000x60000, more than the limit of 100000000 pixels");
    }

    @Test
    void rejectsBrokenPngs() throws IOException {
        byte[] png = encode(patternImage(40, 30, BufferedImage.TYPE_3BYTE_BGR), "png");
        // A few cuts; PngDecoderTest tries every prefix.
        for (int len : new int[] {8, 20, 33, png.length / 2, png.length - 30}) {
            assertRejected(Arrays.copyOf(png, len), "PNG");
        }
        // IHDR declaring 50000 x 50000 (with a valid CRC), no image data.
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(50_000).putInt(50_000).put(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer file = ByteBuffer.allocate(8 + 4 + 17 + 4).put(Arrays.copyOf(png, 8)).putInt(13)
                .put(ihdr.array()).putInt((int) crc.getValue());
        assertRejected(file.array(), "PNG image is 50000x50000, more than the limit");
    }

    @Test
    void randomCorruptionOnlyEverGivesImageFormatException() throws IOException {
        List<byte[]> seeds = List.of(
                TestImages.bmp(5, 4, 24, false),
                TestImages.bmp(4, 3, 32, true, 40, new int[] {0xFF0000, 0xFF00, 0xFF}, true),
                TestImages.concat(ascii("P6\n# c\n3 2\n255\n"), new byte[18]),
                encode(patternImage(16, 16, BufferedImage.TYPE_3BYTE_BGR), "png"),
                encode(patternImage(16, 16, BufferedImage.TYPE_3BYTE_BGR), "jpg"));
        Random random = new Random(42);
        for (byte[] seed : seeds) {
            for (int round = 0; round < 300; round++) {
                byte[] data = seed.clone();
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    data[2 + random.nextInt(data.length - 2)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    data = Arrays.copyOf(data, 2 + random.nextInt(data.length - 2));
                }
                try {
                    RgbImage img = Images.decode(data, "fuzz");
                    assertEquals(img.width() * img.height() * 3, img.rgb().length);
                } catch (ImageFormatException expected) {
                    assertTrue(expected.getMessage().startsWith("fuzz: "), expected.getMessage());
                }
            }
        }
    }

    @Test
    void withoutJavaDesktopPpmBmpAndPngWorkAndJpegSaysWhy() throws Exception {
        Path javaExe = Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = Path.of(Images.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator
                + Path.of(NoDesktopProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process process = new ProcessBuilder(javaExe.toString(), "--limit-modules", "java.base",
                "-cp", classPath, NoDesktopProbe.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe timed out");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("png RgbImage[7x5]"), output);
        assertTrue(output.contains("a.jpg: JPEG decoding needs the java.desktop module,"
                + " which this runtime image does not include; use PNG, PPM or BMP"), output);
    }
}
