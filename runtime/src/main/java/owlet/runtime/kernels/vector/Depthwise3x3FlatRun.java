package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Stride 1, any channel count: the interior's inputs follow each other in memory exactly as their outputs
 * do, so the stretch of the row is one flat run of pixel × channel values, walked a vector at a time,
 * crossing from one pixel to the next inside a vector: no vector lane idles when the channel count is not
 * a multiple of {@code L} (8 channels with 16 lanes, or 12 with 8). The weights and the output stage's
 * parameters are periodic in the channel, so a vector may start at any channel.
 */
final class Depthwise3x3FlatRun extends Depthwise3x3 {
    /** L mod C: how far the channel of a flat run's next vector moves, modulo C. */
    private final int channelStep;

    Depthwise3x3FlatRun(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts);
        this.channelStep = L % channels;
    }

    /** Output pixels oxLo..oxHi of row oy as one flat run of (pixel, channel) values. */
    @Override
    void interior(byte[] arena, int b, int oy, int[] acc) {
        Window g = w;
        int c = channels;
        int inRow = g.inW() * c;
        int ip = g.inOffset() + b * g.inH() * inRow + (oy * g.strideH() - g.padTop()) * inRow
                + (oxLo - g.padLeft()) * c;
        int out = g.outOffset() + ((b * g.outH() + oy) * g.outW() + oxLo) * c;
        int n = (oxHi - oxLo + 1) * c;
        int ch = 0;
        for (int j = 0; j < n; j += L) {
            IntVector sum = IntVector.zero(I);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    IntVector x = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip + j + ky * inRow + kx * c)
                            : (IntVector) ByteVector.fromArray(B, arena, ip + j + ky * inRow + kx * c).castShape(I, 0);
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * period + ch)));
                }
            }
            sum.intoArray(acc, 0);
            rq.store(acc, 0, ch, arena, out + j, Math.min(L, n - j));
            ch += channelStep;
            if (ch >= c) {
                ch -= c;
            }
        }
    }
}
