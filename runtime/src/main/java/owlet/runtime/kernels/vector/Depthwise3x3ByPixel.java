package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Any stride and channel count (chosen for stride 2 with channels not a multiple of {@code L}): the
 * interior of a row one pixel at a time, {@code ⌈C / L⌉} vectors each.
 */
final class Depthwise3x3ByPixel extends Depthwise3x3 {
    Depthwise3x3ByPixel(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts);
    }

    /** Output pixels oxLo..oxHi of row oy, one at a time. */
    @Override
    void interior(byte[] arena, int b, int oy, int[] acc) {
        for (int ox = oxLo; ox <= oxHi; ox++) {
            interiorPixel(arena, b, oy, ox, acc);
        }
    }

    /** A pixel whose nine taps are inside the input. */
    private void interiorPixel(byte[] arena, int b, int oy, int ox, int[] acc) {
        Window g = w;
        int c = channels;
        int inRow = g.inW() * c;
        int ip = g.inOffset() + b * g.inH() * inRow + (oy * g.strideH() - g.padTop()) * inRow
                + (ox * g.strideW() - g.padLeft()) * c;
        int out = g.outOffset() + ((b * g.outH() + oy) * g.outW() + ox) * c;
        for (int ch = 0; ch < c; ch += L) {
            IntVector sum = IntVector.zero(I);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    IntVector x = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip + ky * inRow + kx * c + ch)
                            : (IntVector) ByteVector.fromArray(B, arena, ip + ky * inRow + kx * c + ch).castShape(I, 0);
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * period + ch)));
                }
            }
            sum.intoArray(acc, 0);
            rq.store(acc, 0, ch, arena, out + ch, Math.min(L, c - ch));
        }
    }
}
