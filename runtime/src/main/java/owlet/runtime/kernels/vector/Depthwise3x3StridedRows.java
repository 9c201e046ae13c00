package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Channels a multiple of {@code L}, any stride (chosen for stride 2): the interior of a row one block of
 * {@code L} channels at a time, the block's 9 weight vectors loaded once for the row and 9 input vectors
 * per pixel. (The sliding walk of {@link Depthwise3x3SlidingWindow} with stride 2, two new columns per
 * output, was slower than going pixel by pixel, and this faster than both: see BENCHMARKS.md.) Every row goes
 * whole, over padded copies of its input rows ({@link #wholeRow}).
 */
final class Depthwise3x3StridedRows extends Depthwise3x3 {
    Depthwise3x3StridedRows(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, true);
    }

    /** Row oy whole, from its padded input rows. */
    @Override
    void wholeRow(byte[] rows, byte[] arena, int b, int oy, int[] acc) {
        int c = channels;
        int n = w.outW();
        int out0 = w.outOffset() + (b * w.outH() + oy) * n * c;
        for (int ch = 0; ch < c; ch += L) {
            stridedBlockRow(rows, ch, paddedWidth * c, w.strideW() * c, ch, n, acc);
            rq.store(acc, 0, n, ch, arena, out0 + ch, c, L);
        }
    }

    /**
     * The accumulators of {@code n} output pixels along a row, {@code step} input bytes apart, for channels
     * ch..ch+L, to {@code acc[x·L]}: the block's 9 weight vectors loaded once for the row, 9 input vectors
     * per pixel. (The weight loads repeat {@link Depthwise3x3SlidingWindow}'s: a helper returning vectors would box
     * them.)
     */
    private void stridedBlockRow(byte[] arena, int ip, int inRow, int step, int ch, int n, int[] acc) {
        int c = channels;
        IntVector w0 = IntVector.fromArray(I, packed, ch);
        IntVector w1 = IntVector.fromArray(I, packed, period + ch);
        IntVector w2 = IntVector.fromArray(I, packed, 2 * period + ch);
        IntVector w3 = IntVector.fromArray(I, packed, 3 * period + ch);
        IntVector w4 = IntVector.fromArray(I, packed, 4 * period + ch);
        IntVector w5 = IntVector.fromArray(I, packed, 5 * period + ch);
        IntVector w6 = IntVector.fromArray(I, packed, 6 * period + ch);
        IntVector w7 = IntVector.fromArray(I, packed, 7 * period + ch);
        IntVector w8 = IntVector.fromArray(I, packed, 8 * period + ch);
        for (int x = 0; x < n; x++) {
            int t = ip + x * step;
            int m = t + inRow;
            int d = m + inRow;
            (VIA_SHORTS ? ByteLanes.widenViaShorts(arena, t)
                            : (IntVector) ByteVector.fromArray(B, arena, t).castShape(I, 0)).mul(w0)
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, t + c)
                            : (IntVector) ByteVector.fromArray(B, arena, t + c).castShape(I, 0)).mul(w1))
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, t + 2 * c)
                            : (IntVector) ByteVector.fromArray(B, arena, t + 2 * c).castShape(I, 0)).mul(w2))
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, m)
                            : (IntVector) ByteVector.fromArray(B, arena, m).castShape(I, 0)).mul(w3))
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, m + c)
                            : (IntVector) ByteVector.fromArray(B, arena, m + c).castShape(I, 0)).mul(w4))
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, m + 2 * c)
                            : (IntVector) ByteVector.fromArray(B, arena, m + 2 * c).castShape(I, 0)).mul(w5))
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, d)
                            : (IntVector) ByteVector.fromArray(B, arena, d).castShape(I, 0)).mul(w6))
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, d + c)
                            : (IntVector) ByteVector.fromArray(B, arena, d + c).castShape(I, 0)).mul(w7))
                    .add((VIA_SHORTS ? ByteLanes.widenViaShorts(arena, d + 2 * c)
                            : (IntVector) ByteVector.fromArray(B, arena, d + 2 * c).castShape(I, 0)).mul(w8))
                    .intoArray(acc, x * L);
        }
    }
}
