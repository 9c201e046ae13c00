package owlet.runtime.image;

import java.util.Arrays;

/**
 * Decodes JPEG (ITU T.81, JFIF/EXIF) with java.base only, to the same bytes as {@code javax.imageio}
 * (libjpeg; which one, and where they differ, see {@link JpegColor}): baseline, extended (8-bit) and
 * progressive Huffman coding, greyscale or three components, any integral chroma subsampling, restart
 * intervals. Colour space as ImageIO decides it: see {@link #threeComponentsAreYcc}. Samples come from
 * {@link JpegIdct}, chroma is upsampled and converted by {@link JpegColor}.
 *
 * <p>Arithmetic coding, 12-bit samples, lossless and hierarchical processes, and 2 or 4 components
 * (CMYK, YCCK) are refused by name. Sizes are checked from the frame header before any pixel memory
 * is allocated, and the work a file can ask for is bounded by its size: every block needs at least one
 * bit of entropy-coded data, and the scans together may visit at most {@link #VISITS_PER_BLOCK} times
 * as many blocks as the image has (a usual progressive file needs about 10).
 */
final class JpegDecoder {
    static final int VISITS_PER_BLOCK = 128;

    /** Zig-zag order: position in the block (row-major) of the k-th coefficient of a scan. */
    static final int[] ZIGZAG = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63
    };

    /** One colour component of the frame. */
    static final class Component {
        final int id;
        final int h;
        final int v;
        final int quantIndex;
        /** Dequantization table latched at the component's first scan, natural order. */
        int[] quant;
        /** Samples of the component itself: ceil(width * h / hMax) x ceil(height * v / vMax). */
        int width;
        int height;
        /** Blocks covered by a scan of this component alone. */
        int scanBlocksWide;
        int scanBlocksHigh;
        /** Blocks stored: whole MCUs. */
        int blocksWide;
        int blocksHigh;
        /** 64 coefficients per block, natural order, blocks row-major. */
        short[] coef;
        /** Per coefficient: the Al of the last scan that coded it, -1 if none yet. */
        final int[] coefBits = new int[64];
        int dcTable;
        int acTable;
        int dcPredictor;

        Component(int id, int h, int v, int quantIndex) {
            this.id = id;
            this.h = h;
            this.v = v;
            this.quantIndex = quantIndex;
            Arrays.fill(coefBits, -1);
        }
    }

    private final byte[] data;
    private final String name;
    private int pos;

    private final int[][] quantTables = new int[4][];
    private final JpegHuffmanTable[] dcTables = new JpegHuffmanTable[4];
    private final JpegHuffmanTable[] acTables = new JpegHuffmanTable[4];
    private int restartInterval;
    private boolean jfif;
    private boolean exif;
    private int adobeTransform = -1;

    private boolean progressive;
    private int width;
    private int height;
    private Component[] components;
    private int hMax;
    private int vMax;
    private int mcusWide;
    private int mcusHigh;
    private int scans;
    private long blockVisitsLeft;

    // Entropy-coded data: bits not yet used are the low `bits` bits of `acc`; the last `fakeBits` of
    // them are zeros put in past a marker or the end of the file, which valid data never reaches.
    private long acc;
    private int bits;
    private int fakeBits;
    private int eobRun;

    private JpegDecoder(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    static RgbImage decode(byte[] data, String name) throws ImageFormatException {
        try {
            return new JpegDecoder(data, name).decode();
        } catch (OutOfMemoryError e) {
            throw new ImageFormatException(name + ": JPEG image does not fit in memory", e);
        }
    }

    private RgbImage decode() throws ImageFormatException {
        if (data.length < 2 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            throw error("not a JPEG file: no start-of-image marker");
        }
        pos = 2;
        while (true) {
            int marker = nextMarker();
            switch (marker) {
                case 0xC0, 0xC1, 0xC2 -> readFrame(marker);
                case 0xC3 -> throw unsupported("lossless JPEG (SOF3)");
                case 0xC5, 0xC6, 0xC7, 0xCD, 0xCE, 0xCF, 0xDE, 0xDF ->
                        throw unsupported("hierarchical (differential) JPEG (marker " + hex(marker) + ")");
                case 0xC9, 0xCA, 0xCB, 0xCC -> throw unsupported("arithmetic-coded JPEG (marker " + hex(marker) + ")");
                case 0xC4 -> readHuffmanTables();
                case 0xDB -> readQuantTables();
                case 0xDD -> readRestartInterval();
                case 0xDA -> readScan();
                case 0xD9 -> {
                    if (components == null || scans == 0) {
                        throw error("truncated JPEG: end of image before any scan");
                    }
                    return JpegColor.toRgb(this);
                }
                case 0xDC -> throw unsupported("JPEG whose height is given by a DNL marker");
                case 0xE0 -> readApp0();
                case 0xE1 -> readApp1();
                case 0xEE -> readApp14();
                default -> {
                    if (marker >= 0xD0 && marker <= 0xD7 || marker == 0xD8 || marker == 0x01) {
                        throw error("corrupt JPEG: unexpected marker " + hex(marker) + " at byte " + (pos - 2));
                    }
                    skipSegment(); // APPn, COM, JPGn and other segments with a length
                }
            }
        }
    }

    // ---- markers and segments

    /** Reads the next marker, allowing fill bytes (0xFF) before it; returns its code. */
    private int nextMarker() throws ImageFormatException {
        if (pos >= data.length) {
            throw error("truncated JPEG: no end-of-image marker");
        }
        if ((data[pos] & 0xFF) != 0xFF) {
            throw error("corrupt JPEG: expected a marker at byte " + pos + ", found " + hex(data[pos] & 0xFF));
        }
        while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
            pos++;
        }
        if (pos >= data.length) {
            throw error("truncated JPEG: file ends inside a marker");
        }
        int marker = data[pos++] & 0xFF;
        if (marker == 0) {
            throw error("corrupt JPEG: stuffed zero byte where a marker should be, at byte " + (pos - 2));
        }
        return marker;
    }

    /** Reads a segment's length field; returns the end of the segment. */
    private int segmentEnd(int minLength) throws ImageFormatException {
        if (pos + 2 > data.length) {
            throw error("truncated JPEG: file ends inside a segment header");
        }
        int length = u16(pos);
        if (length < Math.max(2, minLength)) {
            throw error("corrupt JPEG: segment length " + length + " at byte " + pos + " is too short");
        }
        int end = pos + length;
        if (end > data.length) {
            throw error("truncated JPEG: segment at byte " + pos + " runs past the end of the file");
        }
        pos += 2;
        return end;
    }

    private void skipSegment() throws ImageFormatException {
        pos = segmentEnd(2);
    }

    private void readApp0() throws ImageFormatException {
        int end = segmentEnd(2);
        if (end - pos >= 5 && matches(pos, "JFIF\0")) {
            jfif = true;
        }
        pos = end;
    }

    private void readApp1() throws ImageFormatException {
        int end = segmentEnd(2);
        if (end - pos >= 6 && matches(pos, "Exif\0\0")) {
            exif = true;
        }
        pos = end;
    }

    private void readApp14() throws ImageFormatException {
        int end = segmentEnd(2);
        if (end - pos >= 12 && matches(pos, "Adobe")) {
            adobeTransform = data[pos + 11] & 0xFF;
        }
        pos = end;
    }

    private boolean matches(int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            if ((data[at + i] & 0xFF) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void readQuantTables() throws ImageFormatException {
        int end = segmentEnd(2);
        while (pos < end) {
            int pq = (data[pos] & 0xFF) >> 4;
            int tq = data[pos] & 0x0F;
            pos++;
            if (pq > 1 || tq > 3) {
                throw error("corrupt JPEG: quantization table with precision " + pq + ", index " + tq);
            }
            int size = pq == 0 ? 64 : 128;
            if (pos + size > end) {
                throw error("corrupt JPEG: quantization table runs past its segment");
            }
            int[] table = new int[64];
            for (int k = 0; k < 64; k++) {
                table[ZIGZAG[k]] = pq == 0 ? data[pos + k] & 0xFF : u16(pos + 2 * k);
            }
            quantTables[tq] = table;
            pos += size;
        }
    }

    private void readHuffmanTables() throws ImageFormatException {
        int end = segmentEnd(2);
        while (pos < end) {
            int tc = (data[pos] & 0xFF) >> 4;
            int th = data[pos] & 0x0F;
            if (tc > 1 || th > 3 || pos + 17 > end) {
                throw error("corrupt JPEG: bad Huffman table header at byte " + pos);
            }
            int[] counts = new int[16];
            int total = 0;
            for (int i = 0; i < 16; i++) {
                counts[i] = data[pos + 1 + i] & 0xFF;
                total += counts[i];
            }
            pos += 17;
            if (total > 256 || pos + total > end) {
                throw error("corrupt JPEG: bad Huffman table (" + total + " codes) at byte " + (pos - 17));
            }
            byte[] symbols = Arrays.copyOfRange(data, pos, pos + total);
            pos += total;
            if (tc == 0) {
                for (byte s : symbols) {
                    if ((s & 0xFF) > 15) {
                        throw error("corrupt JPEG: DC Huffman table with symbol " + (s & 0xFF));
                    }
                }
            }
            try {
                (tc == 0 ? dcTables : acTables)[th] = new JpegHuffmanTable(counts, symbols);
            } catch (IllegalArgumentException e) {
                throw error("corrupt JPEG: bad Huffman table: " + e.getMessage());
            }
        }
    }

    private void readRestartInterval() throws ImageFormatException {
        int end = segmentEnd(4);
        restartInterval = u16(pos);
        pos = end;
    }

    private void readFrame(int marker) throws ImageFormatException {
        if (components != null) {
            throw error("corrupt JPEG: second frame header (SOF) at byte " + (pos - 2));
        }
        int end = segmentEnd(8);
        int precision = data[pos] & 0xFF;
        int h = u16(pos + 1);
        int w = u16(pos + 3);
        int n = data[pos + 5] & 0xFF;
        if (precision != 8) {
            throw unsupported(precision + "-bit JPEG");
        }
        if (h == 0 && w > 0) {
            throw unsupported("JPEG whose height is given by a DNL marker");
        }
        Images.checkDimensions(name, "JPEG", w, h);
        if (n == 4) {
            throw unsupported("4-component (CMYK/YCCK) JPEG");
        }
        if (n != 1 && n != 3) {
            throw unsupported("JPEG with " + n + " components");
        }
        if (end - pos != 6 + 3 * n) {
            throw error("corrupt JPEG: frame header length does not match its " + n + " components");
        }
        Component[] comps = new Component[n];
        for (int i = 0; i < n; i++) {
            int at = pos + 6 + 3 * i;
            int hs = (data[at + 1] & 0xFF) >> 4;
            int vs = data[at + 1] & 0x0F;
            int tq = data[at + 2] & 0xFF;
            if (hs < 1 || hs > 4 || vs < 1 || vs > 4 || tq > 3) {
                throw error("corrupt JPEG: component " + i + " has sampling " + hs + "x" + vs
                        + ", quantization table " + tq);
            }
            comps[i] = new Component(data[at] & 0xFF, hs, vs, tq);
            hMax = Math.max(hMax, hs);
            vMax = Math.max(vMax, vs);
        }
        pos = end;
        progressive = marker == 0xC2;
        width = w;
        height = h;
        mcusWide = ceilDiv(w, 8 * hMax);
        mcusHigh = ceilDiv(h, 8 * vMax);
        long blocks = 0;
        long stored = 0;
        for (Component c : comps) {
            if (hMax % c.h != 0 || vMax % c.v != 0) {
                throw unsupported("JPEG with fractional chroma sampling (" + c.h + "x" + c.v + " of "
                        + hMax + "x" + vMax + ")");
            }
            c.width = ceilDiv(w * c.h, hMax);
            c.height = ceilDiv(h * c.v, vMax);
            c.scanBlocksWide = ceilDiv(c.width, 8);
            c.scanBlocksHigh = ceilDiv(c.height, 8);
            c.blocksWide = mcusWide * c.h;
            c.blocksHigh = mcusHigh * c.v;
            blocks += (long) c.scanBlocksWide * c.scanBlocksHigh;
            stored += (long) c.blocksWide * c.blocksHigh * 64;
        }
        // Every block takes at least one bit of entropy-coded data (its DC code), so the file must
        // be at least this long; a short file declaring a big image is refused before allocation.
        if (blocks > 8L * data.length) {
            throw error("truncated JPEG: " + w + "x" + h + " needs " + blocks
                    + " blocks, more than the file's " + data.length + " bytes can hold");
        }
        if (stored > Integer.MAX_VALUE - 64) {
            throw error("JPEG image " + w + "x" + h + " is too large");
        }
        blockVisitsLeft = VISITS_PER_BLOCK * blocks;
        for (Component c : comps) {
            c.coef = new short[c.blocksWide * c.blocksHigh * 64];
        }
        components = comps;
    }

    // ---- scans

    private void readScan() throws ImageFormatException {
        if (components == null) {
            throw error("corrupt JPEG: scan before the frame header");
        }
        scans++;
        int end = segmentEnd(3);
        int n = data[pos] & 0xFF;
        if (n < 1 || n > 4 || end - pos != 4 + 2 * n) {
            throw error("corrupt JPEG: scan header for " + n + " components has the wrong length");
        }
        Component[] scan = new Component[n];
        for (int i = 0; i < n; i++) {
            int id = data[pos + 1 + 2 * i] & 0xFF;
            int tables = data[pos + 2 + 2 * i] & 0xFF;
            Component c = null;
            for (Component f : components) {
                if (f.id == id) {
                    c = f;
                }
            }
            if (c == null) {
                throw error("corrupt JPEG: scan names component " + id + ", which the frame lacks");
            }
            for (int j = 0; j < i; j++) {
                if (scan[j] == c) {
                    throw error("corrupt JPEG: scan names component " + id + " twice");
                }
            }
            c.dcTable = tables >> 4;
            c.acTable = tables & 15;
            scan[i] = c;
        }
        int at = pos + 1 + 2 * n;
        int ss = data[at] & 0xFF;
        int se = data[at + 1] & 0xFF;
        int ah = (data[at + 2] & 0xFF) >> 4;
        int al = data[at + 2] & 0x0F;
        pos = end;
        int blocksInMcu = 0;
        for (Component c : scan) {
            blocksInMcu += n == 1 ? 1 : c.h * c.v;
        }
        if (blocksInMcu > 10) {
            throw error("corrupt JPEG: " + blocksInMcu + " blocks in one MCU, more than 10");
        }
        checkScanParameters(scan, ss, se, ah, al);
        for (Component c : scan) {
            if (c.quant == null) {
                if (quantTables[c.quantIndex] == null) {
                    throw error("corrupt JPEG: quantization table " + c.quantIndex + " is not defined");
                }
                c.quant = quantTables[c.quantIndex];
            }
            if (c.dcTable > 3 || c.acTable > 3) {
                throw error("corrupt JPEG: Huffman table index over 3");
            }
            boolean needDc = ss == 0 && ah == 0;
            boolean needAc = se > 0;
            if (needDc && dcTables[c.dcTable] == null || needAc && acTables[c.acTable] == null) {
                throw error("corrupt JPEG: scan uses an undefined Huffman table");
            }
            c.dcPredictor = 0;
        }
        decodeScan(scan, ss, se, ah, al);
    }

    /** The checks libjpeg makes on a scan (errors and warnings alike, which javax.imageio also refuses). */
    private void checkScanParameters(Component[] scan, int ss, int se, int ah, int al)
            throws ImageFormatException {
        if (!progressive) {
            if (ss != 0 || se != 63 || ah != 0 || al != 0) {
                throw error("corrupt JPEG: sequential scan with spectral selection " + ss + ".." + se
                        + ", approximation " + ah + "/" + al);
            }
            for (Component c : scan) {
                if (c.coefBits[0] == 0) {
                    throw error("corrupt JPEG: component " + c.id + " coded by two sequential scans");
                }
                Arrays.fill(c.coefBits, 0);
            }
            return;
        }
        boolean bad = ss == 0 ? se != 0 : se < ss || se > 63 || scan.length != 1;
        if (bad || al > 13 || ah != 0 && ah - 1 != al) {
            throw error("corrupt JPEG: invalid progressive scan (Ss=" + ss + ", Se=" + se + ", Ah=" + ah
                    + ", Al=" + al + ", " + scan.length + " components)");
        }
        for (Component c : scan) {
            if (ss > 0 && c.coefBits[0] < 0) {
                throw error("corrupt JPEG: AC scan of component " + c.id + " before its DC scan");
            }
            for (int k = ss; k <= se; k++) {
                int expected = ah == 0 ? -1 : ah;
                if (c.coefBits[k] != expected && !(ah == 0 && c.coefBits[k] < 0)) {
                    throw error("corrupt JPEG: progressive scan out of order for component " + c.id
                            + ", coefficient " + k);
                }
                c.coefBits[k] = al;
            }
        }
    }

    private void decodeScan(Component[] scan, int ss, int se, int ah, int al) throws ImageFormatException {
        acc = 0;
        bits = 0;
        fakeBits = 0;
        eobRun = 0;
        boolean single = scan.length == 1;
        int mcusX = single ? scan[0].scanBlocksWide : mcusWide;
        int mcusY = single ? scan[0].scanBlocksHigh : mcusHigh;
        long mcus = (long) mcusX * mcusY;
        int blocksPerMcu = 0;
        for (Component c : scan) {
            blocksPerMcu += single ? 1 : c.h * c.v;
        }
        blockVisitsLeft -= mcus * blocksPerMcu;
        if (blockVisitsLeft < 0) {
            throw error("JPEG scans visit more than " + VISITS_PER_BLOCK + " times the image's blocks");
        }
        int kind = !progressive ? 0 : ss == 0 ? (ah == 0 ? 1 : 2) : (ah == 0 ? 3 : 4);
        int restartsLeft = restartInterval;
        int nextRestart = 0;
        for (int my = 0; my < mcusY; my++) {
            for (int mx = 0; mx < mcusX; mx++) {
                if (restartInterval != 0) {
                    if (restartsLeft == 0) {
                        readRestart(nextRestart, scan);
                        nextRestart = (nextRestart + 1) & 7;
                        restartsLeft = restartInterval;
                    }
                    restartsLeft--;
                }
                for (Component c : scan) {
                    int bh = single ? 1 : c.h;
                    int bv = single ? 1 : c.v;
                    for (int y = 0; y < bv; y++) {
                        int row = my * bv + y;
                        for (int x = 0; x < bh; x++) {
                            int at = (row * c.blocksWide + mx * bh + x) * 64;
                            switch (kind) {
                                case 0 -> decodeBlock(c, at);
                                case 1 -> decodeDcFirst(c, at, al);
                                case 2 -> decodeDcRefine(c, at, al);
                                case 3 -> decodeAcFirst(c, at, ss, se, al);
                                default -> decodeAcRefine(c, at, ss, se, al);
                            }
                        }
                    }
                }
                if (bits < fakeBits) {
                    throw error("corrupt or truncated JPEG: entropy-coded data ends inside scan " + scans
                            + " (near byte " + pos + ")");
                }
            }
        }
        // Skip the padding bits and any bytes up to the next marker.
        while (pos < data.length && !((data[pos] & 0xFF) == 0xFF && pos + 1 < data.length
                && (data[pos + 1] & 0xFF) != 0)) {
            pos++;
        }
    }

    private void readRestart(int expected, Component[] scan) throws ImageFormatException {
        acc = 0;
        bits = 0;
        fakeBits = 0;
        eobRun = 0;
        for (Component c : scan) {
            c.dcPredictor = 0;
        }
        // Skip leftover padding bits of the interval's last byte.
        while (pos < data.length && (data[pos] & 0xFF) != 0xFF) {
            pos++;
        }
        if (pos + 1 >= data.length) {
            throw error("truncated JPEG: file ends where restart marker RST" + expected + " should be");
        }
        int at = pos;
        while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
            pos++;
        }
        int marker = pos < data.length ? data[pos] & 0xFF : -1;
        if (marker != 0xD0 + expected) {
            throw error("corrupt JPEG: expected restart marker RST" + expected + " at byte " + at
                    + ", found " + (marker < 0 ? "end of file" : hex(marker)));
        }
        pos++;
    }

    // ---- entropy decoding

    /** Loads whole bytes until at least 57 bits are buffered; past a marker or the end, loads zeros. */
    private void fill() {
        while (bits <= 56) {
            int b = 0;
            if (pos < data.length) {
                b = data[pos] & 0xFF;
                if (b == 0xFF) {
                    int next = pos + 1 < data.length ? data[pos + 1] & 0xFF : -1;
                    if (next == 0) {
                        pos += 2;
                    } else {
                        b = 0;
                        fakeBits += 8;
                    }
                } else {
                    pos++;
                }
            } else {
                fakeBits += 8;
            }
            acc = acc << 8 | b;
            bits += 8;
        }
    }

    private int decodeSymbol(JpegHuffmanTable table) throws ImageFormatException {
        if (bits < 16) {
            fill();
        }
        int look = (int) (acc >>> (bits - JpegHuffmanTable.LOOKAHEAD)) & ((1 << JpegHuffmanTable.LOOKAHEAD) - 1);
        int entry = table.fast[look];
        if (entry != 0) {
            bits -= entry >> 8;
            return entry & 0xFF;
        }
        int code16 = (int) (acc >>> (bits - 16)) & 0xFFFF;
        for (int length = JpegHuffmanTable.LOOKAHEAD + 1; length <= 16; length++) {
            int code = code16 >>> (16 - length);
            if (code <= table.maxCode[length]) {
                bits -= length;
                return table.symbols[code + table.symbolOffset[length]] & 0xFF;
            }
        }
        throw error("corrupt JPEG: invalid Huffman code in scan " + scans + " (near byte " + pos + ")");
    }

    /** Reads {@code n} (0..16) bits as an unsigned number. */
    private int readBits(int n) {
        if (bits < n) {
            fill();
        }
        bits -= n;
        return (int) (acc >>> bits) & ((1 << n) - 1);
    }

    /** Reads the {@code s}-bit magnitude that follows a Huffman category and gives it its sign (T.81 F.2.2.1). */
    private int receiveExtend(int s) {
        int v = readBits(s);
        return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
    }

    private void decodeBlock(Component c, int at) throws ImageFormatException {
        short[] coef = c.coef;
        int s = decodeSymbol(dcTables[c.dcTable]);
        c.dcPredictor += s == 0 ? 0 : receiveExtend(s);
        coef[at] = (short) c.dcPredictor;
        JpegHuffmanTable ac = acTables[c.acTable];
        for (int k = 1; k < 64; k++) {
            int rs = decodeSymbol(ac);
            int r = rs >> 4;
            s = rs & 15;
            if (s != 0) {
                k += r;
                if (k > 63) {
                    throw badRun();
                }
                coef[at + ZIGZAG[k]] = (short) receiveExtend(s);
            } else if (r == 15) {
                k += 15;
            } else {
                break;
            }
        }
    }

    private void decodeDcFirst(Component c, int at, int al) throws ImageFormatException {
        int s = decodeSymbol(dcTables[c.dcTable]);
        c.dcPredictor += s == 0 ? 0 : receiveExtend(s);
        c.coef[at] = (short) (c.dcPredictor << al);
    }

    private void decodeDcRefine(Component c, int at, int al) {
        if (readBits(1) != 0) {
            c.coef[at] |= (short) (1 << al);
        }
    }

    private void decodeAcFirst(Component c, int at, int ss, int se, int al) throws ImageFormatException {
        if (eobRun > 0) {
            eobRun--;
            return;
        }
        short[] coef = c.coef;
        JpegHuffmanTable ac = acTables[c.acTable];
        for (int k = ss; k <= se; k++) {
            int rs = decodeSymbol(ac);
            int r = rs >> 4;
            int s = rs & 15;
            if (s != 0) {
                k += r;
                if (k > se) {
                    throw badRun();
                }
                coef[at + ZIGZAG[k]] = (short) (receiveExtend(s) << al);
            } else if (r == 15) {
                k += 15;
            } else {
                eobRun = (1 << r) - 1;
                if (r != 0) {
                    eobRun += readBits(r);
                }
                break;
            }
        }
    }

    private void decodeAcRefine(Component c, int at, int ss, int se, int al) throws ImageFormatException {
        short[] coef = c.coef;
        int p1 = 1 << al;
        int m1 = -1 << al;
        int k = ss;
        if (eobRun == 0) {
            JpegHuffmanTable ac = acTables[c.acTable];
            for (; k <= se; k++) {
                int rs = decodeSymbol(ac);
                int r = rs >> 4;
                int s = rs & 15;
                if (s != 0) {
                    if (s != 1) {
                        throw error("corrupt JPEG: refinement scan codes a magnitude of " + s + " bits");
                    }
                    s = readBits(1) != 0 ? p1 : m1;
                } else if (r != 15) {
                    eobRun = 1 << r;
                    if (r != 0) {
                        eobRun += readBits(r);
                    }
                    break;
                }
                // Skip r zero coefficients (refining the non-zero ones passed), then place s.
                while (k <= se) {
                    int z = at + ZIGZAG[k];
                    if (coef[z] != 0) {
                        refine(coef, z, p1, m1);
                    } else if (--r < 0) {
                        break;
                    }
                    k++;
                }
                if (s != 0) {
                    if (k > se) {
                        throw badRun();
                    }
                    coef[at + ZIGZAG[k]] = (short) s;
                }
            }
        }
        if (eobRun > 0) {
            for (; k <= se; k++) {
                int z = at + ZIGZAG[k];
                if (coef[z] != 0) {
                    refine(coef, z, p1, m1);
                }
            }
            eobRun--;
        }
    }

    private void refine(short[] coef, int z, int p1, int m1) {
        if (readBits(1) != 0 && (coef[z] & p1) == 0) {
            coef[z] += (short) (coef[z] >= 0 ? p1 : m1);
        }
    }

    private ImageFormatException badRun() {
        return error("corrupt JPEG: run of zero coefficients past the end of a block in scan " + scans);
    }

    // ---- accessors for JpegColor

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    Component[] components() {
        return components;
    }

    int hMax() {
        return hMax;
    }

    int vMax() {
        return vMax;
    }

    boolean progressive() {
        return progressive;
    }

    /**
     * How javax.imageio reads three components: libjpeg's guess (JFIF: YCbCr; Adobe transform 0: RGB,
     * 1: YCbCr; ids 'R','G','B': RGB; otherwise YCbCr), then the JDK's own rule for files with neither
     * JFIF, EXIF nor Adobe marker: ids other than 1, 2, 3 and no subsampling mean RGB.
     *
     * @return true for YCbCr, false for RGB
     */
    boolean threeComponentsAreYcc() throws ImageFormatException {
        Component[] c = components;
        boolean ids123 = c[0].id == 1 && c[1].id == 2 && c[2].id == 3;
        boolean ycc;
        if (jfif) {
            ycc = true;
        } else if (adobeTransform >= 0) {
            ycc = adobeTransform != 0;
        } else {
            ycc = ids123 || !(c[0].id == 'R' && c[1].id == 'G' && c[2].id == 'B');
        }
        if (ycc && adobeTransform >= 0 && adobeTransform != 1) {
            throw unsupported("JPEG with Adobe colour transform " + adobeTransform + " for 3 components");
        }
        if (ycc && adobeTransform < 0 && !jfif && !exif && !ids123) {
            boolean subsampled = c[1].h != c[0].h || c[2].h != c[0].h || c[1].v != c[0].v || c[2].v != c[0].v;
            ycc = subsampled;
        }
        return ycc;
    }

    // ---- helpers

    /**
     * Whether the file carries an ICC profile (an APP2 "ICC_PROFILE" segment) before its first scan;
     * {@code javax.imageio} converts such images from that profile to sRGB. Malformed files answer false.
     */
    static boolean embedsIccProfile(byte[] data) {
        int at = 2;
        while (at + 4 <= data.length && (data[at] & 0xFF) == 0xFF) {
            int marker = data[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9 || marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                return false;
            }
            int length = (data[at + 2] & 0xFF) << 8 | (data[at + 3] & 0xFF);
            if (marker == 0xE2 && length >= 14 && at + 16 <= data.length) {
                boolean icc = true;
                for (int i = 0; i < 12; i++) {
                    icc &= (data[at + 4 + i] & 0xFF) == "ICC_PROFILE\0".charAt(i);
                }
                if (icc) {
                    return true;
                }
            }
            at += 2 + length;
        }
        return false;
    }

    private int u16(int at) {
        return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static String hex(int marker) {
        return String.format("0x%02X", marker);
    }

    ImageFormatException error(String message) {
        return new ImageFormatException(name + ": " + message);
    }

    ImageFormatException unsupported(String feature) {
        return new ImageFormatException(name + ": " + feature + " is not supported");
    }
}
