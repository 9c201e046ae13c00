package owlet.runtime.image;

import java.util.Objects;

/**
 * The reference preprocessing of {@code shared/reference/README.md}, steps 2 and 3: central
 * square crop, then pixel-centre-aligned bilinear resize rounded half up, in its exact integer
 * form. Output bytes equal {@code shared/reference/ppm/<S>/*.ppm}; {@link #resize(RgbImage, int, int)}
 * (whole picture, each axis on its own) gives {@code ppm/s300/*.ppm} for detectors.
 */
public final class Preprocess {
    private Preprocess() {}

    /**
     * Crops the central {@code min(w, h)} square (offsets rounded down) and resizes it to
     * {@code size x size}. Returns {@code src} itself when it already is {@code size x size}.
     *
     * @throws IllegalArgumentException if {@code size} is not positive or the result would not fit
     *     an array
     */
    public static RgbImage centerCropResize(RgbImage src, int size) {
        Objects.requireNonNull(src, "src");
        RgbImage.byteLength(size, size);
        int w = src.width();
        int h = src.height();
        if (w == size && h == size) {
            return src;
        }
        int side = Math.min(w, h);
        return resize(src, (w - side) / 2, side, size, (h - side) / 2, side, size);
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
        return resize(src, 0, src.width(), width, 0, src.height(), height);
    }

    /**
     * One axis of the rule: output index d reads source indices {@code lo[d]} and {@code hi[d]} with
     * weights {@code (2 size - f[d]) / (2 size)} and {@code f[d] / (2 size)}.
     */
    private record Axis(int[] lo, int[] hi, int[] f, long dd) {
        static Axis of(int side, int size) {
            int dd = 2 * size;
            int[] lo = new int[size];
            int[] hi = new int[size];
            int[] f = new int[size];
            for (int d = 0; d < size; d++) {
                long n = Math.max(0, (2L * d + 1) * side - size);
                lo[d] = (int) (n / dd);
                f[d] = (int) (n % dd);
                if (lo[d] >= side - 1) {
                    lo[d] = side - 1;
                    f[d] = 0;
                }
                hi[d] = Math.min(lo[d] + 1, side - 1);
            }
            return new Axis(lo, hi, f, dd);
        }
    }

    /**
     * Resizes the {@code sideX x sideY} region at {@code (x0, y0)} of {@code src} to {@code outW x outH}:
     * acc = (D_y - fy)((D_x - fx) a + fx b) + fy((D_x - fx) c + fx d), rounded half up by D_x D_y
     * (equal to the reference README's form when both axes share one D).
     */
    private static RgbImage resize(RgbImage src, int x0, int sideX, int outW, int y0, int sideY, int outH) {
        int length = RgbImage.byteLength(outW, outH);
        Axis cols = Axis.of(sideX, outW);
        Axis rows = Axis.of(sideY, outH);
        int[] colLo = new int[outW];
        int[] colHi = new int[outW];
        for (int d = 0; d < outW; d++) {
            colLo[d] = (x0 + cols.lo()[d]) * 3;
            colHi[d] = (x0 + cols.hi()[d]) * 3;
        }

        byte[] in = src.rgb();
        byte[] out = new byte[length];
        int stride = src.width() * 3;
        // acc <= 255 * dx * dy, which overflows an int once sizes pass ~1450: use longs.
        long area = cols.dd() * rows.dd();
        long half = area / 2;
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int rowLo = (y0 + rows.lo()[y]) * stride;
            int rowHi = (y0 + rows.hi()[y]) * stride;
            long fy = rows.f()[y];
            long gy = rows.dd() - fy;
            for (int x = 0; x < outW; x++) {
                int a = rowLo + colLo[x];
                int b = rowLo + colHi[x];
                int c = rowHi + colLo[x];
                int d = rowHi + colHi[x];
                long fx = cols.f()[x];
                long gx = cols.dd() - fx;
                for (int ch = 0; ch < 3; ch++) {
                    long acc = gy * (gx * (in[a + ch] & 0xFF) + fx * (in[b + ch] & 0xFF))
                            + fy * (gx * (in[c + ch] & 0xFF) + fx * (in[d + ch] & 0xFF));
                    out[o++] = (byte) ((acc + half) / area);
                }
            }
        }
        return new RgbImage(outW, outH, out);
    }
}
