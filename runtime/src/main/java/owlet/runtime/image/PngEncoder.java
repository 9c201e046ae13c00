package owlet.runtime.image;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes 8-bit RGB (colour type 2) or grey (colour type 0) images as standard non-interlaced PNG with
 * java.base alone. Each row gets the filter whose output has the smallest sum of absolute values
 * (bytes taken as signed), the usual heuristic; the rows are deflated at {@link #DEFAULT_LEVEL} and
 * streamed out as IDAT chunks of at most 64 KB.
 */
public final class PngEncoder {
    /**
     * zlib level. On a 1920x1080 photo mosaic level 1 wrote a file 4 % larger than level 6 in less than
     * half the time (level 9: 0.5 % smaller than 6, 1.8 times slower); see BENCHMARKS.md.
     */
    public static final int DEFAULT_LEVEL = 1;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IDAT_SIZE = 1 << 16;

    private PngEncoder() {}

    /** Writes {@code image} as an RGB PNG to {@code out}, which is neither flushed nor closed. */
    public static void write(RgbImage image, OutputStream out) throws IOException {
        Objects.requireNonNull(image, "image");
        write(image.width(), image.height(), 3, image.rgb(), out, DEFAULT_LEVEL);
    }

    /** Writes {@code image} as an RGB PNG file at {@code path}, replacing any file there. */
    public static void write(RgbImage image, Path path) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            write(image, out);
        }
    }

    /** {@code image} as the bytes of an RGB PNG file. */
    public static byte[] encode(RgbImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(image, out);
        } catch (IOException e) {
            throw new AssertionError("ByteArrayOutputStream does not throw", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a grey image, {@code width * height} samples row by row, as a grey PNG to {@code out}.
     *
     * @throws IllegalArgumentException if a dimension is not positive or {@code grey} has the wrong length
     */
    public static void writeGrey(int width, int height, byte[] grey, OutputStream out) throws IOException {
        Objects.requireNonNull(grey, "grey");
        if (width <= 0 || height <= 0 || (long) width * height != grey.length) {
            throw new IllegalArgumentException("grey has " + grey.length + " samples, expected " + width + "*"
                    + height + " (both positive)");
        }
        write(width, height, 1, grey, out, DEFAULT_LEVEL);
    }

    /** Writes {@code channels}-sample pixels (1 grey, 3 RGB) as PNG, deflated at {@code level}. */
    static void write(int width, int height, int channels, byte[] pixels, OutputStream out, int level)
            throws IOException {
        Objects.requireNonNull(out, "out");
        int stride = width * channels;
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = (byte) (channels == 1 ? 0 : 2); // colour type; compression, filter, interlace 0
        out.write(SIGNATURE);
        writeChunk(out, "IHDR", header, header.length);

        Deflater deflater = new Deflater(level);
        try {
            IdatWriter idat = new IdatWriter(out, deflater);
            RowFilter filter = new RowFilter(stride, channels);
            for (int y = 0; y < height; y++) {
                byte[] row = filter.filter(pixels, y * stride, y == 0 ? -1 : (y - 1) * stride);
                deflater.setInput(row, 0, stride + 1);
                idat.drain();
            }
            idat.finish();
        } finally {
            deflater.end();
        }
        writeChunk(out, "IEND", new byte[0], 0);
    }

    /** Collects deflated bytes and writes them as IDAT chunks of {@link #IDAT_SIZE} bytes. */
    private static final class IdatWriter {
        private final OutputStream out;
        private final Deflater deflater;
        private final byte[] buffer = new byte[IDAT_SIZE];
        private int filled;

        IdatWriter(OutputStream out, Deflater deflater) {
            this.out = out;
            this.deflater = deflater;
        }

        /** Deflates all the input given so far. */
        void drain() throws IOException {
            while (!deflater.needsInput()) {
                deflateSome();
            }
        }

        /** Ends the zlib stream and writes what is left. */
        void finish() throws IOException {
            deflater.finish();
            while (!deflater.finished()) {
                deflateSome();
            }
            flush();
        }

        private void deflateSome() throws IOException {
            filled += deflater.deflate(buffer, filled, buffer.length - filled);
            if (filled == buffer.length) {
                flush();
            }
        }

        private void flush() throws IOException {
            if (filled > 0) {
                writeChunk(out, "IDAT", buffer, filled);
                filled = 0;
            }
        }
    }

    /**
     * Filters one row five ways and keeps the one with the smallest sum of absolute (signed) values.
     * Returns a buffer holding the filter-type byte and the filtered row.
     */
    private static final class RowFilter {
        private final int stride;
        private final int bpp;
        private final byte[][] candidates = new byte[5][];

        RowFilter(int stride, int bpp) {
            this.stride = stride;
            this.bpp = bpp;
            for (int f = 0; f < 5; f++) {
                candidates[f] = new byte[stride + 1];
                candidates[f][0] = (byte) f;
            }
        }

        /** Row at {@code px[at..]}, previous row at {@code px[prior..]} or none when {@code prior < 0}. */
        byte[] filter(byte[] px, int at, int prior) {
            byte[] none = candidates[0];
            byte[] sub = candidates[1];
            byte[] up = candidates[2];
            byte[] avg = candidates[3];
            byte[] paeth = candidates[4];
            long sNone = 0;
            long sSub = 0;
            long sUp = 0;
            long sAvg = 0;
            long sPaeth = 0;
            for (int i = 0; i < stride; i++) {
                int x = px[at + i] & 0xFF;
                int a = i >= bpp ? px[at + i - bpp] & 0xFF : 0;
                int b = prior >= 0 ? px[prior + i] & 0xFF : 0;
                int c = i >= bpp && prior >= 0 ? px[prior + i - bpp] & 0xFF : 0;
                byte vNone = (byte) x;
                byte vSub = (byte) (x - a);
                byte vUp = (byte) (x - b);
                byte vAvg = (byte) (x - ((a + b) >> 1));
                byte vPaeth = (byte) (x - PngDecoder.paeth(a, b, c));
                none[i + 1] = vNone;
                sub[i + 1] = vSub;
                up[i + 1] = vUp;
                avg[i + 1] = vAvg;
                paeth[i + 1] = vPaeth;
                sNone += Math.abs(vNone);
                sSub += Math.abs(vSub);
                sUp += Math.abs(vUp);
                sAvg += Math.abs(vAvg);
                sPaeth += Math.abs(vPaeth);
            }
            byte[] best = none;
            long min = sNone;
            if (sSub < min) {
                best = sub;
                min = sSub;
            }
            if (sUp < min) {
                best = up;
                min = sUp;
            }
            if (sAvg < min) {
                best = avg;
                min = sAvg;
            }
            if (sPaeth < min) {
                best = paeth;
            }
            return best;
        }
    }

    private static void writeChunk(OutputStream out, String type, byte[] body, int length) throws IOException {
        byte[] head = new byte[8];
        putInt(head, 0, length);
        for (int i = 0; i < 4; i++) {
            head[4 + i] = (byte) type.charAt(i);
        }
        CRC32 crc = new CRC32();
        crc.update(head, 4, 4);
        crc.update(body, 0, length);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(head);
        out.write(body, 0, length);
        out.write(tail);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
