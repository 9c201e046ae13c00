package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Stride 1, channels a multiple of {@code L}: the interior of a row one block of {@code L} channels at a
 * time, the 3×3 window of input vectors sliding along the row with the block's 9 weight vectors held
 * throughout. Every row goes whole, over padded copies of its input rows ({@link #wholeRow}).
 */
final class Depthwise3x3SlidingWindow extends Depthwise3x3 {
    Depthwise3x3SlidingWindow(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, true);
    }

    /** Row oy whole, sliding over its padded input rows. */
    @Override
    void wholeRow(byte[] rows, byte[] arena, int b, int oy, int[] acc) {
        int c = channels;
        int n = w.outW();
        int out0 = w.outOffset() + (b * w.outH() + oy) * n * c;
        for (int ch = 0; ch < c; ch += L) {
            blockRow(rows, ch, paddedWidth * c, ch, n, acc);
            rq.store(acc, 0, n, ch, arena, out0 + ch, c, L);
        }
    }

    /**
     * The accumulators of {@code n} output pixels along a row for channels ch..ch+L, to {@code acc[x·L]}:
     * the 3×3 window of input vectors slides by one pixel, so each output vector loads one new column of 3
     * input vectors, and the block's 9 weight vectors are loaded once. The output stage is the caller's: a
     * call inside the loop would spill the 15 live vectors around every output vector, and inlined here it
     * brought this method's compilation to the JIT's node limit, where in some runs a vector multiply was
     * left unintrinsified (0.4–0.8 MB allocated per inference of V1 0.25/128).
     */
    private void blockRow(byte[] arena, int ip, int inRow, int ch, int n, int[] acc) {
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
        // Window columns 0 and 1, each as its top (t), middle (m) and bottom (d) input vector.
        IntVector t0 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip)
                : (IntVector) ByteVector.fromArray(B, arena, ip).castShape(I, 0);
        IntVector m0 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip + inRow)
                : (IntVector) ByteVector.fromArray(B, arena, ip + inRow).castShape(I, 0);
        IntVector d0 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip + 2 * inRow)
                : (IntVector) ByteVector.fromArray(B, arena, ip + 2 * inRow).castShape(I, 0);
        IntVector t1 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip + c)
                : (IntVector) ByteVector.fromArray(B, arena, ip + c).castShape(I, 0);
        IntVector m1 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip + c + inRow)
                : (IntVector) ByteVector.fromArray(B, arena, ip + c + inRow).castShape(I, 0);
        IntVector d1 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip + c + 2 * inRow)
                : (IntVector) ByteVector.fromArray(B, arena, ip + c + 2 * inRow).castShape(I, 0);
        for (int x = 0; x < n; x++) {
            int col = ip + x * c + 2 * c;
            IntVector t2 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, col)
                : (IntVector) ByteVector.fromArray(B, arena, col).castShape(I, 0);
            IntVector m2 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, col + inRow)
                : (IntVector) ByteVector.fromArray(B, arena, col + inRow).castShape(I, 0);
            IntVector d2 = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, col + 2 * inRow)
                : (IntVector) ByteVector.fromArray(B, arena, col + 2 * inRow).castShape(I, 0);
            t0.mul(w0).add(t1.mul(w1)).add(t2.mul(w2))
                    .add(m0.mul(w3)).add(m1.mul(w4)).add(m2.mul(w5))
                    .add(d0.mul(w6)).add(d1.mul(w7)).add(d2.mul(w8)).intoArray(acc, x * L);
            t0 = t1;
            m0 = m1;
            d0 = d1;
            t1 = t2;
            m1 = m2;
            d1 = d2;
        }
    }
}
