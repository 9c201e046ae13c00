package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Any stride and channel count (chosen for stride 2 with channels not a multiple of {@code L}, and on
 * aarch64 at 128 bits): a row one pixel at a time, {@code ⌈C / L⌉} vectors each, over padded copies of its
 * input rows ({@link #wholeRow}).
 */
final class Depthwise3x3ByPixel extends Depthwise3x3 {
    Depthwise3x3ByPixel(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, true);
    }

    /**
     * Row oy whole, one pixel at a time from its padded input rows. (With the border pixels done by
     * {@link #borderPixel} instead, that method ran too rarely on aarch64 to be compiled early, and as
     * compiled by C1 allocated 8 MB per inference of V1 0.25/128 for dozens of inferences; see BENCHMARKS.md.)
     */
    @Override
    void wholeRow(byte[] rows, byte[] arena, int b, int oy, int[] acc) {
        int c = channels;
        int out0 = w.outOffset() + (b * w.outH() + oy) * w.outW() * c;
        int step = w.strideW() * c;
        for (int ox = 0; ox < w.outW(); ox++) {
            pixel(rows, ox * step, paddedWidth * c, arena, out0 + ox * c, acc);
        }
    }

    /** The pixel whose window starts at {@code src[ip]}, rows {@code inRow} bytes apart, to {@code arena[out]}. */
    private void pixel(byte[] src, int ip, int inRow, byte[] arena, int out, int[] acc) {
        int c = channels;
        for (int ch = 0; ch < c; ch += L) {
            IntVector sum = IntVector.zero(I);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    IntVector x = VIA_SHORTS ? ByteLanes.widenViaShorts(src, ip + ky * inRow + kx * c + ch)
                            : (IntVector) ByteVector.fromArray(B, src, ip + ky * inRow + kx * c + ch).castShape(I, 0);
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * period + ch)));
                }
            }
            sum.intoArray(acc, 0);
            rq.store(acc, 0, ch, arena, out + ch, Math.min(L, c - ch));
        }
    }
}
