package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Any CONV_2D (the first 3×3 layer of a MobileNet): each window is gathered into per-part scratch first
 * ({@link #gather}), taps outside the input filled with the input zero point, so padding never reaches
 * the inner loop, and turned into input pairs, 4 patches before a tile.
 */
final class GatheredGemm extends PairGemm {
    GatheredGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, 4);
    }

    /** Pixels p0..p1, blocks b0..b1 of a convolution whose windows are gathered, 4 at a time. */
    @Override
    void run(byte[] arena, int p0, int p1, int b0, int b1, int part) {
        int[] src = patches[part];
        int[] sum = sums[part];
        int[] acc = scratch[part];
        byte[] window = windows[part];
        Window g = w;
        int perImage = g.outH() * g.outW();
        // Coordinates of pixel p, advanced one pixel at a time (no division per pixel).
        int b = p0 / perImage;
        int oy = (p0 - b * perImage) / g.outW();
        int ox = p0 - b * perImage - oy * g.outW();
        int p = p0;
        for (; p < p1; p++) {
            int q = (p - p0) & 3;
            gather(arena, b, oy, ox, window, 0);
            sum[q] = pairUp(window, 0, src, q * pairs);
            if (++ox == g.outW()) {
                ox = 0;
                if (++oy == g.outH()) {
                    oy = 0;
                    b++;
                }
            }
            if (q == 3) {
                int out = outOffset + (p - 3) * outC;
                for (int k = b0; k < b1; k++) {
                    tile4(src, 0, sum, 0, k, arena, out, acc, 4);
                }
            }
        }
        // The last (p1 - p0) % 4 pixels, gathered at q = 0, 1, 2 above.
        int rest = (p1 - p0) % 4;
        if (rest > 0) {
            for (int k = b0; k < b1; k++) {
                tile4(src, 0, sum, 0, k, arena, outOffset + (p1 - rest) * outC, acc, rest);
            }
        }
    }
}
