package owlet.runtime.image;

import java.util.Objects;

/**
 * The reference preprocessing of {@code shared/reference/README.md}, steps 2 and 3, for any input shape:
 * central crop at the model's aspect ratio, then pixel-centre-aligned bilinear resize rounded half up, in
 * its exact integer form, and for a 1-channel input the integer luma below. For a square input the crop
 * is the central {@code min(w, h)} square and the output bytes equal
 * {@code shared/reference/ppm/<S>/*.ppm}. {@link #resize(RgbImage, int, int)} (the whole picture, each axis
 * on its own) gives {@code ppm/s300/*.ppm} for detectors.
 */
public final class Preprocess {
    private Preprocess() {}

    /** {@link #centerCropResize(RgbImage, int, int)} to a {@code size x size} square. */
    public static RgbImage centerCropResize(RgbImage src, int size) {
        return centerCropResize(src, size, size);
    }

    /**
     * Crops the central region with the aspect ratio {@code width : height} and resizes it to
     * {@code width x height}. The region is as large as fits: the whole height and
     * {@code floor(h * width / height)} columns when the image is wider than the target, else the whole
     * width and {@code floor(w * height / width)} rows (at least 1); offsets are rounded down. Returns
     * {@code src} itself when it already is {@code width x height}.
     *
     * @throws IllegalArgumentException if a size is not positive or the result would not fit an array
     */
    public static RgbImage centerCropResize(RgbImage src, int width, int height) {
        Objects.requireNonNull(src, "src");
        RgbImage.byteLength(width, height);
        int w = src.width();
        int h = src.height();
        if (w == width && h == height) {
            return src;
        }
        int cw;
        int ch;
        if ((long) w * height >= (long) h * width) { // as wide as the target or wider: keep every row
            ch = h;
            cw = (int) Math.max(1, Math.min(w, (long) h * width / height));
        } else {
            cw = w;
            ch = (int) Math.max(1, Math.min(h, (long) w * height / width));
        }
        return resize(src, (w - cw) / 2, (h - ch) / 2, cw, ch, width, height);
    }

    /**
     * Resizes the whole picture to {@code width x height}, no crop (what detectors see, reference README
     * "Detection"): the same bilinear rule, applied to each axis with its own source length. Returns
     * {@code src} itself when it already has that size.
     *
     * @throws IllegalArgumentException if a size is not positive or the result would not fit an array
     */
    public static RgbImage resize(RgbImage src, int width, int height) {
        Objects.requireNonNull(src, "src");
        RgbImage.byteLength(width, height);
        if (src.width() == width && src.height() == height) {
            return src;
        }
        return resize(src, 0, 0, src.width(), src.height(), width, height);
    }

    /**
     * Resizes the {@code cw x ch} region at ({@code x0}, {@code y0}) of {@code src} to {@code width x height}
     * with the integer bilinear rule, each axis on its own (columns: side {@code cw}, size {@code width};
     * rows: side {@code ch}, size {@code height}).
     */
    static RgbImage resize(RgbImage src, int x0, int y0, int cw, int ch, int width, int height) {
        int length = RgbImage.byteLength(width, height);
        Axis cols = new Axis(cw, width);
        Axis rows = new Axis(ch, height);
        int[] colLo = new int[width];
        int[] colHi = new int[width];
        for (int d = 0; d < width; d++) {
            colLo[d] = (x0 + cols.lo[d]) * 3;
            colHi[d] = (x0 + cols.hi[d]) * 3;
        }

        byte[] in = src.rgb();
        byte[] out = new byte[length];
        int stride = src.width() * 3;
        // acc <= 255 * dx * dy, which overflows an int once a side passes 1451: use longs.
        long dx = cols.denominator;
        long area = dx * rows.denominator;
        long half = area / 2;
        int o = 0;
        for (int y = 0; y < height; y++) {
            int rowLo = (y0 + rows.lo[y]) * stride;
            int rowHi = (y0 + rows.hi[y]) * stride;
            long fy = rows.f[y];
            long gy = rows.denominator - fy;
            for (int x = 0; x < width; x++) {
                int a = rowLo + colLo[x];
                int b = rowLo + colHi[x];
                int c = rowHi + colLo[x];
                int d = rowHi + colHi[x];
                long fx = cols.f[x];
                long gx = dx - fx;
                for (int k = 0; k < 3; k++) {
                    long acc = gy * (gx * (in[a + k] & 0xFF) + fx * (in[b + k] & 0xFF))
                            + fy * (gx * (in[c + k] & 0xFF) + fx * (in[d + k] & 0xFF));
                    out[o++] = (byte) ((acc + half) / area);
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    /**
     * One axis of the resize, {@code side} source pixels to {@code size}: output index d reads source indices
     * lo[d] and hi[d] with weights (D - f[d]) / D and f[d] / D, D = 2 * size.
     */
    private static final class Axis {
        final int denominator;
        final int[] lo;
        final int[] hi;
        final int[] f;

        Axis(int side, int size) {
            denominator = 2 * size;
            lo = new int[size];
            hi = new int[size];
            f = new int[size];
            for (int d = 0; d < size; d++) {
                long n = Math.max(0, (2L * d + 1) * side - size);
                lo[d] = (int) (n / denominator);
                f[d] = (int) (n % denominator);
                if (lo[d] >= side - 1) {
                    lo[d] = side - 1;
                    f[d] = 0;
                }
                hi[d] = Math.min(lo[d] + 1, side - 1);
            }
        }
    }

    /**
     * One gray byte per pixel, ITU-R BT.601 luma in integers: {@code (77 R + 150 G + 29 B + 128) >> 8}. The
     * weights sum to 256, so a gray pixel (R = G = B) keeps its value and white stays 255.
     */
    public static byte[] luma(RgbImage src) {
        byte[] in = src.rgb();
        byte[] out = new byte[in.length / 3];
        for (int i = 0, j = 0; i < out.length; i++, j += 3) {
            out[i] = (byte) ((77 * (in[j] & 0xFF) + 150 * (in[j + 1] & 0xFF) + 29 * (in[j + 2] & 0xFF) + 128) >> 8);
        }
        return out;
    }

    /**
     * The bytes an image model's {@code height x width x channels} input takes from {@code src}: the
     * centre crop and resize above, then for one channel the {@link #luma}. {@code channels} is 1 or 3.
     */
    public static byte[] forInput(RgbImage src, int width, int height, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("an image input has 1 or 3 channels, not " + channels);
        }
        RgbImage sized = centerCropResize(src, width, height);
        return channels == 3 ? sized.rgb() : luma(sized);
    }
}
