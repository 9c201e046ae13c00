package owlet.runtime.kernels.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.ChannelRequant;
import owlet.runtime.kernels.Conv2D;
import owlet.runtime.kernels.PartitionedKernel;

/**
 * 1×1 stride-1 CONV_2D as an int8 GEMM, {@code out[p, oc] = requant(Σ_ic in[p, ic] · w[oc, ic])}: pixels
 * {@code p} are rows of the NHWC input, the weights are packed once into blocks of {@code L} output
 * channels ({@code L} int lanes), ic-major inside a block, so the inner loop streams one vector per input
 * channel and block. Register tile: 4 pixels × 2 blocks of accumulators.
 *
 * <p>Exactness: the reference accumulates {@code (in + inOffset) · w}. Here the constant part
 * {@code inOffset · Σ_ic w[oc, ic]} is folded into the bias at load time
 * ({@link ChannelRequant#withBiasAdded}); int32 arithmetic wraps, so the sum is the same for every input,
 * and the output stage is the reference's, element by element.
 */
final class PointwiseConvVector implements PartitionedKernel {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();

    private final int pixels;
    private final int inC;
    private final int outC;
    private final int blocks;
    private final int inOffset;
    private final int outOffset;
    /** [block][ic][lane]: weight - filterZp of output channel block*L + lane, 0 past outC. */
    private final int[] packed;
    private final ChannelRequant rq;
    private final boolean tiesUp;
    /** Per part: accumulators of one tile, [pixel][block][lane]. */
    private final int[][] scratch;

    static boolean fits(Conv2D.Window w) {
        return w.kh() == 1 && w.kw() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.outH() == w.inH()
                && w.outW() == w.inW();
    }

    PointwiseConvVector(Conv2D.Window w, short[] filter, int inputOffset, ChannelRequant rq, boolean tiesUp,
                        int parts) {
        this.pixels = w.batches() * w.outH() * w.outW();
        this.inC = w.inC();
        this.outC = w.outC();
        this.blocks = (outC + L - 1) / L;
        this.inOffset = w.inOffset();
        this.outOffset = w.outOffset();
        this.packed = new int[blocks * inC * L];
        int[] fold = new int[outC];
        for (int oc = 0; oc < outC; oc++) {
            int sum = 0;
            for (int ic = 0; ic < inC; ic++) {
                int v = filter[oc * inC + ic];
                packed[((oc / L) * inC + ic) * L + oc % L] = v;
                sum += v;
            }
            fold[oc] = inputOffset * sum;
        }
        this.rq = rq.withBiasAdded(fold);
        this.tiesUp = tiesUp;
        this.scratch = new int[parts][4 * 2 * L];
    }

    /** Part {@code part} of {@code parts}: a range of pixels. */
    @Override
    public void eval(byte[] arena, int part, int parts) {
        int p0 = PartitionedKernel.begin(pixels, part, parts);
        int p1 = PartitionedKernel.begin(pixels, part + 1, parts);
        int[] acc = scratch[part];
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            int b = 0;
            for (; b + 2 <= blocks; b += 2) {
                tile4x2(arena, p, b, acc);
                store(arena, p, 4, b, 2, acc);
            }
            if (b < blocks) {
                tile4x1(arena, p, b, acc);
                store(arena, p, 4, b, 1, acc);
            }
        }
        for (; p < p1; p++) {
            for (int b = 0; b < blocks; b++) {
                tile1x1(arena, p, b, acc);
                store(arena, p, 1, b, 1, acc);
            }
        }
    }

    private void tile4x2(byte[] arena, int p, int b, int[] acc) {
        int i0 = inOffset + p * inC;
        int i1 = i0 + inC;
        int i2 = i1 + inC;
        int i3 = i2 + inC;
        int w0 = b * inC * L;
        int w1 = w0 + inC * L;
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
        IntVector a10 = IntVector.zero(I), a11 = IntVector.zero(I);
        IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I);
        IntVector a30 = IntVector.zero(I), a31 = IntVector.zero(I);
        for (int ic = 0; ic < inC; ic++) {
            IntVector f0 = IntVector.fromArray(I, packed, w0 + ic * L);
            IntVector f1 = IntVector.fromArray(I, packed, w1 + ic * L);
            IntVector x0 = IntVector.broadcast(I, arena[i0 + ic]);
            IntVector x1 = IntVector.broadcast(I, arena[i1 + ic]);
            IntVector x2 = IntVector.broadcast(I, arena[i2 + ic]);
            IntVector x3 = IntVector.broadcast(I, arena[i3 + ic]);
            a00 = a00.add(f0.mul(x0));
            a01 = a01.add(f1.mul(x0));
            a10 = a10.add(f0.mul(x1));
            a11 = a11.add(f1.mul(x1));
            a20 = a20.add(f0.mul(x2));
            a21 = a21.add(f1.mul(x2));
            a30 = a30.add(f0.mul(x3));
            a31 = a31.add(f1.mul(x3));
        }
        a00.intoArray(acc, 0);
        a01.intoArray(acc, L);
        a10.intoArray(acc, 2 * L);
        a11.intoArray(acc, 3 * L);
        a20.intoArray(acc, 4 * L);
        a21.intoArray(acc, 5 * L);
        a30.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
    }

    private void tile4x1(byte[] arena, int p, int b, int[] acc) {
        int i0 = inOffset + p * inC;
        int i1 = i0 + inC;
        int i2 = i1 + inC;
        int i3 = i2 + inC;
        int w0 = b * inC * L;
        IntVector a0 = IntVector.zero(I), a1 = IntVector.zero(I), a2 = IntVector.zero(I), a3 = IntVector.zero(I);
        for (int ic = 0; ic < inC; ic++) {
            IntVector f0 = IntVector.fromArray(I, packed, w0 + ic * L);
            a0 = a0.add(f0.mul(arena[i0 + ic]));
            a1 = a1.add(f0.mul(arena[i1 + ic]));
            a2 = a2.add(f0.mul(arena[i2 + ic]));
            a3 = a3.add(f0.mul(arena[i3 + ic]));
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, L);
        a2.intoArray(acc, 2 * L);
        a3.intoArray(acc, 3 * L);
    }

    private void tile1x1(byte[] arena, int p, int b, int[] acc) {
        int i0 = inOffset + p * inC;
        int w0 = b * inC * L;
        IntVector a0 = IntVector.zero(I);
        for (int ic = 0; ic < inC; ic++) {
            a0 = a0.add(IntVector.fromArray(I, packed, w0 + ic * L).mul(arena[i0 + ic]));
        }
        a0.intoArray(acc, 0);
    }

    /** Requantizes a tile of {@code np} pixels × {@code nb} blocks held in {@code acc}, [pixel][block][lane]. */
    private void store(byte[] arena, int p, int np, int b, int nb, int[] acc) {
        int ocEnd = Math.min(outC, (b + nb) * L);
        for (int q = 0; q < np; q++) {
            int out = outOffset + (p + q) * outC;
            int a = q * nb * L;
            for (int oc = b * L; oc < ocEnd; oc++) {
                arena[out + oc] = rq.requantize(acc[a++], oc, tiesUp);
            }
        }
    }
}
