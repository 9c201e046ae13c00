package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Any CONV_2D (chosen for those of more than 4 input channels that are not 1×1 stride 1): each window is
 * gathered into per-part scratch first ({@link #gather}), taps outside the input filled with the input zero
 * point, so padding never reaches the inner loop, and turned into input pairs, 4 patches before a tile.
 * {@link RowPairGemm} builds its patches another way.
 */
class GatheredGemm extends PairGemm {
    GatheredGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, 4);
    }

    GatheredGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts, Pairing pairing) {
        super(w, filter, inputOffset, rq, parts, 4, pairing);
    }

    /**
     * The input pairs of output pixel (b, oy, ox) at {@code dst[at]} ({@link #pairs} of them; may write
     * up to L ints past them); returns its {@code Σ_k u}.
     */
    int patch(byte[] arena, int b, int oy, int ox, int[] dst, int at, int part) {
        byte[] window = windows[part];
        gather(arena, b, oy, ox, window, 0);
        return pairUp(window, 0, dst, at);
    }

    /** Pixels p0..p1, blocks b0..b1: patches built 4 at a time, then a tile for each block. */
    @Override
    void run(byte[] arena, int p0, int p1, int b0, int b1, int part) {
        int[] src = patches[part];
        int[] sum = sums[part];
        int[] acc = scratch[part];
        Window g = w;
        int perImage = g.outH() * g.outW();
        // Coordinates of pixel p, advanced one pixel at a time (no division per pixel).
        int b = p0 / perImage;
        int oy = (p0 - b * perImage) / g.outW();
        int ox = p0 - b * perImage - oy * g.outW();
        int p = p0;
        for (; p < p1; p++) {
            int q = (p - p0) & 3;
            sum[q] = patch(arena, b, oy, ox, src, q * pairs, part);
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
