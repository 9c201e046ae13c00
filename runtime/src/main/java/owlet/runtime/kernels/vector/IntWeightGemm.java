package owlet.runtime.kernels.vector;

import jdk.incubator.vector.IntVector;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * The GEMM variants whose weights are ints ({@link GemmWeights#ints}) and whose register tile is 4
 * pixels × 2 blocks of accumulators: each k streams one weight vector per block and broadcasts one input
 * int per pixel; a tile's accumulators go through the output stage in vector lanes and are stored as
 * bytes. The variants differ in where the patches come from ({@link PointwiseGemm}, {@link GatheredGemm}).
 */
abstract class IntWeightGemm extends ConvGemm {
    /** [block][k][lane]: weight - filterZp of output channel block*L + lane, 0 past outC. */
    final int[] packed;

    IntWeightGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts, int patchPixels) {
        super(w, filter, inputOffset, rq, parts, patchPixels);
        this.packed = GemmWeights.ints(filter, outC, depth);
    }

    /**
     * Four patches at {@code src[i0]}, {@code src[i0 + depth]}, ...; blocks b and b + 1; outputs of the
     * four pixels at {@code arena[out]}, {@code arena[out + outC]}, ...
     */
    final void tile4x2(int[] src, int i0, int b, byte[] arena, int out, int[] acc) {
        int i1 = i0 + depth;
        int i2 = i1 + depth;
        int i3 = i2 + depth;
        int w0 = b * depth * L;
        int w1 = w0 + depth * L;
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
        IntVector a10 = IntVector.zero(I), a11 = IntVector.zero(I);
        IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I);
        IntVector a30 = IntVector.zero(I), a31 = IntVector.zero(I);
        for (int k = 0; k < depth; k++) {
            IntVector f0 = IntVector.fromArray(I, packed, w0 + k * L);
            IntVector f1 = IntVector.fromArray(I, packed, w1 + k * L);
            IntVector x0 = IntVector.broadcast(I, src[i0 + k]);
            IntVector x1 = IntVector.broadcast(I, src[i1 + k]);
            IntVector x2 = IntVector.broadcast(I, src[i2 + k]);
            IntVector x3 = IntVector.broadcast(I, src[i3 + k]);
            a00 = a00.add(f0.mul(x0));
            a01 = a01.add(f1.mul(x0));
            a10 = a10.add(f0.mul(x1));
            a11 = a11.add(f1.mul(x1));
            a20 = a20.add(f0.mul(x2));
            a21 = a21.add(f1.mul(x2));
            a30 = a30.add(f0.mul(x3));
            a31 = a31.add(f1.mul(x3));
        }
        int c0 = b * L;
        int c1 = c0 + L;
        int n1 = Math.min(L, outC - c1);
        a00.intoArray(acc, 0);
        a10.intoArray(acc, L);
        a20.intoArray(acc, 2 * L);
        a30.intoArray(acc, 3 * L);
        a01.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a21.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        rq.store(acc, 0, 4, c0, arena, out + c0, outC, L);
        rq.store(acc, 4 * L, 4, c1, arena, out + c1, outC, n1);
    }

    final void tile4x1(int[] src, int i0, int b, byte[] arena, int out, int[] acc) {
        int i1 = i0 + depth;
        int i2 = i1 + depth;
        int i3 = i2 + depth;
        int w0 = b * depth * L;
        IntVector a0 = IntVector.zero(I), a1 = IntVector.zero(I), a2 = IntVector.zero(I), a3 = IntVector.zero(I);
        for (int k = 0; k < depth; k++) {
            IntVector f0 = IntVector.fromArray(I, packed, w0 + k * L);
            a0 = a0.add(f0.mul(src[i0 + k]));
            a1 = a1.add(f0.mul(src[i1 + k]));
            a2 = a2.add(f0.mul(src[i2 + k]));
            a3 = a3.add(f0.mul(src[i3 + k]));
        }
        int c0 = b * L;
        int n = Math.min(L, outC - c0);
        // With outC = L / 2 (8 channels of 16 lanes: V1 0.25's first layer) two pixels share a vector: each
        // pixel's accumulators overwrite the unused upper lanes of the one before, and the output stage's
        // parameters repeat from channel outC on, so two pixels go out in one full store.
        int step = 2 * outC == L ? outC : L;
        a0.intoArray(acc, 0);
        a1.intoArray(acc, step);
        a2.intoArray(acc, 2 * step);
        a3.intoArray(acc, 3 * step);
        if (step == L) {
            rq.store(acc, 0, 4, c0, arena, out + c0, outC, n);
        } else {
            rq.store(acc, 0, 2, 0, arena, out, L, L);
        }
    }

    final void tile1x1(int[] src, int i0, int b, byte[] arena, int out, int[] acc) {
        int w0 = b * depth * L;
        IntVector a0 = IntVector.zero(I);
        for (int k = 0; k < depth; k++) {
            a0 = a0.add(IntVector.fromArray(I, packed, w0 + k * L).mul(src[i0 + k]));
        }
        int c0 = b * L;
        a0.intoArray(acc, 0);
        rq.store(acc, 0, c0, arena, out + c0, Math.min(L, outC - c0));
    }
}
