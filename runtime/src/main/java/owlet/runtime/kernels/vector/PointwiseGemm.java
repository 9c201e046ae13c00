package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * A 1×1 stride-1 CONV_2D whose output has the input's spatial size: the patches are the rows of the NHWC
 * input, read in place, turned into input pairs a chunk of {@link #CHUNK} pixels at a time.
 */
final class PointwiseGemm extends PairGemm {
    /** Pixels of a 1×1 convolution done together, all blocks, before the next: a multiple of 4. */
    private static final int CHUNK = 64;

    /** 1×1, stride 1, same spatial size: the input rows are the patches. */
    static boolean takes(Window w) {
        return w.kh() == 1 && w.kw() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.outH() == w.inH()
                && w.outW() == w.inW();
    }

    PointwiseGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, CHUNK);
    }

    @Override
    void run(byte[] arena, int p0, int p1, int b0, int b1, int part) {
        int[] rows = patches[part];
        int[] sum = sums[part];
        int[] acc = scratch[part];
        for (int c0 = p0; c0 < p1; c0 += CHUNK) {
            int c1 = Math.min(p1, c0 + CHUNK);
            for (int p = c0; p < c1; p++) {
                sum[p - c0] = pairUp(arena, inOffset + p * depth, rows, (p - c0) * pairs);
            }
            pixels(arena, c0, c1, b0, b1, rows, sum, acc);
        }
    }

    /**
     * Pixels p0..p1 (at most {@link #CHUNK}, their pairs in {@code rows}) of a 1×1 convolution, blocks
     * b0..b1, blocks outermost: the chunk's pairs stay in cache while the weights stream through once.
     * (Tiles outermost read the whole weight matrix once per tile: 13 times 1.6 MB for V2's 7×7 320→1280
     * layer.)
     */
    private void pixels(byte[] arena, int p0, int p1, int b0, int b1, int[] rows, int[] sum, int[] acc) {
        for (int b = b0; b < b1; b++) {
            for (int p = p0; p < p1; p += 4) {
                tile4(rows, (p - p0) * pairs, sum, p - p0, b, arena, outOffset + p * outC, acc, Math.min(4, p1 - p));
            }
        }
    }
}
