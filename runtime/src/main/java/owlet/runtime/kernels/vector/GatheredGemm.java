package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Any CONV_2D (the first 3×3 layer of a MobileNet): each group of 4 patches is gathered into per-part
 * scratch first ({@link #gather}), taps outside the input filled with the input zero point, so padding
 * never reaches the inner loop.
 */
final class GatheredGemm extends IntWeightGemm {
    GatheredGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, 4);
    }

    /** Pixels p0..p1, blocks b0..b1 of a convolution whose windows are gathered, 4 at a time. */
    @Override
    void run(byte[] arena, int p0, int p1, int b0, int b1, int[] acc, int[] src) {
        Window g = w;
        int perImage = g.outH() * g.outW();
        // Coordinates of pixel p, advanced one pixel at a time (no division per pixel).
        int b = p0 / perImage;
        int oy = (p0 - b * perImage) / g.outW();
        int ox = p0 - b * perImage - oy * g.outW();
        int p = p0;
        for (; p < p1; p++) {
            int q = (p - p0) & 3;
            gather(arena, b, oy, ox, src, q * depth);
            if (++ox == g.outW()) {
                ox = 0;
                if (++oy == g.outH()) {
                    oy = 0;
                    b++;
                }
            }
            if (q == 3) {
                int out = outOffset + (p - 3) * outC;
                int k = b0;
                for (; k + 2 <= b1; k += 2) {
                    tile4x2(src, 0, k, arena, out, acc);
                }
                if (k < b1) {
                    tile4x1(src, 0, k, arena, out, acc);
                }
            }
        }
        // The last (p1 - p0) % 4 pixels, gathered at q = 0, 1, 2 above.
        for (int r = p1 - (p1 - p0) % 4; r < p1; r++) {
            int q = (r - p0) & 3;
            for (int k = b0; k < b1; k++) {
                tile1x1(src, q * depth, k, arena, outOffset + r * outC, acc);
            }
        }
    }
}
