package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.ChannelRequant;
import owlet.runtime.kernels.Conv2D;
import owlet.runtime.kernels.PartitionedKernel;

/**
 * 3×3 DEPTHWISE_CONV_2D with depth multiplier 1 and any stride, vectorised across channels: each tap
 * loads {@code L} input bytes, widens them to int and multiplies them by {@code L} packed weights.
 *
 * <p>Padding is handled outside the inner loop: output pixels whose nine taps all fall inside the input
 * (the interior) take the vector path, where the constant term {@code inOffset · Σ_taps w[c]} is folded
 * into the bias at load time. Border pixels run the same vector loop with the taps outside the input
 * reading the input zero point, whose product with the folded offset is zero, as the reference skips
 * them; their last channels (fewer than a vector) take a scalar loop over the inside taps with the
 * unfolded bias. The output stage runs in vector lanes ({@link VectorRequant}).
 */
final class DepthwiseConv3x3Vector implements PartitionedKernel {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Byte species whose first L lanes widen to one int vector (64 bits at least). */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final int BL = B.length();

    private final Conv2D.Window w;
    private final int channels;
    /** Channels rounded up to whole vectors: the row length of {@link #packed}. */
    private final int stride;
    /** [tap][channel]: weight - filterZp, 0 past the channel count. */
    private final int[] packed;
    private final int inputOffset;
    private final ChannelRequant border;
    private final ChannelRequant interior;
    private final VectorRequant interiorVector;
    private final boolean tiesUp;
    private final int oyLo;
    private final int oyHi;
    private final int oxLo;
    private final int oxHi;
    private final int[][] scratch;

    static boolean fits(Conv2D.Window w, int depthMultiplier) {
        return depthMultiplier == 1 && w.kh() == 3 && w.kw() == 3 && w.dilationH() == 1 && w.dilationW() == 1;
    }

    DepthwiseConv3x3Vector(Conv2D.Window w, short[] filter, int inputOffset, ChannelRequant rq, boolean tiesUp,
                           int parts) {
        this.w = w;
        this.channels = w.outC();
        this.stride = (channels + L - 1) / L * L;
        this.packed = new int[9 * stride];
        int[] fold = new int[channels];
        for (int tap = 0; tap < 9; tap++) {
            for (int c = 0; c < channels; c++) {
                packed[tap * stride + c] = filter[tap * channels + c];
                fold[c] += inputOffset * filter[tap * channels + c];
            }
        }
        this.inputOffset = inputOffset;
        this.border = rq;
        this.interior = rq.withBiasAdded(fold);
        this.interiorVector = new VectorRequant(interior, tiesUp);
        this.tiesUp = tiesUp;
        // Interior: 0 <= o*s - pad and o*s - pad + 2 <= in - 1.
        this.oyLo = firstInside(w.padTop(), w.strideH());
        this.oyHi = lastInside(w.inH(), w.padTop(), w.strideH(), w.outH());
        this.oxLo = firstInside(w.padLeft(), w.strideW());
        this.oxHi = lastInside(w.inW(), w.padLeft(), w.strideW(), w.outW());
        this.scratch = new int[parts][L];
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
        Conv2D.Window g = w;
        int rows = g.batches() * g.outH();
        int r0 = PartitionedKernel.begin(rows, part, parts);
        int r1 = PartitionedKernel.begin(rows, part + 1, parts);
        int[] acc = scratch[part];
        for (int r = r0; r < r1; r++) {
            int b = r / g.outH();
            int oy = r - b * g.outH();
            boolean rowInside = oy >= oyLo && oy <= oyHi;
            for (int ox = 0; ox < g.outW(); ox++) {
                if (rowInside && ox >= oxLo && ox <= oxHi) {
                    interiorPixel(arena, b, oy, ox, acc);
                } else {
                    borderPixel(arena, b, oy, ox, acc);
                }
            }
        }
    }

    private void interiorPixel(byte[] arena, int b, int oy, int ox, int[] acc) {
        Conv2D.Window g = w;
        int c = channels;
        int inRow = g.inW() * c;
        int ip = g.inOffset() + b * g.inH() * inRow + (oy * g.strideH() - g.padTop()) * inRow
                + (ox * g.strideW() - g.padLeft()) * c;
        int out = g.outOffset() + ((b * g.outH() + oy) * g.outW() + ox) * c;
        int ch = 0;
        for (; ch + BL <= c; ch += L) {
            IntVector sum = IntVector.zero(I);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    IntVector x = (IntVector) ByteVector.fromArray(B, arena, ip + ky * inRow + kx * c + ch)
                            .convertShape(VectorOperators.B2I, I, 0);
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * stride + ch)));
                }
            }
            sum.intoArray(acc, 0);
            interiorVector.store(acc, 0, ch, arena, out + ch, L);
        }
        for (; ch < c; ch++) {
            int sum = 0;
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    sum += arena[ip + ky * inRow + kx * c + ch] * packed[(ky * 3 + kx) * stride + ch];
                }
            }
            arena[out + ch] = interior.requantize(sum, ch, tiesUp);
        }
    }

    /** One output pixel at the border (see the class comment). */
    private void borderPixel(byte[] arena, int b, int oy, int ox, int[] acc) {
        Conv2D.Window g = w;
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
        int ch = 0;
        for (; ch + BL <= c; ch += L) {
            IntVector sum = IntVector.zero(I);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    IntVector x = pad;
                    if (ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1) {
                        int ip = inBase + (iy0 + ky) * inRow + (ix0 + kx) * c + ch;
                        x = (IntVector) ByteVector.fromArray(B, arena, ip).convertShape(VectorOperators.B2I, I, 0);
                    }
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * stride + ch)));
                }
            }
            sum.intoArray(acc, 0);
            interiorVector.store(acc, 0, ch, arena, out + ch, L);
        }
        for (; ch < c; ch++) {
            int sum = 0;
            for (int ky = ky0; ky < ky1; ky++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    int ip = inBase + (iy0 + ky) * inRow + (ix0 + kx) * c + ch;
                    sum += (arena[ip] + inputOffset) * packed[(ky * 3 + kx) * stride + ch];
                }
            }
            arena[out + ch] = border.requantize(sum, ch, tiesUp);
        }
    }
}
