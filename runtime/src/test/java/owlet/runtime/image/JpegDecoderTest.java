package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;

/**
 * {@link JpegDecoder} against {@code javax.imageio} (IJG libjpeg 6b inside the JDK) as the oracle: the
 * shared pictures, files from ImageIO's own writer and from libjpeg-turbo's {@code cjpeg}, then broken
 * and hostile files, which must all end in an {@link ImageFormatException} quickly.
 */
class JpegDecoderTest {

    /** Asserts that JpegDecoder and javax.imageio give the same RGB bytes for {@code jpeg}. */
    private static void assertSameAsImageIo(byte[] jpeg, String what) throws IOException {
        RgbImage expected = ImageIoDecoder.decode(jpeg, what);
        RgbImage actual = JpegDecoder.decode(jpeg, what);
        assertEquals(expected.width(), actual.width(), what + " width");
        assertEquals(expected.height(), actual.height(), what + " height");
        int at = Arrays.mismatch(expected.rgb(), actual.rgb());
        if (at >= 0) {
            int pixel = at / 3;
            fail(String.format("%s (%dx%d) differs from ImageIO first at x=%d y=%d channel %s: expected %d, got %d",
                    what, expected.width(), expected.height(), pixel % expected.width(), pixel / expected.width(),
                    "RGB".charAt(at % 3), expected.rgb()[at] & 0xFF, actual.rgb()[at] & 0xFF));
        }
    }

    /**
     * Whether this JDK's javax.imageio runs the system's libjpeg-turbo (Debian's OpenJDK links
     * libjpeg.so.62) rather than the IJG libjpeg 6b it bundles otherwise (Temurin). The two differ on
     * 1x2 chroma and on block smoothing; see {@link JpegColor}. Read from the libraries this JVM maps.
     */
    static boolean imageIoRunsLibjpegTurbo() throws IOException {
        ImageIoDecoder.decode(writeWithImageIo(picture(8, 8, BufferedImage.TYPE_BYTE_GRAY), 0.9f, false), "probe");
        return Files.readString(Path.of("/proc/self/maps")).contains("libjpeg.so.62");
    }

    static Stream<Path> sharedJpegs() throws IOException {
        Path images = Shared.root().resolve("images");
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(images, images.resolve("imagenet-dev"))) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> p.toString().toLowerCase().matches(".*\\.jpe?g")).sorted().forEach(files::add);
            }
        }
        assertEquals(103, files.size(), "JPEGs under " + images);
        return files.stream();
    }

    /**
     * Every shared JPEG decodes to ImageIO's bytes. ImageIO converts a file with an embedded ICC profile
     * to sRGB, which JpegDecoder does not do: for those the oracle reads the file with its profile
     * segment renamed (APP2 to APP15), and {@link Images#decode} must still give ImageIO's own bytes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sharedJpegs")
    void sharedPicturesDecodeAsImageIoDoes(Path file) throws IOException {
        byte[] jpeg = Files.readAllBytes(file);
        if (!JpegDecoder.embedsIccProfile(jpeg)) {
            assertSameAsImageIo(jpeg, file.toString());
            return;
        }
        assertSameAsImageIo(withoutIccProfile(jpeg), file + " without its ICC profile");
        assertTrue(Arrays.equals(ImageIoDecoder.decode(jpeg, "a").rgb(), Images.decode(jpeg, "b").rgb()),
                file + ": Images.decode gives ImageIO's bytes for a file with an ICC profile");
    }

    private static byte[] withoutIccProfile(byte[] jpeg) {
        byte[] copy = jpeg.clone();
        int at = 2;
        while ((copy[at + 1] & 0xFF) != 0xDA) {
            if ((copy[at + 1] & 0xFF) == 0xE2) {
                copy[at + 1] = (byte) 0xEF;
            }
            at += 2 + ((copy[at + 2] & 0xFF) << 8 | (copy[at + 3] & 0xFF));
        }
        assertTrue(!JpegDecoder.embedsIccProfile(copy));
        return copy;
    }

    /** A picture with smooth areas, edges and noise, so that every coefficient gets used. */
    static BufferedImage picture(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        Random random = new Random(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (int) (128 + 100 * Math.sin(x / 7.0) * Math.cos(y / 11.0));
                int g = (x * 255 / Math.max(1, w - 1) + (((x / 5) + (y / 5)) % 2) * 60) & 0xFF;
                int b = (y * 3 + random.nextInt(40)) & 0xFF;
                if ((x - w / 2) * (x - w / 2) + (y - h / 3) * (y - h / 3) < w * h / 16) {
                    r = 250;
                    g = 20;
                }
                image.setRGB(x, y, 0xFF000000 | Math.max(0, Math.min(255, r)) << 16 | g << 8 | b);
            }
        }
        return image;
    }

    static byte[] writeWithImageIo(BufferedImage image, float quality, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            } else {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @Test
    void imageIoWriterFilesAtEveryQualityAndSize() throws IOException {
        int[][] sizes = {{1, 1}, {2, 2}, {3, 5}, {17, 9}, {9, 17}, {64, 48}, {333, 257}};
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY}) {
            for (int[] size : sizes) {
                BufferedImage image = picture(size[0], size[1], type);
                for (int q = 10; q <= 100; q += 10) {
                    String what = size[0] + "x" + size[1] + " type " + type + " quality " + q;
                    assertSameAsImageIo(writeWithImageIo(image, q / 100f, false), what);
                }
                assertSameAsImageIo(writeWithImageIo(image, 0.75f, true), size[0] + "x" + size[1] + " progressive");
            }
        }
    }

    /** A binary PPM (or PGM for {@code grey}) of {@link #picture}. */
    private static byte[] pnm(BufferedImage image, boolean grey) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] header = ((grey ? "P5\n" : "P6\n") + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII);
        int channels = grey ? 1 : 3;
        byte[] file = Arrays.copyOf(header, header.length + w * h * channels);
        int o = header.length;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                if (grey) {
                    file[o++] = (byte) (((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) * 2 + (rgb & 0xFF)) / 4);
                } else {
                    file[o++] = (byte) (rgb >> 16);
                    file[o++] = (byte) (rgb >> 8);
                    file[o++] = (byte) rgb;
                }
            }
        }
        return file;
    }

    private static byte[] cjpeg(Path dir, byte[] input, List<String> options) throws IOException, InterruptedException {
        Path in = dir.resolve("in.pnm");
        Path out = dir.resolve("out.jpg");
        Files.write(in, input);
        List<String> command = new ArrayList<>(List.of("cjpeg"));
        command.addAll(options);
        command.addAll(List.of("-outfile", out.toString(), in.toString()));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cjpeg is not installed; install Debian's libjpeg-turbo-progs"
                    + " (apt-get install libjpeg-turbo-progs) to run this test", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "cjpeg timed out");
        assertEquals(0, process.exitValue(), "cjpeg " + options + ": " + output);
        return Files.readAllBytes(out);
    }

    @Test
    void cjpegSamplingsRestartsProgressionAndGrey(@TempDir Path dir) throws Exception {
        List<List<String>> variants = List.of(
                List.of(),
                List.of("-sample", "1x1"),
                List.of("-sample", "2x1"),
                List.of("-sample", "2x2"),
                List.of("-sample", "1x2"),
                List.of("-sample", "4x1"),
                List.of("-sample", "1x4"),
                List.of("-sample", "4x2"),
                List.of("-sample", "2x2", "-restart", "1"),
                List.of("-sample", "2x1", "-restart", "3B"),
                List.of("-restart", "5B", "-optimize"),
                List.of("-progressive"),
                List.of("-progressive", "-sample", "1x1"),
                List.of("-progressive", "-sample", "2x1", "-restart", "2"),
                List.of("-progressive", "-sample", "4x1", "-restart", "7B"),
                List.of("-progressive", "-sample", "1x2"),
                List.of("-optimize", "-quality", "100"),
                List.of("-quality", "5", "-sample", "2x2"),
                List.of("-grayscale"),
                List.of("-grayscale", "-progressive", "-restart", "1B"),
                List.of("-rgb"),
                List.of("-rgb", "-progressive"));
        // 1x2 (4:4:0) chroma: JpegDecoder filters it as libjpeg-turbo does; IJG 6b replicates rows.
        boolean turbo = imageIoRunsLibjpegTurbo();
        int[][] sizes = {{1, 1}, {2, 3}, {3, 2}, {17, 9}, {35, 33}, {333, 257}};
        int compared = 0;
        for (int[] size : sizes) {
            byte[] ppm = pnm(picture(size[0], size[1], BufferedImage.TYPE_3BYTE_BGR), false);
            for (List<String> options : variants) {
                byte[] jpeg = cjpeg(dir, ppm, options);
                if (turbo || !options.contains("1x2")) {
                    assertSameAsImageIo(jpeg, "cjpeg " + String.join(" ", options) + " of " + size[0] + "x" + size[1]);
                    compared++;
                }
            }
        }
        assertTrue(compared >= sizes.length * (variants.size() - 2), compared + " files compared");
        byte[] pgm = pnm(picture(50, 41, BufferedImage.TYPE_3BYTE_BGR), true);
        for (List<String> options : List.of(List.<String>of(), List.of("-progressive"), List.of("-restart", "1"))) {
            assertSameAsImageIo(cjpeg(dir, pgm, options), "cjpeg " + options + " of a PGM");
        }
    }

    /**
     * Progressive files whose scans leave some of AC coefficients 1..5 unfinished get libjpeg's block
     * smoothing. JpegDecoder smooths as IJG libjpeg 6b does, so ImageIO is the oracle only on a JDK
     * running 6b; with libjpeg-turbo 2.1 (Debian's JDK) the files must still decode, and those whose
     * scans are complete must match there too.
     */
    @Test
    void progressiveFilesWithUnfinishedCoefficients(@TempDir Path dir) throws Exception {
        boolean turbo = imageIoRunsLibjpegTurbo();
        String[][] scripts = {
            {"0,1,2: 0-0, 0, 1;", "0: 1-63, 0, 1;", "1: 1-63, 0, 0;", "2: 1-63, 0, 0;", "0,1,2: 0-0, 1, 0;"},
            {"0,1,2: 0-0, 0, 0;", "0: 6-63, 0, 0;", "1: 1-63, 0, 0;", "2: 1-63, 0, 2;"},
            {"0,1,2: 0-0, 0, 0;"},
            // complete: no smoothing
            {"0,1,2: 0-0, 0, 0;", "0: 1-5, 0, 0;", "1: 1-63, 0, 0;", "2: 1-63, 0, 0;"},
            {"0,1,2: 0-0, 0, 1;", "0: 1-63, 0, 0;", "1: 1-63, 0, 0;", "2: 1-63, 0, 0;"}};
        byte[] ppm = pnm(picture(120, 90, BufferedImage.TYPE_3BYTE_BGR), false);
        for (int i = 0; i < scripts.length; i++) {
            Path script = dir.resolve("scans.txt");
            Files.writeString(script, String.join("\n", scripts[i]) + "\n");
            for (String sampling : List.of("1x1", "2x2")) {
                byte[] jpeg = cjpeg(dir, ppm, List.of("-sample", sampling, "-scans", script.toString()));
                String what = "cjpeg -sample " + sampling + " -scans " + String.join(" ", scripts[i]);
                if (!turbo || i >= 3) {
                    assertSameAsImageIo(jpeg, what);
                } else {
                    assertEquals(120 * 90 * 3, JpegDecoder.decode(jpeg, what).rgb().length, what);
                }
            }
        }
    }

    // ---- broken and hostile input

    private static ImageFormatException rejected(byte[] data, String fragment) {
        ImageFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ImageFormatException.class, () -> JpegDecoder.decode(data, "bad.jpg")));
        assertTrue(e.getMessage().startsWith("bad.jpg: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void everyTruncationIsRefused() throws IOException {
        BufferedImage image = picture(40, 24, BufferedImage.TYPE_3BYTE_BGR);
        byte[] baseline = writeWithImageIo(image, 0.9f, false);
        byte[] progressive = writeWithImageIo(image, 0.9f, true);
        for (byte[] jpeg : List.of(baseline, progressive)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int length = 0; length < jpeg.length; length++) {
                    byte[] prefix = Arrays.copyOf(jpeg, length);
                    ImageFormatException e = assertThrows(ImageFormatException.class,
                            () -> JpegDecoder.decode(prefix, "cut.jpg"), "prefix of " + length + " bytes");
                    assertTrue(e.getMessage().startsWith("cut.jpg: "), e.getMessage());
                }
            });
        }
    }

    @Test
    void randomCorruptionGivesAnImageOrImageFormatException() throws IOException {
        BufferedImage image = picture(48, 32, BufferedImage.TYPE_3BYTE_BGR);
        List<byte[]> seeds = List.of(writeWithImageIo(image, 0.8f, false), writeWithImageIo(image, 0.8f, true));
        Random random = new Random(13);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int refused = 0;
            for (byte[] seed : seeds) {
                for (int round = 0; round < 3000; round++) {
                    byte[] data = seed.clone();
                    for (int k = 1 + random.nextInt(6); k > 0; k--) {
                        data[2 + random.nextInt(data.length - 2)] = (byte) random.nextInt(256);
                    }
                    try {
                        RgbImage img = JpegDecoder.decode(data, "fuzz.jpg");
                        assertEquals(img.width() * img.height() * 3, img.rgb().length);
                    } catch (ImageFormatException e) {
                        assertTrue(e.getMessage().startsWith("fuzz.jpg: "), e.getMessage());
                        refused++;
                    }
                }
            }
            assertTrue(refused > 1000, "only " + refused + " of 6000 corrupted files were refused");
        });
    }

    /** Bytes from ints, for hand-made headers. */
    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** SOI, then a frame header of the given marker, precision, size and components (id, sampling, table). */
    private static byte[] frame(int marker, int precision, int w, int h, int... components) {
        int n = components.length / 3;
        byte[] head = bytes(0xFF, 0xD8, 0xFF, marker, 0, 8 + 3 * n, precision, h >> 8, h & 0xFF, w >> 8, w & 0xFF, n);
        byte[] comps = new byte[components.length];
        for (int i = 0; i < comps.length; i++) {
            comps[i] = (byte) components[i];
        }
        return concat(head, comps);
    }

    private static final byte[] EOI = bytes(0xFF, 0xD9);
    /** A quantization table of ones, table 0. */
    private static final byte[] DQT = concat(bytes(0xFF, 0xDB, 0, 67, 0), filled(64, 1));
    /** DC table 0 and AC table 0, each with one 1-bit code for symbol 0 (DC: no difference; AC: end of block). */
    private static final byte[] DHT = concat(
            bytes(0xFF, 0xC4, 0, 2 + 2 * 18, 0x00, 1), filled(15, 0), bytes(0),
            bytes(0x10, 1), filled(15, 0), bytes(0));

    private static byte[] filled(int n, int value) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) value);
        return out;
    }

    /** A scan header for the given component ids (tables 0/0), spectral selection and approximation, then 1 data byte. */
    private static byte[] scan(int ss, int se, int ah, int al, int... ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(0xFF, 0xDA, 0, 6 + 2 * ids.length, ids.length));
        for (int id : ids) {
            out.writeBytes(bytes(id, 0x00));
        }
        out.writeBytes(bytes(ss, se, ah << 4 | al, 0x00));
        return out.toByteArray();
    }

    @Test
    void handMadeMinimalFilesDecode() throws IOException {
        // The helpers below must make valid files, or the hostile variants would prove nothing.
        byte[] grey = concat(frame(0xC0, 8, 8, 8, 1, 0x11, 0), DQT, DHT, scan(0, 63, 0, 0, 1), EOI);
        assertSameAsImageIo(grey, "hand-made 8x8 grey baseline");
        byte[] progressive = concat(frame(0xC2, 8, 8, 8, 1, 0x11, 0), DQT, DHT, scan(0, 0, 0, 0, 1),
                scan(1, 63, 0, 0, 1), EOI);
        assertSameAsImageIo(progressive, "hand-made 8x8 grey progressive");
    }

    @Test
    void hostileHeadersAreRefused() {
        rejected(concat(frame(0xC0, 8, 60000, 60000, 1, 0x11, 0), DQT, DHT, scan(0, 63, 0, 0, 1), EOI),
                "JPEG image is 60000x60000, more than the limit of 100000000 pixels");
        rejected(concat(frame(0xC0, 8, 0, 8, 1, 0x11, 0), EOI), "invalid dimensions 0x8");
        // 9000 x 9000 is within the pixel limit but needs ~1.3 million blocks: this file is far too short.
        rejected(concat(frame(0xC0, 8, 9000, 9000, 1, 0x11, 0), DQT, DHT, scan(0, 63, 0, 0, 1), EOI),
                "truncated JPEG: 9000x9000 needs");
        rejected(concat(frame(0xC0, 8, 8, 8, 1, 0x51, 0), EOI), "sampling 5x1");
        rejected(concat(frame(0xC0, 8, 8, 8, 1, 0x11, 0), DQT, scan(0, 63, 0, 0, 1), EOI),
                "undefined Huffman table");
        rejected(concat(frame(0xC0, 8, 8, 8, 1, 0x11, 0), DHT, scan(0, 63, 0, 0, 1), EOI),
                "quantization table 0 is not defined");
        // Three 1-bit codes cannot exist.
        byte[] overfull = concat(bytes(0xFF, 0xC4, 0, 2 + 17 + 3, 0x00, 3), filled(15, 0), bytes(0, 1, 2));
        rejected(concat(frame(0xC0, 8, 8, 8, 1, 0x11, 0), DQT, overfull, scan(0, 63, 0, 0, 1), EOI),
                "bad Huffman table");
        rejected(concat(frame(0xC0, 8, 8, 8, 1, 0x11, 0), DQT, DHT, scan(0, 63, 0, 0, 7), EOI),
                "component 7, which the frame lacks");
        rejected(concat(frame(0xC2, 8, 8, 8, 1, 0x11, 0), DQT, DHT, scan(1, 63, 0, 0, 1), EOI),
                "AC scan of component 1 before its DC scan");
    }

    @Test
    void unsupportedProcessesAreNamed() {
        rejected(frame(0xC0, 12, 8, 8, 1, 0x11, 0), "12-bit JPEG is not supported");
        rejected(frame(0xC3, 8, 8, 8, 1, 0x11, 0), "lossless JPEG (SOF3) is not supported");
        rejected(frame(0xC9, 8, 8, 8, 1, 0x11, 0), "arithmetic-coded JPEG");
        rejected(frame(0xC5, 8, 8, 8, 1, 0x11, 0), "hierarchical");
        rejected(frame(0xC0, 8, 8, 8, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0),
                "4-component (CMYK/YCCK) JPEG is not supported");
        rejected(frame(0xC0, 8, 8, 8, 1, 0x22, 0, 2, 0x32, 0, 3, 0x11, 0), "fractional chroma sampling");
    }

    @Test
    void thousandsOfScansAreRefusedQuickly() {
        // A valid order of scans for one 8x8 grey block: DC, 13 DC refinements, then every AC coefficient
        // on its own with 13 refinements: 896 scans, far more work per block than any real file asks.
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(concat(frame(0xC2, 8, 8, 8, 1, 0x11, 0), DQT, DHT, scan(0, 0, 0, 13, 1)));
        for (int ah = 13; ah > 0; ah--) {
            file.writeBytes(scan(0, 0, ah, ah - 1, 1));
        }
        for (int k = 1; k < 64; k++) {
            file.writeBytes(scan(k, k, 0, 13, 1));
            for (int ah = 13; ah > 0; ah--) {
                file.writeBytes(scan(k, k, ah, ah - 1, 1));
            }
        }
        file.writeBytes(EOI);
        long start = System.nanoTime();
        rejected(file.toByteArray(), "JPEG scans visit more than 128 times the image's blocks");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2000, "took " + millis + " ms"); // a few ms on an idle machine
    }
}
