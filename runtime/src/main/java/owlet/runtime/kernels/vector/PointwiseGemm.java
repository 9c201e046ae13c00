package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * A 1×1 stride-1 CONV_2D whose output has the input's spatial size: the patches are the rows of the NHWC
 * input, read in place, widened to ints a chunk of {@link #CHUNK} pixels at a time.
 */
final class PointwiseGemm extends IntWeightGemm {
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
    void run(byte[] arena, int p0, int p1, int b0, int b1, int[] acc, int[] src) {
        for (int c0 = p0; c0 < p1; c0 += CHUNK) {
            pixelsDirect(arena, c0, Math.min(p1, c0 + CHUNK), b0, b1, acc, src);
        }
    }

    /**
     * Pixels p0..p1 (at most {@link #CHUNK}) of a 1×1 convolution, blocks b0..b1, blocks outermost: the
     * chunk's input rows stay in cache while the weights stream through once. (Tiles outermost read the
     * whole weight matrix once per tile: 13 times 1.6 MB for V2's 7×7 320→1280 layer.)
     */
    private void pixelsDirect(byte[] arena, int p0, int p1, int b0, int b1, int[] acc, int[] rows) {
        widen(arena, inOffset + p0 * depth, (p1 - p0) * depth, rows, 0);
        int b = b0;
        for (; b + 2 <= b1; b += 2) {
            int p = p0;
            for (; p + 4 <= p1; p += 4) {
                tile4x2(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
            }
            for (; p < p1; p++) {
                tile1x1(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
                tile1x1(rows, (p - p0) * depth, b + 1, arena, outOffset + p * outC, acc);
            }
        }
        if (b < b1) {
            int p = p0;
            for (; p + 4 <= p1; p += 4) {
                tile4x1(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
            }
            for (; p < p1; p++) {
                tile1x1(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
            }
        }
    }
}
