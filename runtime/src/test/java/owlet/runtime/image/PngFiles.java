package owlet.runtime.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Test helper: writes PNG files of every colour type, bit depth and interlace method, chunk by chunk,
 * with row filters chosen by the caller, independently of the decoder under test.
 */
final class PngFiles {
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int[] PASS_X0 = {0, 4, 0, 2, 0, 1, 0};
    private static final int[] PASS_Y0 = {0, 0, 4, 0, 2, 0, 1};
    private static final int[] PASS_DX = {8, 8, 4, 4, 2, 2, 1};
    private static final int[] PASS_DY = {8, 8, 8, 4, 4, 2, 2};

    private PngFiles() {}

    static int channels(int colourType) {
        return switch (colourType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new IllegalArgumentException("colour type " + colourType);
        };
    }

    /** One chunk: length, type, body, CRC of type and body. */
    static byte[] chunk(String type, byte[] body) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        return ByteBuffer.allocate(12 + body.length).putInt(body.length).put(t).put(body)
                .putInt((int) crc.getValue()).array();
    }

    static byte[] ihdr(int w, int h, int depth, int colourType, int interlace) {
        return chunk("IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth)
                .put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) interlace).array());
    }

    /** Signature followed by the chunks. */
    static byte[] file(byte[]... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        for (byte[] c : chunks) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    static byte[] zlib(byte[] raw) {
        Deflater deflater = new Deflater();
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }

    /**
     * The filtered rows (filter byte + row, pass by pass) of an image whose raw samples are
     * {@code samples[(y * w + x) * channels + c]}. Row filters are drawn from {@code filters}
     * (a fixed 0..4 filter, or -1 for a random one per row from {@code random}).
     */
    static byte[] filteredRows(int w, int h, int depth, int colourType, boolean interlaced, int[] samples,
            int filters, Random random) {
        int channels = channels(colourType);
        int bitsPerPixel = channels * depth;
        int bpp = Math.max(1, bitsPerPixel / 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int pass = interlaced ? 0 : 6; pass < 7; pass++) {
            int x0 = interlaced ? PASS_X0[pass] : 0;
            int y0 = interlaced ? PASS_Y0[pass] : 0;
            int dx = interlaced ? PASS_DX[pass] : 1;
            int dy = interlaced ? PASS_DY[pass] : 1;
            int cols = w > x0 ? (w - x0 + dx - 1) / dx : 0;
            int rows = h > y0 ? (h - y0 + dy - 1) / dy : 0;
            if (cols == 0 || rows == 0) {
                continue;
            }
            int rowBytes = (cols * bitsPerPixel + 7) / 8;
            byte[] prior = new byte[rowBytes];
            for (int r = 0; r < rows; r++) {
                int y = y0 + r * dy;
                byte[] raw = new byte[rowBytes];
                for (int k = 0; k < cols; k++) {
                    int x = x0 + k * dx;
                    for (int c = 0; c < channels; c++) {
                        int v = samples[(y * w + x) * channels + c];
                        int bit = (k * channels + c) * depth;
                        if (depth == 16) {
                            raw[bit / 8] = (byte) (v >> 8);
                            raw[bit / 8 + 1] = (byte) v;
                        } else {
                            raw[bit / 8] |= (byte) (v << (8 - depth - bit % 8));
                        }
                    }
                }
                int filter = filters >= 0 ? filters : random.nextInt(5);
                out.write(filter);
                for (int i = 0; i < rowBytes; i++) {
                    int a = i >= bpp ? raw[i - bpp] & 0xFF : 0;
                    int b = prior[i] & 0xFF;
                    int c = i >= bpp ? prior[i - bpp] & 0xFF : 0;
                    int predicted = switch (filter) {
                        case 0 -> 0;
                        case 1 -> a;
                        case 2 -> b;
                        case 3 -> (a + b) / 2;
                        default -> paeth(a, b, c);
                    };
                    out.write((raw[i] - predicted) & 0xFF);
                }
                prior = raw;
            }
        }
        return out.toByteArray();
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /** A complete PNG: IHDR, optional PLTE and tRNS, one IDAT, IEND. */
    static byte[] png(int w, int h, int depth, int colourType, boolean interlaced, int[] samples,
            byte[] plte, byte[] trns, Random random) {
        byte[] idat = zlib(filteredRows(w, h, depth, colourType, interlaced, samples, -1, random));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.writeBytes(ihdr(w, h, depth, colourType, interlaced ? 1 : 0));
        if (plte != null) {
            out.writeBytes(chunk("PLTE", plte));
        }
        if (trns != null) {
            out.writeBytes(chunk("tRNS", trns));
        }
        out.writeBytes(chunk("IDAT", idat));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /** Recomputes every chunk's CRC (for corruption tests that want to get past the CRC check). */
    static void fixCrcs(byte[] file) {
        int pos = 8;
        while (file.length - pos >= 12) {
            long len = ByteBuffer.wrap(file, pos, 4).getInt() & 0xFFFFFFFFL;
            if (len > file.length - pos - 12) {
                return;
            }
            CRC32 crc = new CRC32();
            crc.update(file, pos + 4, (int) len + 4);
            ByteBuffer.wrap(file).putInt(pos + 8 + (int) len, (int) crc.getValue());
            pos += 12 + (int) len;
        }
    }
}
