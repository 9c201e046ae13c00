package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.Conv2D;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.vector.VectorRequant;

/**
 * 3×3 DEPTHWISE_CONV_2D with depth multiplier 1 and any stride, vectorised across channels: each tap
 * loads {@code L} input bytes, widens them to int and multiplies them by {@code L} packed weights.
 *
 * <p>With stride 1 and a channel count that is a multiple of {@code L}, the interior of a row (the output
 * pixels whose nine taps all fall inside the input) is walked one block of {@code L} channels at a time,
 * the 3×3 window of input vectors sliding along the row with the 9 weight vectors held throughout
 * ({@link #interiorBlocks}). Otherwise, with stride 1, the interior's inputs follow each other in memory
 * exactly as their outputs do, so the kernel treats that stretch of the row as one flat run of
 * pixel × channel values and walks it a vector at a time, crossing from one pixel to the next inside a
 * vector: no vector lane idles when the channel count is not a multiple of {@code L} (8 channels with 16
 * lanes, or 12 with 8). The weights and the output stage's parameters are stored periodically (channel
 * {@code c} also at {@code c + C}) so that a vector may start at any channel. With a multiple of L
 * channels the interior of a row goes one block of L channels at a time instead, its 9 weight vectors
 * loaded once per row (stride 1: the window slides; stride 2: 9 input vectors per pixel). Other pixels
 * (borders, stride 2 with other channel counts) go one pixel at a time, {@code ⌈C / L⌉} vectors each.
 *
 * <p>Padding is handled outside the inner loop of the interior: there, the constant term
 * {@code inOffset · Σ_taps w[c]} is folded into the bias at load time. Border pixels run the same
 * arithmetic with the taps outside the input reading the input zero point, whose product with the folded
 * offset is zero, as the reference skips them. A last, partial vector reads up to a vector past the
 * pixel's bytes (the arena has {@link owlet.runtime.graph.ExecutionPlan#ARENA_TAIL_BYTES} for the last
 * tensor) and stores only its own channels. The output stage runs in vector lanes ({@link VectorRequant}).
 */
final class DepthwiseConv3x3Vector implements PartitionedKernel {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Byte species whose first L lanes widen to one int vector (64 bits at least). */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));

    private final Window w;
    private final int channels;
    /** Row length of {@link #packed}: channels + L. */
    private final int period;
    /** L mod C: how far the channel of a flat run's next vector moves, modulo C. */
    private final int channelStep;
    /** [tap][i]: weight - filterZp of channel i mod C. */
    private final int[] packed;
    private final int inputOffset;
    private final VectorRequant rq;
    private final int oyLo;
    private final int oyHi;
    private final int oxLo;
    private final int oxHi;
    private final int[][] scratch;

    static boolean fits(Window w, int depthMultiplier) {
        return depthMultiplier == 1 && w.kh() == 3 && w.kw() == 3 && w.dilationH() == 1 && w.dilationW() == 1;
    }

    DepthwiseConv3x3Vector(Window w, short[] filter, int inputOffset, ChannelRequant rq, boolean tiesUp,
                           int parts) {
        this.w = w;
        this.channels = w.outC();
        this.period = channels + L;
        this.channelStep = L % channels;
        this.packed = new int[9 * period];
        int[] fold = new int[channels];
        for (int tap = 0; tap < 9; tap++) {
            for (int i = 0; i < period; i++) {
                packed[tap * period + i] = filter[tap * channels + i % channels];
            }
            for (int c = 0; c < channels; c++) {
                fold[c] += inputOffset * filter[tap * channels + c];
            }
        }
        this.inputOffset = inputOffset;
        this.rq = new VectorRequant(rq.withBiasAdded(fold), tiesUp);
        // Interior: 0 <= o*s - pad and o*s - pad + 2 <= in - 1.
        this.oyLo = firstInside(w.padTop(), w.strideH());
        this.oyHi = lastInside(w.inH(), w.padTop(), w.strideH(), w.outH());
        this.oxLo = firstInside(w.padLeft(), w.strideW());
        this.oxHi = lastInside(w.inW(), w.padLeft(), w.strideW(), w.outW());
        this.scratch = PartitionedKernel.scratchInts(parts, Math.max(1, w.outW()) * L);
    }

    private static int firstInside(int pad, int s) {
        return (pad + s - 1) / s;
    }

    /** Last output index whose window ends inside the input, at most out - 1 (may be below firstInside). */
    private static int lastInside(int in, int pad, int s, int out) {
        int last = in - 3 + pad;
        return last < 0 ? -1 : Math.min(out - 1, last / s);
    }

    /** Part {@code part} of {@code parts}: a range of output rows (over batches × outH). */
    @Override
    public void eval(byte[] arena, int part, int parts) {
        Window g = w;
        int rows = g.batches() * g.outH();
        int r0 = PartitionedKernel.begin(rows, part, parts);
        int r1 = PartitionedKernel.begin(rows, part + 1, parts);
        int[] acc = scratch[part];
        // A row's interior as one piece: by channel blocks (any stride), or with stride 1 as a flat run of
        // pixel × channel values.
        boolean blocks = channels % L == 0;
        boolean whole = oxLo <= oxHi && (blocks || g.strideW() == 1);
        for (int r = r0; r < r1; r++) {
            int b = r / g.outH();
            int oy = r - b * g.outH();
            if (oy < oyLo || oy > oyHi) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    borderPixel(arena, b, oy, ox, acc);
                }
            } else if (whole) {
                for (int ox = 0; ox < oxLo; ox++) {
                    borderPixel(arena, b, oy, ox, acc);
                }
                if (blocks) {
                    interiorBlocks(arena, b, oy, acc);
                } else {
                    interiorRun(arena, b, oy, acc);
                }
                for (int ox = oxHi + 1; ox < g.outW(); ox++) {
                    borderPixel(arena, b, oy, ox, acc);
                }
            } else {
                for (int ox = 0; ox < g.outW(); ox++) {
                    if (ox >= oxLo && ox <= oxHi) {
                        interiorPixel(arena, b, oy, ox, acc);
                    } else {
                        borderPixel(arena, b, oy, ox, acc);
                    }
                }
            }
        }
    }

    /** Stride 1: output pixels oxLo..oxHi of row oy as one flat run of (pixel, channel) values. */
    private void interiorRun(byte[] arena, int b, int oy, int[] acc) {
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
                    IntVector x = (IntVector) ByteVector.fromArray(B, arena, ip + j + ky * inRow + kx * c)
                            .castShape(I, 0);
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

    /**
     * Channels a multiple of L: output pixels oxLo..oxHi of row oy, one block of L channels at a time
     * ({@link #blockRow} with stride 1, {@link #stridedBlockRow} otherwise), each block's outputs then
     * through the output stage. (The sliding walk of {@link #blockRow} with stride 2, two new columns per
     * output, was slower than going pixel by pixel on V2's stride-2 layers: 738 against 478 us on its
     * 112×112×96 one; {@link #stridedBlockRow} took 317–329 against 423–545.)
     */
    private void interiorBlocks(byte[] arena, int b, int oy, int[] acc) {
        Window g = w;
        int c = channels;
        int inRow = g.inW() * c;
        int row0 = g.inOffset() + b * g.inH() * inRow + (oy * g.strideH() - g.padTop()) * inRow
                + (oxLo * g.strideW() - g.padLeft()) * c;
        int out0 = g.outOffset() + ((b * g.outH() + oy) * g.outW() + oxLo) * c;
        int n = oxHi - oxLo + 1;
        for (int ch = 0; ch < c; ch += L) {
            if (g.strideW() == 1) {
                blockRow(arena, row0 + ch, inRow, ch, n, acc);
            } else {
                stridedBlockRow(arena, row0 + ch, inRow, g.strideW() * c, ch, n, acc);
            }
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
        IntVector t0 = (IntVector) ByteVector.fromArray(B, arena, ip).castShape(I, 0);
        IntVector m0 = (IntVector) ByteVector.fromArray(B, arena, ip + inRow).castShape(I, 0);
        IntVector d0 = (IntVector) ByteVector.fromArray(B, arena, ip + 2 * inRow).castShape(I, 0);
        IntVector t1 = (IntVector) ByteVector.fromArray(B, arena, ip + c).castShape(I, 0);
        IntVector m1 = (IntVector) ByteVector.fromArray(B, arena, ip + c + inRow).castShape(I, 0);
        IntVector d1 = (IntVector) ByteVector.fromArray(B, arena, ip + c + 2 * inRow).castShape(I, 0);
        for (int x = 0; x < n; x++) {
            int col = ip + x * c + 2 * c;
            IntVector t2 = (IntVector) ByteVector.fromArray(B, arena, col).castShape(I, 0);
            IntVector m2 = (IntVector) ByteVector.fromArray(B, arena, col + inRow).castShape(I, 0);
            IntVector d2 = (IntVector) ByteVector.fromArray(B, arena, col + 2 * inRow).castShape(I, 0);
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

    /**
     * The accumulators of {@code n} output pixels along a row, {@code step} input bytes apart, for channels
     * ch..ch+L, to {@code acc[x·L]}: the block's 9 weight vectors loaded once for the row, 9 input vectors
     * per pixel. (The weight loads repeat {@link #blockRow}'s: a helper returning vectors would box them.)
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
            ((IntVector) ByteVector.fromArray(B, arena, t).castShape(I, 0)).mul(w0)
                    .add(((IntVector) ByteVector.fromArray(B, arena, t + c).castShape(I, 0)).mul(w1))
                    .add(((IntVector) ByteVector.fromArray(B, arena, t + 2 * c).castShape(I, 0)).mul(w2))
                    .add(((IntVector) ByteVector.fromArray(B, arena, m).castShape(I, 0)).mul(w3))
                    .add(((IntVector) ByteVector.fromArray(B, arena, m + c).castShape(I, 0)).mul(w4))
                    .add(((IntVector) ByteVector.fromArray(B, arena, m + 2 * c).castShape(I, 0)).mul(w5))
                    .add(((IntVector) ByteVector.fromArray(B, arena, d).castShape(I, 0)).mul(w6))
                    .add(((IntVector) ByteVector.fromArray(B, arena, d + c).castShape(I, 0)).mul(w7))
                    .add(((IntVector) ByteVector.fromArray(B, arena, d + 2 * c).castShape(I, 0)).mul(w8))
                    .intoArray(acc, x * L);
        }
    }

    /** A pixel whose nine taps are inside the input, stride 2 and channels not a multiple of L. */
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
                    IntVector x = (IntVector) ByteVector.fromArray(B, arena, ip + ky * inRow + kx * c + ch)
                            .castShape(I, 0);
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * period + ch)));
                }
            }
            sum.intoArray(acc, 0);
            rq.store(acc, 0, ch, arena, out + ch, Math.min(L, c - ch));
        }
    }

    /** One output pixel at the border (see the class comment). */
    private void borderPixel(byte[] arena, int b, int oy, int ox, int[] acc) {
        Window g = w;
        int c = channels;
        int inRow = g.inW() * c;
        int inBase = g.inOffset() + b * g.inH() * inRow;
        int iy0 = oy * g.strideH() - g.padTop();
        int ix0 = ox * g.strideW() - g.padLeft();
        int ky0 = Math.max(0, -iy0);
        int ky1 = Math.min(3, g.inH() - iy0);
        int kx0 = Math.max(0, -ix0);
        int kx1 = Math.min(3, g.inW() - ix0);
        int out = g.outOffset() + ((b * g.outH() + oy) * g.outW() + ox) * c;
        // Taps outside the input read the zero point: (zp + inputOffset) * w = 0, as the reference skips them,
        // so the folded interior bias applies.
        IntVector pad = IntVector.broadcast(I, -inputOffset);
        for (int ch = 0; ch < c; ch += L) {
            IntVector sum = IntVector.zero(I);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    IntVector x = pad;
                    if (ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1) {
                        int ip = inBase + (iy0 + ky) * inRow + (ix0 + kx) * c + ch;
                        x = (IntVector) ByteVector.fromArray(B, arena, ip).castShape(I, 0);
                    }
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * period + ch)));
                }
            }
            sum.intoArray(acc, 0);
            rq.store(acc, 0, ch, arena, out + ch, Math.min(L, c - ch));
        }
    }
}
