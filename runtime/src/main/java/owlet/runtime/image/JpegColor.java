package owlet.runtime.image;

/**
 * The output stage of {@link JpegDecoder}, as libjpeg runs it for {@code javax.imageio}: each
 * component's blocks through {@link JpegIdct}, then chroma upsampled to full size ("fancy" triangle
 * filters for 2x1, 2x2 and 1x2, plain replication for other integral ratios and for 2x1 and 2x2
 * components two or fewer samples wide), then YCbCr to RGB with libjpeg's 16-bit fixed-point tables.
 * Greyscale gives R = G = B; RGB-coded files are taken as stored.
 *
 * <p>Which libjpeg: Debian's OpenJDK (the project's JDK 17, and the Pi's) runs the system's
 * libjpeg-turbo 2.1, other JDKs (e.g. Temurin) a bundled IJG libjpeg 6b. They differ in two places:
 * 1x2 (4:4:0) chroma, which libjpeg-turbo filters and 6b replicates (done here as libjpeg-turbo does),
 * and the block smoothing of progressive files whose scans leave some of the lowest AC coefficients
 * unfinished, which libjpeg-turbo 2.1 does with a larger neighbourhood (done here as 6b does).
 */
final class JpegColor {
    private static final int SCALE_BITS = 16;
    private static final int HALF = 1 << (SCALE_BITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + HALF) >> SCALE_BITS;
            CB_B[i] = (fix(1.77200) * x + HALF) >> SCALE_BITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + HALF;
        }
    }

    private JpegColor() {}

    private static int fix(double x) {
        return (int) (x * (1 << SCALE_BITS) + 0.5);
    }

    static RgbImage toRgb(JpegDecoder jpeg) throws ImageFormatException {
        JpegDecoder.Component[] comps = jpeg.components();
        for (JpegDecoder.Component c : comps) {
            if (c.coefBits[0] < 0) {
                throw jpeg.error("truncated JPEG: component " + c.id + " has no scan");
            }
        }
        boolean ycc = comps.length == 3 && jpeg.threeComponentsAreYcc();
        int w = jpeg.width();
        int h = jpeg.height();
        byte[][] planes = new byte[comps.length][];
        JpegIdct idct = new JpegIdct();
        for (int i = 0; i < comps.length; i++) {
            planes[i] = samples(comps[i], idct, jpeg.progressive() && wouldSmooth(comps[i]));
            comps[i].coef = null; // let the coefficients go before the output is allocated
        }
        byte[] rgb = new byte[RgbImage.byteLength(w, h)];
        byte[][] rows = new byte[comps.length][w + 8];
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < comps.length; i++) {
                upsampleRow(comps[i], planes[i], jpeg.hMax() / comps[i].h, jpeg.vMax() / comps[i].v, y, rows[i], w);
            }
            int o = y * w * 3;
            if (comps.length == 1) {
                byte[] g = rows[0];
                for (int x = 0; x < w; x++, o += 3) {
                    rgb[o] = g[x];
                    rgb[o + 1] = g[x];
                    rgb[o + 2] = g[x];
                }
            } else if (!ycc) {
                byte[] r = rows[0];
                byte[] g = rows[1];
                byte[] b = rows[2];
                for (int x = 0; x < w; x++, o += 3) {
                    rgb[o] = r[x];
                    rgb[o + 1] = g[x];
                    rgb[o + 2] = b[x];
                }
            } else {
                byte[] ys = rows[0];
                byte[] cbs = rows[1];
                byte[] crs = rows[2];
                for (int x = 0; x < w; x++, o += 3) {
                    int luma = ys[x] & 0xFF;
                    int cb = cbs[x] & 0xFF;
                    int cr = crs[x] & 0xFF;
                    rgb[o] = clamp(luma + CR_R[cr]);
                    rgb[o + 1] = clamp(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
                    rgb[o + 2] = clamp(luma + CB_B[cb]);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * Whether libjpeg's block smoothing would run on the final output pass of a progressive file: it
     * does when one of the first five AC coefficients was never coded or not refined down to bit 0,
     * unless the quantization table has a zero among the entries smoothing uses.
     */
    private static boolean wouldSmooth(JpegDecoder.Component c) {
        int[] q = c.quant;
        if (q[0] == 0 || q[1] == 0 || q[8] == 0 || q[16] == 0 || q[9] == 0 || q[2] == 0) {
            return false;
        }
        for (int k = 1; k <= 5; k++) {
            if (c.coefBits[k] != 0) {
                return true;
            }
        }
        return false;
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /**
     * The component's samples: all stored blocks through the IDCT, row stride {@code blocksWide * 8}.
     * With {@code smooth}, the blocks of the image first get libjpeg's block smoothing (see {@link #smooth}).
     */
    private static byte[] samples(JpegDecoder.Component c, JpegIdct idct, boolean smooth) {
        int stride = c.blocksWide * 8;
        byte[] plane = new byte[stride * c.blocksHigh * 8];
        short[] coef = c.coef;
        short[] work = new short[64];
        for (int by = 0; by < c.blocksHigh; by++) {
            for (int bx = 0; bx < c.blocksWide; bx++) {
                int at = (by * c.blocksWide + bx) * 64;
                int outAt = by * 8 * stride + bx * 8;
                if (smooth && bx < c.scanBlocksWide && by < c.scanBlocksHigh) {
                    System.arraycopy(coef, at, work, 0, 64);
                    smooth(c, bx, by, work);
                    idct.transform(work, 0, c.quant, plane, outAt, stride);
                } else {
                    idct.transform(coef, at, c.quant, plane, outAt, stride);
                }
            }
        }
        return plane;
    }

    /**
     * libjpeg's block smoothing (jdcoefct.c, after JPEG's Annex K.8): each of the five lowest AC
     * coefficients still zero and not yet coded to bit 0 is predicted from the DC values of the 3x3
     * neighbouring blocks (the image's edge blocks repeat), and clamped below the step of its last scan.
     */
    private static void smooth(JpegDecoder.Component c, int bx, int by, short[] work) {
        short[] coef = c.coef;
        int[] q = c.quant;
        int left = Math.max(bx - 1, 0);
        int right = Math.min(bx + 1, c.scanBlocksWide - 1);
        int up = Math.max(by - 1, 0);
        int down = Math.min(by + 1, c.scanBlocksHigh - 1);
        int w = c.blocksWide;
        long dc1 = coef[(up * w + left) * 64];
        long dc2 = coef[(up * w + bx) * 64];
        long dc3 = coef[(up * w + right) * 64];
        long dc4 = coef[(by * w + left) * 64];
        long dc5 = coef[(by * w + bx) * 64];
        long dc6 = coef[(by * w + right) * 64];
        long dc7 = coef[(down * w + left) * 64];
        long dc8 = coef[(down * w + bx) * 64];
        long dc9 = coef[(down * w + right) * 64];
        long q00 = q[0];
        predict(work, 1, c.coefBits[1], q[1], 36 * q00 * (dc4 - dc6));
        predict(work, 8, c.coefBits[2], q[8], 36 * q00 * (dc2 - dc8));
        predict(work, 16, c.coefBits[3], q[16], 9 * q00 * (dc2 + dc8 - 2 * dc5));
        predict(work, 9, c.coefBits[4], q[9], 5 * q00 * (dc1 - dc3 - dc7 + dc9));
        predict(work, 2, c.coefBits[5], q[2], 9 * q00 * (dc4 + dc6 - 2 * dc5));
    }

    private static void predict(short[] work, int at, int al, long quant, long num) {
        if (al == 0 || work[at] != 0) {
            return;
        }
        long pred = ((quant << 7) + Math.abs(num)) / (quant << 8);
        if (al > 0 && pred >= 1 << al) {
            pred = (1 << al) - 1;
        }
        work[at] = (short) (num >= 0 ? pred : -pred);
    }

    /**
     * Output row {@code y} of component {@code c}, upsampled by {@code hx} x {@code vx}, into
     * {@code out[0 .. w-1]}. Rows above and below the component's own rows repeat its first and last.
     */
    private static void upsampleRow(JpegDecoder.Component c, byte[] plane, int hx, int vx, int y, byte[] out, int w) {
        int stride = c.blocksWide * 8;
        int cw = c.width;
        boolean fancy = cw > 2;
        if (hx == 1 && vx == 1) {
            System.arraycopy(plane, y * stride, out, 0, w);
        } else if (hx == 2 && vx == 1 && fancy) {
            fancyRow(plane, y * stride, -1, cw, out, w);
        } else if (hx == 2 && vx == 2 && fancy) {
            int row = y >> 1;
            int near = (y & 1) == 0 ? Math.max(row - 1, 0) : Math.min(row + 1, c.height - 1);
            fancyRow(plane, row * stride, near * stride, cw, out, w);
        } else if (hx == 1 && vx == 2) {
            int row = y >> 1;
            int near = (y & 1) == 0 ? Math.max(row - 1, 0) : Math.min(row + 1, c.height - 1);
            int bias = 1 + (y & 1);
            for (int x = 0; x < w; x++) {
                out[x] = (byte) (((plane[row * stride + x] & 0xFF) * 3 + (plane[near * stride + x] & 0xFF) + bias) >> 2);
            }
        } else {
            int at = (y / vx) * stride;
            for (int x = 0; x < w; x++) {
                out[x] = plane[at + x / hx];
            }
        }
    }

    /**
     * libjpeg's triangle filter doubling a row: each output sample is 3/4 of the nearer input and 1/4
     * of the farther, rounding alternately down and up. With {@code near >= 0} it is the 2x2 form:
     * the input is first mixed vertically, 3/4 of row {@code at} and 1/4 of row {@code near}.
     */
    private static void fancyRow(byte[] plane, int at, int near, int cw, byte[] out, int w) {
        if (near < 0) {
            int o = 0;
            int in = plane[at] & 0xFF;
            out[o++] = (byte) in;
            out[o++] = (byte) ((in * 3 + (plane[at + 1] & 0xFF) + 2) >> 2);
            for (int x = 1; x < cw - 1; x++) {
                int v = (plane[at + x] & 0xFF) * 3;
                out[o++] = (byte) ((v + (plane[at + x - 1] & 0xFF) + 1) >> 2);
                out[o++] = (byte) ((v + (plane[at + x + 1] & 0xFF) + 2) >> 2);
            }
            int last = plane[at + cw - 1] & 0xFF;
            out[o++] = (byte) ((last * 3 + (plane[at + cw - 2] & 0xFF) + 1) >> 2);
            out[o] = (byte) last;
            return;
        }
        int o = 0;
        int thisSum = (plane[at] & 0xFF) * 3 + (plane[near] & 0xFF);
        int nextSum = (plane[at + 1] & 0xFF) * 3 + (plane[near + 1] & 0xFF);
        out[o++] = (byte) ((thisSum * 4 + 8) >> 4);
        out[o++] = (byte) ((thisSum * 3 + nextSum + 7) >> 4);
        int lastSum = thisSum;
        thisSum = nextSum;
        for (int x = 2; x < cw; x++) {
            nextSum = (plane[at + x] & 0xFF) * 3 + (plane[near + x] & 0xFF);
            out[o++] = (byte) ((thisSum * 3 + lastSum + 8) >> 4);
            out[o++] = (byte) ((thisSum * 3 + nextSum + 7) >> 4);
            lastSum = thisSum;
            thisSum = nextSum;
        }
        out[o++] = (byte) ((thisSum * 3 + lastSum + 8) >> 4);
        out[o] = (byte) ((thisSum * 4 + 7) >> 4);
    }
}
