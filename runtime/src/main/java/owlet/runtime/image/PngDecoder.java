package owlet.runtime.image;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * PNG with java.base alone: every colour type and bit depth, both interlace methods, all five row
 * filters. Every chunk's CRC is checked; ancillary chunks are skipped, unknown critical ones refused.
 *
 * <p>Samples become RGB exactly as {@link ImageIoDecoder} turns {@code javax.imageio}'s result into
 * RGB (shared/reference/README.md step 1), so both give the same bytes:
 * <ul>
 *   <li>8-bit RGB and RGBA: samples as stored, alpha ignored; 16-bit: {@code (v * 255 + 32767) / 65535}
 *       (ImageIO's getRGB on a 16-bit sRGB raster);
 *   <li>palette: the PLTE colour, alpha ignored; an index past the PLTE's last entry is an error;
 *   <li>grey of 1, 2 or 4 bits: scaled to 0..255 ({@code v * 255 / (2^depth - 1)}); 8 bits: as stored;
 *   <li>grey with a tRNS chunk, grey + alpha, and 16-bit grey: ImageIO makes a linear-grey raster and
 *       getRGB maps it through the sRGB transfer curve ({@link SrgbCurve}).
 * </ul>
 *
 * <p>Hostile input: the size limit is checked from IHDR before anything is allocated; the zlib data
 * must inflate to exactly the size of the filtered rows the header implies (more is an error, and
 * inflating stops there), and IDAT data too short to possibly inflate that far is refused before
 * any pixel memory is allocated.
 */
final class PngDecoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IHDR = 0x49484452;
    private static final int PLTE = 0x504C5445;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;
    private static final int TRNS = 0x74524E53;

    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int PALETTE = 3;
    private static final int GREY_ALPHA = 4;
    private static final int RGBA = 6;

    /** Deflate's best ratio: a 258-byte match coded in 2 bits gives 1032 output bytes per input byte. */
    private static final long MAX_INFLATE_RATIO = 1032;
    /** More chunks than this is not an image but an attack on the chunk loop. */
    private static final int MAX_CHUNKS = 1 << 20;

    // Adam7: first column and row of each pass, and the steps between them.
    private static final int[] PASS_X0 = {0, 4, 0, 2, 0, 1, 0};
    private static final int[] PASS_Y0 = {0, 0, 4, 0, 2, 0, 1};
    private static final int[] PASS_DX = {8, 8, 4, 4, 2, 2, 1};
    private static final int[] PASS_DY = {8, 8, 8, 4, 4, 2, 2};

    private final byte[] data;
    private final String name;
    private int width;
    private int height;
    private int bitDepth;
    private int colourType;
    private boolean interlaced;
    private int bitsPerPixel;
    private byte[] palette; // R, G, B per entry
    private boolean transparency;
    private byte[] greyMap; // built on first use
    private int[] idatStart = new int[8];
    private int[] idatLength = new int[8];
    private int idatCount;
    private long idatBytes;

    private Inflater inflater;
    private int nextIdat;
    private long inflated;
    private long expected;

    private PngDecoder(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    static RgbImage decode(byte[] data, String name) throws ImageFormatException {
        return new PngDecoder(data, name).decode();
    }

    private RgbImage decode() throws ImageFormatException {
        if (data.length < SIGNATURE.length || !Arrays.equals(data, 0, 8, SIGNATURE, 0, 8)) {
            throw error(data.length < SIGNATURE.length && Arrays.equals(data, 0, data.length, SIGNATURE, 0,
                    data.length) ? "truncated PNG: file ends inside the signature"
                            : "not a PNG file (bad signature)");
        }
        readChunks();
        expected = filteredSize();
        if (idatBytes * MAX_INFLATE_RATIO + 1024 < expected) {
            throw error("PNG image data of " + idatBytes + " bytes cannot inflate to the " + expected
                    + " bytes a " + describe() + " needs (truncated or forged)");
        }
        if (idatBytes > expected + expected / 4 + 65536) {
            throw error("PNG holds " + idatBytes + " bytes of image data, far more than the " + expected
                    + " bytes a " + describe() + " needs uncompressed");
        }
        int rowBytes = rowBytes(width);
        long needed = (long) width * height * 3 + 2L * (rowBytes + 1);
        if (needed > Runtime.getRuntime().maxMemory()) {
            throw error("PNG image " + describe() + " needs " + needed + " bytes, more than this JVM's"
                    + " maximum heap (" + Runtime.getRuntime().maxMemory() + ")");
        }
        inflater = new Inflater();
        try {
            byte[] rgb = new byte[width * height * 3]; // <= MAX_PIXELS * 3, checked from IHDR
            if (!interlaced && colourType == RGB && bitDepth == 8) {
                decodeRgb8(rgb);
            } else {
                byte[] cur = new byte[rowBytes + 1];
                byte[] prev = new byte[rowBytes + 1];
                for (int pass = firstPass(); pass < 7; pass++) {
                    decodePass(rgb, pass, cur, prev);
                }
            }
            checkEndOfData();
            return new RgbImage(width, height, rgb);
        } catch (OutOfMemoryError e) {
            throw new ImageFormatException(name + ": PNG image " + describe() + " does not fit in memory", e);
        } finally {
            inflater.end();
        }
    }

    // ---- chunks

    private void readChunks() throws ImageFormatException {
        CRC32 crc = new CRC32();
        int pos = SIGNATURE.length;
        int chunks = 0;
        boolean idatEnded = false;
        boolean trnsSeen = false;
        while (true) {
            if (data.length - pos < 12) {
                throw error("truncated PNG: file ends " + (chunks == 0 ? "before the IHDR chunk"
                        : "at byte " + data.length + ", before the IEND chunk"));
            }
            long length = u32(pos);
            int type = s32(pos + 4);
            String typeName = typeName(type);
            if (typeName.startsWith("0x")) {
                throw error("PNG chunk at byte " + pos + " has an invalid type " + typeName
                        + " (corrupt file)");
            }
            if (length > data.length - pos - 12) {
                throw error("truncated PNG: file ends inside the " + typeName + " chunk at byte " + pos
                        + " (declared length " + length + ")");
            }
            int body = pos + 8;
            int len = (int) length;
            crc.reset();
            crc.update(data, pos + 4, len + 4);
            if (crc.getValue() != u32(body + len)) {
                throw error("PNG " + typeName + " chunk at byte " + pos + " fails its CRC check (corrupt file)");
            }
            if (++chunks > MAX_CHUNKS) {
                throw error("PNG has more than " + MAX_CHUNKS + " chunks");
            }
            if (chunks == 1 && type != IHDR) {
                throw error("PNG must start with an IHDR chunk, found " + typeName);
            }
            if (idatCount > 0 && type != IDAT) {
                idatEnded = true;
            }
            switch (type) {
                case IHDR -> {
                    if (chunks != 1) {
                        throw error("PNG has a second IHDR chunk at byte " + pos);
                    }
                    readHeader(body, len);
                }
                case PLTE -> {
                    if (palette != null || idatCount > 0 || trnsSeen) {
                        throw error("PNG PLTE chunk at byte " + pos + " is a duplicate or comes after"
                                + " tRNS or IDAT");
                    }
                    readPalette(body, len);
                }
                case TRNS -> {
                    if (trnsSeen || idatCount > 0) {
                        throw error("PNG tRNS chunk at byte " + pos + " is a duplicate or comes after IDAT");
                    }
                    trnsSeen = true;
                    readTransparency(body, len);
                }
                case IDAT -> {
                    if (idatEnded) {
                        throw error("PNG IDAT chunk at byte " + pos + " does not follow the previous IDAT"
                                + " chunk (IDAT chunks must be consecutive)");
                    }
                    addIdat(body, len);
                }
                case IEND -> {
                    if (colourType == PALETTE && palette == null) {
                        throw error("PNG palette image has no PLTE chunk");
                    }
                    if (idatCount == 0) {
                        throw error("PNG has no IDAT chunk (no image data)");
                    }
                    return; // anything after IEND is ignored
                }
                default -> {
                    if ((type & 0x20000000) == 0) { // first letter upper case: critical
                        throw error("PNG has an unknown critical chunk " + typeName + " at byte " + pos);
                    }
                }
            }
            pos = body + len + 4;
        }
    }

    private void readHeader(int at, int len) throws ImageFormatException {
        if (len != 13) {
            throw error("PNG IHDR chunk has length " + len + ", expected 13");
        }
        long w = u32(at);
        long h = u32(at + 4);
        bitDepth = data[at + 8] & 0xFF;
        colourType = data[at + 9] & 0xFF;
        int compression = data[at + 10] & 0xFF;
        int filter = data[at + 11] & 0xFF;
        int interlace = data[at + 12] & 0xFF;
        if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw error("PNG header gives invalid dimensions " + w + "x" + h);
        }
        Images.checkDimensions(name, "PNG", w, h);
        width = (int) w;
        height = (int) h;
        int channels;
        boolean depthOk;
        switch (colourType) {
            case GREY -> {
                channels = 1;
                depthOk = bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
            }
            case PALETTE -> {
                channels = 1;
                depthOk = bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
            }
            case RGB, GREY_ALPHA, RGBA -> {
                channels = colourType == RGB ? 3 : colourType == RGBA ? 4 : 2;
                depthOk = bitDepth == 8 || bitDepth == 16;
            }
            default -> throw error("PNG colour type " + colourType + " is invalid (0, 2, 3, 4 or 6)");
        }
        if (!depthOk) {
            throw error("PNG bit depth " + bitDepth + " is invalid for colour type " + colourType);
        }
        if (compression != 0) {
            throw error("PNG compression method " + compression + " is unknown (only 0, deflate)");
        }
        if (filter != 0) {
            throw error("PNG filter method " + filter + " is unknown (only 0)");
        }
        if (interlace > 1) {
            throw error("PNG interlace method " + interlace + " is unknown (0 none, 1 Adam7)");
        }
        interlaced = interlace == 1;
        bitsPerPixel = channels * bitDepth;
    }

    private void readPalette(int at, int len) throws ImageFormatException {
        if (colourType != PALETTE) {
            return; // a suggested palette for true-colour images, or one grey images may not have: unused
        }
        int entries = len / 3;
        if (len % 3 != 0 || entries == 0 || entries > 1 << bitDepth) {
            throw error("PNG PLTE chunk has length " + len + "; expected 3 bytes for each of 1 to "
                    + (1 << bitDepth) + " entries");
        }
        palette = Arrays.copyOfRange(data, at, at + len);
    }

    /** Only whether it is there matters: it changes how ImageIO delivers grey images. */
    private void readTransparency(int at, int len) throws ImageFormatException {
        int expectedLength = switch (colourType) {
            case GREY -> 2;
            case RGB -> 6;
            case PALETTE -> palette == null ? -1 : Math.min(len, palette.length / 3);
            default -> -2;
        };
        if (expectedLength == -1) {
            throw error("PNG tRNS chunk comes before the PLTE chunk");
        }
        if (len != expectedLength) {
            throw error("PNG tRNS chunk of " + len + " bytes is invalid for colour type " + colourType
                    + (colourType == PALETTE ? " with " + palette.length / 3 + " palette entries" : ""));
        }
        transparency = true;
    }

    private void addIdat(int at, int len) throws ImageFormatException {
        if (idatCount == idatStart.length) {
            idatStart = Arrays.copyOf(idatStart, idatCount * 2);
            idatLength = Arrays.copyOf(idatLength, idatCount * 2);
        }
        idatStart[idatCount] = at;
        idatLength[idatCount] = len;
        idatCount++;
        idatBytes += len;
    }

    // ---- image data

    /** Bytes of one filtered row of {@code pixels} pixels, without its filter-type byte. */
    private int rowBytes(int pixels) {
        return (int) (((long) pixels * bitsPerPixel + 7) / 8); // < 2^31: pixels <= MAX_PIXELS, <= 64 bits each
    }

    /** Size of all filtered rows, filter-type bytes included, i.e. of the inflated data. */
    private long filteredSize() {
        long size = 0;
        for (int pass = firstPass(); pass < 7; pass++) {
            long columns = passSize(width, PASS_X0[pass], PASS_DX[pass], pass);
            long rows = passSize(height, PASS_Y0[pass], PASS_DY[pass], pass);
            if (columns > 0 && rows > 0) {
                size += rows * (1 + rowBytes((int) columns));
            }
        }
        return size;
    }

    /**
     * Adam7's first pass, 0, or for a non-interlaced image 6: its one pass over every pixel, which
     * {@link #passSize} and {@link #decodePass} treat as a step of 1 from (0, 0).
     */
    private int firstPass() {
        return interlaced ? 0 : 6;
    }

    /** Number of columns (or rows) of {@code size} that a pass visits. */
    private int passSize(int size, int start, int step, int pass) {
        if (!interlaced) {
            return size;
        }
        return size > start ? (size - start + step - 1) / step : 0;
    }

    /** Non-interlaced 8-bit RGB: rows inflate straight into the output and are unfiltered there. */
    private void decodeRgb8(byte[] rgb) throws ImageFormatException {
        int stride = width * 3;
        byte[] filter = new byte[1];
        byte[] zeros = new byte[stride];
        for (int y = 0, at = 0; y < height; y++, at += stride) {
            inflate(filter, 0, 1);
            inflate(rgb, at, stride);
            unfilter(filter[0] & 0xFF, rgb, at, y == 0 ? zeros : rgb, y == 0 ? 0 : at - stride, stride, 3, y, 6);
        }
    }

    private void decodePass(byte[] rgb, int pass, byte[] cur, byte[] prev) throws ImageFormatException {
        int columns = passSize(width, PASS_X0[pass], PASS_DX[pass], pass);
        int rows = passSize(height, PASS_Y0[pass], PASS_DY[pass], pass);
        if (columns == 0 || rows == 0) {
            return;
        }
        int x0 = interlaced ? PASS_X0[pass] : 0;
        int dx = interlaced ? PASS_DX[pass] : 1;
        int y0 = interlaced ? PASS_Y0[pass] : 0;
        int dy = interlaced ? PASS_DY[pass] : 1;
        int bytes = rowBytes(columns);
        int bpp = Math.max(1, bitsPerPixel / 8);
        Arrays.fill(prev, 0, bytes + 1, (byte) 0);
        for (int r = 0; r < rows; r++) {
            inflate(cur, 0, bytes + 1);
            int y = y0 + r * dy;
            unfilter(cur[0] & 0xFF, cur, 1, prev, 1, bytes, bpp, y, pass);
            toRgb(cur, columns, rgb, y * width * 3, x0, dx, y);
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
    }

    /**
     * Undoes filter {@code type} on {@code row[at .. at+len)}, given the unfiltered previous row at
     * {@code prior[pat ..]} (zeros for a pass's first row) and {@code bpp} bytes per complete pixel.
     */
    private void unfilter(int type, byte[] row, int at, byte[] prior, int pat, int len, int bpp, int y, int pass)
            throws ImageFormatException {
        switch (type) {
            case 0 -> { }
            case 1 -> {
                for (int i = bpp; i < len; i++) {
                    row[at + i] += row[at + i - bpp];
                }
            }
            case 2 -> {
                for (int i = 0; i < len; i++) {
                    row[at + i] += prior[pat + i];
                }
            }
            case 3 -> {
                for (int i = 0; i < bpp; i++) {
                    row[at + i] += (prior[pat + i] & 0xFF) >> 1;
                }
                for (int i = bpp; i < len; i++) {
                    row[at + i] += ((row[at + i - bpp] & 0xFF) + (prior[pat + i] & 0xFF)) >> 1;
                }
            }
            case 4 -> {
                for (int i = 0; i < bpp; i++) {
                    row[at + i] += prior[pat + i];
                }
                for (int i = bpp; i < len; i++) {
                    row[at + i] += paeth(row[at + i - bpp] & 0xFF, prior[pat + i] & 0xFF,
                            prior[pat + i - bpp] & 0xFF);
                }
            }
            default -> throw error("PNG row " + y + (interlaced ? " (Adam7 pass " + (pass + 1) + ")" : "")
                    + " has invalid filter type " + type + " (0 to 4)");
        }
    }

    /** The Paeth predictor: whichever of left, above, upper-left is closest to left + above - upper-left. */
    static int paeth(int a, int b, int c) {
        int pa = Math.abs(b - c);
        int pb = Math.abs(a - c);
        int pc = Math.abs(a + b - 2 * c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /**
     * Writes the {@code columns} pixels of an unfiltered row (starting at {@code row[1]}) to output
     * pixels {@code x0, x0 + dx, ...} of the output row starting at {@code rgb[base]}.
     */
    private void toRgb(byte[] row, int columns, byte[] rgb, int base, int x0, int dx, int y)
            throws ImageFormatException {
        int o = base + 3 * x0;
        int step = 3 * dx;
        int i = 1;
        if (bitDepth == 16) {
            int channels = bitsPerPixel / 16;
            if (colourType == RGB || colourType == RGBA) {
                for (int k = 0; k < columns; k++, o += step, i += 2 * channels) {
                    rgb[o] = sixteenToEight(row, i);
                    rgb[o + 1] = sixteenToEight(row, i + 2);
                    rgb[o + 2] = sixteenToEight(row, i + 4);
                }
            } else { // grey or grey + alpha: through the sRGB curve
                byte[] curve = SrgbCurve.FROM_16_BITS;
                for (int k = 0; k < columns; k++, o += step, i += 2 * channels) {
                    byte v = curve[(row[i] & 0xFF) << 8 | row[i + 1] & 0xFF];
                    rgb[o] = v;
                    rgb[o + 1] = v;
                    rgb[o + 2] = v;
                }
            }
            return;
        }
        switch (colourType) {
            case RGB, RGBA -> {
                int channels = colourType == RGB ? 3 : 4;
                for (int k = 0; k < columns; k++, o += step, i += channels) {
                    rgb[o] = row[i];
                    rgb[o + 1] = row[i + 1];
                    rgb[o + 2] = row[i + 2];
                }
            }
            case GREY_ALPHA -> {
                byte[] curve = SrgbCurve.FROM_8_BITS;
                for (int k = 0; k < columns; k++, o += step, i += 2) {
                    byte v = curve[row[i] & 0xFF];
                    rgb[o] = v;
                    rgb[o + 1] = v;
                    rgb[o + 2] = v;
                }
            }
            case GREY -> {
                byte[] map = greyMap();
                if (bitDepth == 8) {
                    for (int k = 0; k < columns; k++, o += step, i++) {
                        byte v = map[row[i] & 0xFF];
                        rgb[o] = v;
                        rgb[o + 1] = v;
                        rgb[o + 2] = v;
                    }
                } else {
                    int mask = (1 << bitDepth) - 1;
                    for (int k = 0, bit = 0; k < columns; k++, o += step, bit += bitDepth) {
                        byte v = map[row[1 + (bit >> 3)] >> (8 - bitDepth - (bit & 7)) & mask];
                        rgb[o] = v;
                        rgb[o + 1] = v;
                        rgb[o + 2] = v;
                    }
                }
            }
            default -> { // PALETTE
                int entries = palette.length / 3;
                int mask = (1 << bitDepth) - 1;
                for (int k = 0, bit = 0; k < columns; k++, o += step, bit += bitDepth) {
                    int index = row[1 + (bit >> 3)] >> (8 - bitDepth - (bit & 7)) & mask;
                    if (index >= entries) {
                        throw error("PNG pixel (" + (x0 + k * dx) + ", " + y + ") has palette index " + index
                                + ", but the PLTE chunk has only " + entries + " entries");
                    }
                    rgb[o] = palette[3 * index];
                    rgb[o + 1] = palette[3 * index + 1];
                    rgb[o + 2] = palette[3 * index + 2];
                }
            }
        }
    }

    /** Grey sample (1 to 8 bits) to output byte: scaled to 8 bits, then through the curve with tRNS. */
    private byte[] greyMap() {
        if (greyMap == null) {
            int max = (1 << bitDepth) - 1;
            greyMap = new byte[max + 1];
            for (int v = 0; v <= max; v++) {
                int scaled = v * 255 / max;
                greyMap[v] = transparency ? SrgbCurve.FROM_8_BITS[scaled] : (byte) scaled;
            }
        }
        return greyMap;
    }

    /** A big-endian 16-bit sample to 8 bits, rounded to nearest: {@code (v * 255 + 32767) / 65535}. */
    private static byte sixteenToEight(byte[] row, int i) {
        int v = (row[i] & 0xFF) << 8 | row[i + 1] & 0xFF;
        return (byte) ((v * 255 + 32767) / 65535);
    }

    /** Fills {@code buf[off .. off+len)} with inflated data, feeding IDAT chunks as needed. */
    private void inflate(byte[] buf, int off, int len) throws ImageFormatException {
        while (len > 0) {
            int n;
            try {
                n = inflater.inflate(buf, off, len);
            } catch (DataFormatException e) {
                throw new ImageFormatException(name + ": corrupt PNG image data after " + inflated
                        + " inflated bytes (zlib: " + e.getMessage() + ")", e);
            }
            off += n;
            len -= n;
            inflated += n;
            if (n == 0) {
                if (inflater.finished()) {
                    throw error("PNG image data ends after " + inflated + " of the " + expected
                            + " bytes a " + describe() + " needs");
                } else if (inflater.needsDictionary()) {
                    throw error("PNG image data asks for a zlib preset dictionary, which PNG does not allow");
                } else if (inflater.needsInput()) {
                    feed();
                } else {
                    throw error("PNG image data: zlib made no progress after " + inflated + " bytes");
                }
            }
        }
    }

    private void feed() throws ImageFormatException {
        if (nextIdat == idatCount) {
            throw error("truncated PNG image data: the IDAT chunks end after " + inflated + " of the "
                    + expected + " bytes a " + describe() + " needs");
        }
        inflater.setInput(data, idatStart[nextIdat], idatLength[nextIdat]);
        nextIdat++;
    }

    /** All rows are read: the zlib stream must end here, checksum verified, with no data after it. */
    private void checkEndOfData() throws ImageFormatException {
        byte[] extra = new byte[1];
        while (!inflater.finished()) {
            int n;
            try {
                n = inflater.inflate(extra, 0, 1);
            } catch (DataFormatException e) {
                throw new ImageFormatException(name + ": corrupt PNG image data at its end (zlib: "
                        + e.getMessage() + ")", e);
            }
            if (n > 0) {
                throw error("PNG image data inflates to more than the " + expected + " bytes a "
                        + describe() + " needs");
            }
            if (inflater.needsDictionary()) {
                throw error("PNG image data asks for a zlib preset dictionary, which PNG does not allow");
            } else if (inflater.needsInput()) {
                if (nextIdat == idatCount) {
                    throw error("truncated PNG image data: the zlib stream has no end (checksum)");
                }
                feed();
            } else if (!inflater.finished()) {
                throw error("PNG image data: zlib made no progress at its end");
            }
        }
        long after = inflater.getRemaining();
        while (nextIdat < idatCount) {
            after += idatLength[nextIdat++];
        }
        if (after > 0) {
            throw error("PNG has " + after + " bytes of IDAT data after the end of its zlib stream");
        }
    }

    // ---- helpers

    private String describe() {
        return width + "x" + height + " " + bitDepth + "-bit " + switch (colourType) {
            case GREY -> "grey";
            case RGB -> "RGB";
            case PALETTE -> "palette";
            case GREY_ALPHA -> "grey+alpha";
            default -> "RGBA";
        } + (interlaced ? " interlaced" : "") + " image";
    }

    private ImageFormatException error(String message) {
        return new ImageFormatException(name + ": " + message);
    }

    private static String typeName(int type) {
        StringBuilder s = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = type >>> shift & 0xFF;
            if ((c | 0x20) < 'a' || (c | 0x20) > 'z') {
                return String.format("0x%08x", type);
            }
            s.append((char) c);
        }
        return s.toString();
    }

    private int s32(int at) {
        return (data[at] & 0xFF) << 24 | (data[at + 1] & 0xFF) << 16 | (data[at + 2] & 0xFF) << 8
                | data[at + 3] & 0xFF;
    }

    private long u32(int at) {
        return s32(at) & 0xFFFFFFFFL;
    }
}
