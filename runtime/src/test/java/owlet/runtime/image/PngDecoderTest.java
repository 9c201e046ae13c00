package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static owlet.runtime.image.PngFiles.chunk;
import static owlet.runtime.image.PngFiles.file;
import static owlet.runtime.image.PngFiles.ihdr;
import static owlet.runtime.image.PngFiles.zlib;
import static owlet.runtime.image.TestImages.assertRejected;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PngDecoder against javax.imageio (through ImageIoDecoder, the path the reference preprocessing
 * uses) for every colour type, bit depth and interlace method, and against hostile files.
 */
class PngDecoderTest {
    /** Colour type, bit depth pairs the PNG specification allows. */
    private static final int[][] LAYOUTS = {
        {0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1}, {3, 2}, {3, 4}, {3, 8},
        {4, 8}, {4, 16}, {6, 8}, {6, 16}
    };
    private static final int[][] SIZES = {{1, 1}, {2, 3}, {5, 1}, {7, 5}, {9, 17}, {33, 20}};

    /** Decodes with ImageIO and with PngDecoder and asserts equal bytes. */
    private static void assertSameAsImageIo(byte[] png, String what) throws ImageFormatException {
        RgbImage expected = ImageIoDecoder.decode(png, what);
        RgbImage actual = Images.decode(png, what);
        assertEquals(expected.width(), actual.width(), what);
        assertEquals(expected.height(), actual.height(), what);
        byte[] e = expected.rgb();
        byte[] a = actual.rgb();
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                fail(what + ": first difference at pixel " + i / 3 + " channel " + i % 3 + ": ImageIO "
                        + (e[i] & 0xFF) + ", PngDecoder " + (a[i] & 0xFF));
            }
        }
    }

    private static int[] randomSamples(Random random, int count, int max) {
        int[] s = new int[count];
        for (int i = 0; i < count; i++) {
            s[i] = random.nextInt(max + 1);
        }
        return s;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void everyLayoutMatchesImageIo() throws ImageFormatException {
        Random random = new Random(1);
        int files = 0;
        for (int[] layout : LAYOUTS) {
            int colourType = layout[0];
            int depth = layout[1];
            for (int[] size : SIZES) {
                for (boolean interlaced : new boolean[] {false, true}) {
                    for (boolean withTrns : new boolean[] {false, true}) {
                        if (withTrns && (colourType == 4 || colourType == 6)) {
                            continue; // not allowed with an alpha channel
                        }
                        int w = size[0];
                        int h = size[1];
                        int max = (1 << depth) - 1;
                        byte[] plte = null;
                        byte[] trns = null;
                        if (colourType == 3) {
                            int entries = 1 + random.nextInt(max + 1);
                            plte = randomBytes(random, 3 * entries);
                            max = entries - 1;
                            if (withTrns) {
                                trns = randomBytes(random, random.nextInt(entries + 1));
                            }
                        } else if (withTrns) {
                            trns = new byte[colourType == 0 ? 2 : 6];
                            for (int i = 0; i < trns.length; i += 2) {
                                int v = random.nextInt(max + 1);
                                trns[i] = (byte) (v >> 8);
                                trns[i + 1] = (byte) v;
                            }
                        }
                        int[] samples = randomSamples(random, w * h * PngFiles.channels(colourType), max);
                        byte[] png = PngFiles.png(w, h, depth, colourType, interlaced, samples, plte, trns,
                                random);
                        assertSameAsImageIo(png, "colour type " + colourType + ", " + depth + " bits, " + w
                                + "x" + h + (interlaced ? ", interlaced" : "") + (withTrns ? ", tRNS" : ""));
                        files++;
                    }
                }
            }
        }
        assertEquals(2 * SIZES.length * (2 * LAYOUTS.length - 4), files);
    }

    @Test
    void everySampleValueMatchesImageIo() throws ImageFormatException {
        // 256 x 256 pixels hold each 16-bit value once; the 8-bit layouts repeat each value 256 times.
        int[] ramp = new int[65536];
        Arrays.setAll(ramp, i -> i);
        int[] rgb16 = new int[65536 * 3];
        int[] grey8 = new int[65536];
        int[] greyAlpha8 = new int[65536 * 2];
        int[] greyAlpha16 = new int[65536 * 2];
        for (int i = 0; i < 65536; i++) {
            rgb16[3 * i] = i;
            rgb16[3 * i + 1] = 65535 - i;
            rgb16[3 * i + 2] = (i * 7919) & 0xFFFF;
            grey8[i] = i & 0xFF;
            greyAlpha8[2 * i] = i & 0xFF;
            greyAlpha8[2 * i + 1] = i >> 8;
            greyAlpha16[2 * i] = i;
            greyAlpha16[2 * i + 1] = 65535 - i;
        }
        Random random = new Random(2);
        assertSameAsImageIo(PngFiles.png(256, 256, 16, 0, false, ramp, null, null, random), "grey 16");
        assertSameAsImageIo(PngFiles.png(256, 256, 16, 0, false, ramp, null, new byte[] {0, 5}, random),
                "grey 16, tRNS");
        assertSameAsImageIo(PngFiles.png(256, 256, 8, 0, false, grey8, null, new byte[] {0, 5}, random),
                "grey 8, tRNS");
        assertSameAsImageIo(PngFiles.png(256, 256, 16, 2, false, rgb16, null, null, random), "RGB 16");
        assertSameAsImageIo(PngFiles.png(256, 256, 8, 4, false, greyAlpha8, null, null, random), "grey+alpha 8");
        assertSameAsImageIo(PngFiles.png(256, 256, 16, 4, false, greyAlpha16, null, null, random),
                "grey+alpha 16");
    }

    @Test
    void eachFilterTypeAloneDecodes() throws ImageFormatException {
        Random random = new Random(3);
        int w = 31;
        int h = 9;
        for (int[] layout : new int[][] {{2, 8}, {6, 16}, {0, 2}, {4, 8}}) {
            int[] samples = randomSamples(random, w * h * PngFiles.channels(layout[0]), (1 << layout[1]) - 1);
            for (int filter = 0; filter < 5; filter++) {
                for (boolean interlaced : new boolean[] {false, true}) {
                    byte[] rows = PngFiles.filteredRows(w, h, layout[1], layout[0], interlaced, samples, filter,
                            null);
                    byte[] png = file(ihdr(w, h, layout[1], layout[0], interlaced ? 1 : 0),
                            chunk("IDAT", zlib(rows)), chunk("IEND", new byte[0]));
                    assertSameAsImageIo(png, "layout " + Arrays.toString(layout) + ", filter " + filter);
                }
            }
        }
    }

    @Test
    void imageDataSplitOverManyIdatChunksAndAncillaryChunksAreSkipped() throws ImageFormatException {
        Random random = new Random(4);
        int[] samples = randomSamples(random, 20 * 10 * 3, 255);
        byte[] z = zlib(PngFiles.filteredRows(20, 10, 8, 2, false, samples, -1, random));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(file(ihdr(20, 10, 8, 2, 0), chunk("tEXt", TestImages.ascii("Comment\0hi")),
                chunk("gAMA", new byte[] {0, 0, (byte) 0xB1, (byte) 0x8F}), chunk("IDAT", new byte[0])));
        for (int i = 0; i < z.length; i += 7) {
            out.writeBytes(chunk("IDAT", Arrays.copyOfRange(z, i, Math.min(z.length, i + 7))));
        }
        out.writeBytes(chunk("zzZz", new byte[] {1, 2, 3}));
        out.writeBytes(chunk("IEND", new byte[0]));
        out.writeBytes(TestImages.ascii("trailing bytes after IEND are ignored"));
        byte[] png = out.toByteArray();
        byte[] expected = new byte[20 * 10 * 3];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) samples[i];
        }
        assertArrayEquals(expected, Images.decode(png, "t.png").rgb());
    }

    private static byte[] rgbPng(int w, int h, long seed) {
        Random random = new Random(seed);
        return PngFiles.png(w, h, 8, 2, false, randomSamples(random, w * h * 3, 255), null, null, random);
    }

    @Test
    void badChunksAreNamed() {
        byte[] png = rgbPng(4, 3, 5);
        byte[] badCrc = png.clone();
        badCrc[8 + 8 + 2]++; // inside IHDR's width
        assertRejected(badCrc, "PNG IHDR chunk at byte 8 fails its CRC check");
        byte[] badIdatCrc = png.clone();
        badIdatCrc[badIdatCrc.length - 12 - 5]++; // IDAT's last CRC byte
        assertRejected(badIdatCrc, "PNG IDAT chunk at byte 33 fails its CRC check");
        byte[] idat = chunk("IDAT", zlib(new byte[3 * 13]));
        byte[] iend = chunk("IEND", new byte[0]);
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("ABCD", new byte[2]), idat, iend),
                "unknown critical chunk ABCD at byte 33");
        assertRejected(file(ihdr(4, 3, 8, 2, 0), idat), "truncated PNG: file ends at byte");
        assertRejected(file(ihdr(4, 3, 8, 2, 0), iend), "no IDAT chunk");
        assertRejected(file(chunk("IDAT", new byte[0]), ihdr(4, 3, 8, 2, 0), idat, iend),
                "must start with an IHDR chunk, found IDAT");
        assertRejected(file(ihdr(4, 3, 8, 2, 0), idat, chunk("tEXt", new byte[1]), idat, iend),
                "IDAT chunks must be consecutive");
        assertRejected(file(ihdr(4, 3, 8, 3, 0), idat, iend), "palette image has no PLTE chunk");
        assertRejected(file(ihdr(4, 3, 8, 6, 0), chunk("tRNS", new byte[6]), idat, iend),
                "tRNS chunk of 6 bytes is invalid for colour type 6");
        assertRejected(file(ihdr(4, 3, 8, 3, 0), chunk("tRNS", new byte[1]), chunk("PLTE", new byte[3]), idat,
                iend), "tRNS chunk comes before the PLTE chunk");
        assertRejected(file(ihdr(4, 3, 1, 3, 0), chunk("PLTE", new byte[9]), idat, iend),
                "PLTE chunk has length 9; expected 3 bytes for each of 1 to 2 entries");
        byte[] badType = file(ihdr(4, 3, 8, 2, 0), chunk("ID#T", new byte[0]), idat, iend);
        assertRejected(badType, "PNG chunk at byte 33 has an invalid type 0x49442354");
        byte[] notPng = png.clone();
        notPng[5] = 'x';
        assertRejected(notPng, "not a PNG file (bad signature)");
    }

    @Test
    void badHeadersAreRefused() {
        byte[] idat = chunk("IDAT", zlib(new byte[13]));
        byte[] iend = chunk("IEND", new byte[0]);
        String[][] cases = {
            {"8,2,1,0,0", "compression method 1 is unknown"},
            {"8,2,0,1,0", "filter method 1 is unknown"},
            {"8,2,0,0,2", "interlace method 2 is unknown"},
            {"4,2,0,0,0", "bit depth 4 is invalid for colour type 2"},
            {"16,3,0,0,0", "bit depth 16 is invalid for colour type 3"},
            {"3,0,0,0,0", "bit depth 3 is invalid for colour type 0"},
            {"8,5,0,0,0", "colour type 5 is invalid"},
        };
        for (String[] c : cases) {
            int[] f = Arrays.stream(c[0].split(",")).mapToInt(Integer::parseInt).toArray();
            byte[] body = ByteBuffer.allocate(13).putInt(4).putInt(3).put((byte) f[0]).put((byte) f[1])
                    .put((byte) f[2]).put((byte) f[3]).put((byte) f[4]).array();
            assertRejected(file(chunk("IHDR", body), idat, iend), c[1]);
        }
        assertRejected(file(chunk("IHDR", new byte[12]), idat, iend), "IHDR chunk has length 12, expected 13");
        assertRejected(file(ihdr(0, 3, 8, 2, 0), idat, iend), "PNG header gives invalid dimensions 0x3");
        assertRejected(file(ihdr(-1, 3, 8, 2, 0), idat, iend), "invalid dimensions 4294967295x3");
        assertRejected(file(ihdr(20_000, 20_000, 8, 2, 0), idat, iend),
                "PNG image is 20000x20000, more than the limit of 100000000 pixels");
    }

    @Test
    void badImageDataIsNamed() {
        int[] samples = new int[4 * 3 * 3];
        byte[] rows = PngFiles.filteredRows(4, 3, 8, 2, false, samples, 0, null);
        byte[] iend = chunk("IEND", new byte[0]);
        byte[] bad = rows.clone();
        bad[13] = 5; // second row's filter byte
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("IDAT", zlib(bad)), iend),
                "PNG row 1 has invalid filter type 5 (0 to 4)");
        byte[] badInterlaced = PngFiles.filteredRows(4, 3, 8, 2, true, samples, 0, null);
        badInterlaced[badInterlaced.length - 13] = (byte) 200; // pass 7's only row: 1 + 4 * 3 bytes
        assertRejected(file(ihdr(4, 3, 8, 2, 1), chunk("IDAT", zlib(badInterlaced)), iend),
                "PNG row 1 (Adam7 pass 7) has invalid filter type 200");
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("IDAT", zlib(Arrays.copyOf(rows, 38))), iend),
                "PNG image data ends after 38 of the 39 bytes a 4x3 8-bit RGB image needs");
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("IDAT", zlib(Arrays.copyOf(rows, 40))), iend),
                "PNG image data inflates to more than the 39 bytes");
        byte[] z = zlib(rows);
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("IDAT", Arrays.copyOf(z, z.length + 3)), iend),
                "3 bytes of IDAT data after the end of its zlib stream");
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("IDAT", Arrays.copyOf(z, z.length - 4)), iend),
                "the zlib stream has no end");
        byte[] badAdler = z.clone();
        badAdler[badAdler.length - 1]++;
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("IDAT", badAdler), iend), "incorrect data check");
        assertRejected(file(ihdr(4, 3, 8, 2, 0), chunk("IDAT", new byte[] {1, 2, 3, 4}), iend),
                "corrupt PNG image data after 0 inflated bytes (zlib:");
        // 2-bit palette of 3 colours; one pixel uses index 3.
        int[] indices = {0, 1, 2, 1, 2, 0, 3, 0};
        byte[] palette = PngFiles.png(4, 2, 2, 3, false, indices, new byte[9], null, new Random(6));
        assertRejected(palette, "PNG pixel (2, 1) has palette index 3, but the PLTE chunk has only 3 entries");
    }

    @Test
    void everyTruncationIsRefused() {
        for (byte[] png : List.of(rgbPng(5, 4, 7),
                PngFiles.png(9, 7, 2, 3, true, randomSamples(new Random(8), 63, 2), new byte[9], new byte[2],
                        new Random(9)))) {
            for (int len = 1; len < png.length; len++) {
                byte[] prefix = Arrays.copyOf(png, len);
                assertRejected(prefix, len < 8 ? "PNG" : "truncated PNG");
            }
        }
    }

    @Test
    void randomCorruptionOnlyEverGivesImageFormatException() {
        Random random = new Random(10);
        List<byte[]> seeds = List.of(rgbPng(16, 16, 11),
                PngFiles.png(13, 11, 16, 6, true, randomSamples(random, 13 * 11 * 4, 65535), null, null, random),
                PngFiles.png(12, 9, 4, 3, false, randomSamples(random, 12 * 9, 15), randomBytes(random, 48),
                        randomBytes(random, 10), random),
                PngFiles.png(12, 9, 1, 0, true, randomSamples(random, 12 * 9, 1), null, new byte[2], random));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int decoded = 0;
            int rejected = 0;
            for (byte[] seed : seeds) {
                for (int round = 0; round < 2000; round++) {
                    byte[] data = seed.clone();
                    for (int k = 1 + random.nextInt(4); k > 0; k--) {
                        data[8 + random.nextInt(data.length - 8)] = (byte) random.nextInt(256);
                    }
                    if (random.nextBoolean()) {
                        PngFiles.fixCrcs(data); // get past the CRC check into the chunk and image data
                    }
                    try {
                        RgbImage img = Images.decode(data, "fuzz");
                        assertEquals(img.width() * img.height() * 3, img.rgb().length);
                        decoded++;
                    } catch (ImageFormatException expected) {
                        assertTrue(expected.getMessage().startsWith("fuzz: PNG")
                                || expected.getMessage().startsWith("fuzz: truncated PNG")
                                || expected.getMessage().startsWith("fuzz: corrupt PNG"), expected.getMessage());
                        rejected++;
                    }
                }
            }
            assertTrue(rejected > 4000, "rejected " + rejected + ", decoded " + decoded);
        });
    }

    /** Asserts that decoding is refused with {@code fragment} within {@code millis}. */
    private static void assertRejectedWithin(long millis, byte[] data, String fragment) {
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofMillis(millis), () -> assertRejected(data, fragment));
        System.out.printf("refused in %.1f ms: %s%n", (System.nanoTime() - start) / 1e6, fragment);
    }

    @Test
    void bombsAreRefusedQuickly() {
        byte[] iend = chunk("IEND", new byte[0]);
        byte[] zeros = zlib(new byte[16 << 20]); // 16 MB in about 16 KB
        assertTrue(zeros.length < 20_000, "bomb is " + zeros.length + " bytes");
        // 1x1 RGB whose zlib data inflates to 16 MB: inflating stops after the 4 bytes it may hold.
        assertRejectedWithin(500, file(ihdr(1, 1, 8, 2, 0), chunk("IDAT", zeros), iend),
                "PNG image data inflates to more than the 4 bytes a 1x1 8-bit RGB image needs");
        // The largest size allowed, 16-bit RGBA, with a few bytes of data: refused before allocating.
        assertRejectedWithin(500, file(ihdr(10_000, 10_000, 16, 6, 0), chunk("IDAT", zlib(new byte[1000])), iend),
                "cannot inflate to the 800010000 bytes a 10000x10000 16-bit RGBA image needs");
        // The same, interlaced, with the 16 MB bomb: still far fewer bytes than 800 MB needs.
        assertRejectedWithin(500, file(ihdr(10_000, 10_000, 16, 6, 1), chunk("IDAT", zeros), iend),
                "cannot inflate to the 800018750 bytes");
        // Far more IDAT than even stored blocks need.
        assertRejectedWithin(500, file(ihdr(1, 1, 8, 0, 0), chunk("IDAT", new byte[100_000]), iend),
                "100000 bytes of image data, far more than the 2 bytes");
        // Grey pixels needing 16797700 bytes, data that really inflates to 16 MB and then runs out:
        // the only case that does real work, bounded by the size of the image.
        assertRejectedWithin(3000, file(ihdr(4096, 4100, 8, 0, 0), chunk("IDAT", zeros), iend),
                "PNG image data ends after 16777216 of the 16797700 bytes");
    }
}
