package owlet.runtime.image;

import java.util.Objects;

/**
 * The reference preprocessing of {@code shared/reference/README.md}, steps 2 and 3: central
 * square crop, then pixel-centre-aligned bilinear resize rounded half up, in its exact integer
 * form. Output bytes equal {@code shared/reference/ppm/<S>/*.ppm}.
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
        int length = RgbImage.byteLength(size, size);
        int w = src.width();
        int h = src.height();
        if (w == size && h == size) {
            return src;
        }
        int side = Math.min(w, h);
        int x0 = (w - side) / 2;
        int y0 = (h - side) / 2;

        // Rows and columns share one rule and one side, hence one table: output index d reads
        // source indices lo[d] and hi[d] with weights (dd - f[d]) / dd and f[d] / dd.
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
        int[] colLo = new int[size];
        int[] colHi = new int[size];
        for (int d = 0; d < size; d++) {
            colLo[d] = (x0 + lo[d]) * 3;
            colHi[d] = (x0 + hi[d]) * 3;
        }

        byte[] in = src.rgb();
        byte[] out = new byte[length];
        int stride = w * 3;
        // acc <= 255 * dd^2, which overflows an int once size > 1451: use longs.
        long area = (long) dd * dd;
        long half = area / 2;
        int o = 0;
        for (int y = 0; y < size; y++) {
            int rowLo = (y0 + lo[y]) * stride;
            int rowHi = (y0 + hi[y]) * stride;
            long fy = f[y];
            long gy = dd - fy;
            for (int x = 0; x < size; x++) {
                int a = rowLo + colLo[x];
                int b = rowLo + colHi[x];
                int c = rowHi + colLo[x];
                int d = rowHi + colHi[x];
                long fx = f[x];
                long gx = dd - fx;
                for (int ch = 0; ch < 3; ch++) {
                    long acc = gy * (gx * (in[a + ch] & 0xFF) + fx * (in[b + ch] & 0xFF))
                            + fy * (gx * (in[c + ch] & 0xFF) + fx * (in[d + ch] & 0xFF));
                    out[o++] = (byte) ((acc + half) / area);
                }
            }
        }
        return new RgbImage(size, size, out);
    }
}
