package owlet.runtime.image;

/**
 * The output stage of {@link JpegDecoder}, as libjpeg 6b runs it for {@code javax.imageio}: each
 * component's blocks through {@link JpegIdct}, then chroma upsampled to full size ("fancy" triangle
 * filters for 2x1 and 2x2, plain replication for other integral ratios and for components two or fewer
 * samples wide), then YCbCr to RGB with libjpeg's 16-bit fixed-point tables. Greyscale gives
 * R = G = B; RGB-coded files are taken as stored.
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
        if (jpeg.progressive()) {
            for (JpegDecoder.Component c : comps) {
                if (wouldSmooth(c)) {
                    throw jpeg.unsupported("progressive JPEG whose scans leave coefficient "
                            + firstUnrefined(c) + " of component " + c.id
                            + " unfinished (libjpeg would smooth its blocks)");
                }
            }
        }
        boolean ycc = comps.length == 3 && jpeg.threeComponentsAreYcc();
        int w = jpeg.width();
        int h = jpeg.height();
        byte[][] planes = new byte[comps.length][];
        JpegIdct idct = new JpegIdct();
        for (int i = 0; i < comps.length; i++) {
            planes[i] = samples(comps[i], idct);
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
        return firstUnrefined(c) > 0;
    }

    /** The first of coefficients 1..5 (zig-zag order) not coded down to bit 0, or 0 if none. */
    private static int firstUnrefined(JpegDecoder.Component c) {
        for (int k = 1; k <= 5; k++) {
            if (c.coefBits[k] != 0) {
                return k;
            }
        }
        return 0;
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /** The component's samples: all stored blocks through the IDCT, row stride {@code blocksWide * 8}. */
    private static byte[] samples(JpegDecoder.Component c, JpegIdct idct) {
        int stride = c.blocksWide * 8;
        byte[] plane = new byte[stride * c.blocksHigh * 8];
        short[] coef = c.coef;
        for (int by = 0; by < c.blocksHigh; by++) {
            for (int bx = 0; bx < c.blocksWide; bx++) {
                idct.transform(coef, (by * c.blocksWide + bx) * 64, c.quant, plane, by * 8 * stride + bx * 8, stride);
            }
        }
        return plane;
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
