package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.vector.VectorRequant;

/**
 * 3×3 DEPTHWISE_CONV_2D with depth multiplier 1, no dilation and any stride, vectorised across channels:
 * each tap loads {@code L} input bytes, widens them to int and multiplies them by {@code L} packed weights.
 * What the variants ({@link Depthwise3x3Variant}) share: the packed weights, the walk over output rows, and
 * the border pixels. A row whose windows all leave the input, and the pixels at either end of the other
 * rows, go one pixel at a time ({@link #borderPixel}, {@code ⌈C / L⌉} vectors each); the interior of a row
 * (output pixels oxLo..oxHi, whose nine taps all fall inside the input) is the variant's
 * ({@link #interior}). That is the flat run's way; the other variants do every row whole instead
 * ({@link #wholeRow}), over copies of its three input rows with the padding written in ({@link #padRows}):
 * a border pixel costs about twice an interior one, and on small maps they are many (28 of 64 on 8×8).
 *
 * <p>The weights are stored periodically, channel {@code c} also at {@code c + C}, so that a vector may
 * start at any channel (a flat run crosses from one pixel to the next inside a vector).
 *
 * <p>Padding is handled outside the interior: there, the constant term {@code inOffset · Σ_taps w[c]} is
 * folded into the bias at load time. Border pixels run the same arithmetic with the taps outside the input
 * reading the input zero point, whose product with the folded offset is zero, as the reference skips them.
 * A last, partial vector reads up to a vector past the pixel's bytes (the arena has
 * {@link owlet.runtime.graph.ExecutionPlan#ARENA_TAIL_BYTES} for the last tensor) and stores only its own
 * channels. The output stage runs in vector lanes ({@link VectorRequant}).
 */
abstract class Depthwise3x3 implements PartitionedKernel {
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int L = I.length();
    /** The widening load and its path with 4 lanes: see {@link ByteLanes}. */
    static final VectorSpecies<Byte> B = ByteLanes.B;
    static final boolean VIA_SHORTS = ByteLanes.VIA_SHORTS;

    final Window w;
    final int channels;
    /** Row length of {@link #packed}: channels + L. */
    final int period;
    /** [tap][i]: weight - filterZp of channel i mod C. */
    final int[] packed;
    final int inputOffset;
    final VectorRequant rq;
    final int oyLo;
    final int oyHi;
    final int oxLo;
    final int oxHi;
    final int[][] scratch;
    /**
     * Per part, for variants that do rows whole: three input rows of {@link #paddedWidth} pixels, padding
     * included, then slack for the last widening load. Null for the others.
     */
    final byte[][] paddedRows;
    /** Pixels of a padded input row: {@code (outW - 1)·strideW + 3}. */
    final int paddedWidth;

    /** Whether the variants take this depthwise convolution: 3×3, multiplier 1, no dilation. */
    static boolean takes(Window w, int depthMultiplier) {
        return depthMultiplier == 1 && w.kh() == 3 && w.kw() == 3 && w.dilationH() == 1 && w.dilationW() == 1;
    }

    /**
     * @param filter      {@code weight - filterZp}, [3, 3, C]
     * @param inputOffset {@code -inputZp} in the arena's representation
     */
    Depthwise3x3(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        this(w, filter, inputOffset, rq, parts, false);
    }

    /** @param wholeRows whether the variant does rows whole ({@link #wholeRow}) */
    Depthwise3x3(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts, boolean wholeRows) {
        this.w = w;
        this.channels = w.outC();
        this.period = channels + L;
        this.packed = new int[9 * period];
        int[] fold = new int[channels];
        long[] absSum = new long[channels];
        for (int tap = 0; tap < 9; tap++) {
            for (int i = 0; i < period; i++) {
                packed[tap * period + i] = filter[tap * channels + i % channels];
            }
            for (int c = 0; c < channels; c++) {
                fold[c] += inputOffset * filter[tap * channels + c];
                absSum[c] += Math.abs(filter[tap * channels + c]);
            }
        }
        this.inputOffset = inputOffset;
        this.rq = new VectorRequant(rq.withBiasAdded(fold), VectorRequant.maxAbsAccumulator(rq, absSum));
        // Interior: 0 <= o*s - pad and o*s - pad + 2 <= in - 1.
        this.oyLo = firstInside(w.padTop(), w.strideH());
        this.oyHi = lastInside(w.inH(), w.padTop(), w.strideH(), w.outH());
        this.oxLo = firstInside(w.padLeft(), w.strideW());
        this.oxHi = lastInside(w.inW(), w.padLeft(), w.strideW(), w.outW());
        this.scratch = PartitionedKernel.scratchInts(parts, Math.max(1, w.outW()) * L);
        this.paddedWidth = (w.outW() - 1) * w.strideW() + 3;
        if (wholeRows) {
            paddedRows = new byte[parts][paddedRowsBytes(w)];
            for (byte[] rows : paddedRows) {
                java.util.Arrays.fill(rows, (byte) -inputOffset);
            }
        } else {
            paddedRows = null;
        }
    }

    /** Bytes of a part's padded rows ({@link #paddedRows}) for a layer of this shape. */
    static int paddedRowsBytes(Window w) {
        return 3 * ((w.outW() - 1) * w.strideW() + 3) * w.outC() + B.length();
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
    public final void eval(byte[] arena, int part, int parts) {
        Window g = w;
        int rows = g.batches() * g.outH();
        int r0 = PartitionedKernel.begin(rows, part, parts);
        int r1 = PartitionedKernel.begin(rows, part + 1, parts);
        int[] acc = scratch[part];
        byte[] padded = paddedRows == null ? null : paddedRows[part];
        for (int r = r0; r < r1; r++) {
            int b = r / g.outH();
            int oy = r - b * g.outH();
            if (padded != null) {
                padRows(arena, b, oy, padded);
                wholeRow(padded, arena, b, oy, acc);
                continue;
            }
            if (oy < oyLo || oy > oyHi || oxLo > oxHi) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    borderPixel(arena, b, oy, ox, acc);
                }
            } else {
                for (int ox = 0; ox < oxLo; ox++) {
                    borderPixel(arena, b, oy, ox, acc);
                }
                interior(arena, b, oy, acc);
                for (int ox = oxHi + 1; ox < g.outW(); ox++) {
                    borderPixel(arena, b, oy, ox, acc);
                }
            }
        }
    }

    /**
     * The three input rows under output row oy of image b into {@code rows}, each {@link #paddedWidth} pixels
     * from the window's first column: input pixels where they exist, the input's zero point where the
     * window leaves the input (what the padding reads; see the class comment). The columns outside the
     * input hold the zero point from the start and are never written.
     */
    final void padRows(byte[] arena, int b, int oy, byte[] rows) {
        Window g = w;
        int c = channels;
        int inRow = g.inW() * c;
        int rowBytes = paddedWidth * c;
        int left = g.padLeft() * c;
        int copied = Math.min(inRow, rowBytes - left);
        int image = g.inOffset() + b * g.inH() * inRow;
        int iy0 = oy * g.strideH() - g.padTop();
        for (int r = 0; r < 3; r++) {
            int iy = iy0 + r;
            if (iy >= 0 && iy < g.inH()) {
                System.arraycopy(arena, image + iy * inRow, rows, r * rowBytes + left, copied);
            } else {
                java.util.Arrays.fill(rows, r * rowBytes + left, r * rowBytes + left + copied, (byte) -inputOffset);
            }
        }
    }

    /**
     * Output row oy of image b, all of it, from its padded input rows ({@link #padRows}), for variants made
     * with whole rows.
     */
    void wholeRow(byte[] rows, byte[] arena, int b, int oy, int[] acc) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does rows by border and interior");
    }

    /**
     * Output pixels oxLo..oxHi of row oy of image b (oxLo <= oxHi), with a part's scratch {@code acc}, for
     * variants made without whole rows.
     */
    void interior(byte[] arena, int b, int oy, int[] acc) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does rows whole");
    }

    /** One output pixel at the border (see the class comment). */
    final void borderPixel(byte[] arena, int b, int oy, int ox, int[] acc) {
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
                        x = VIA_SHORTS ? ByteLanes.widenViaShorts(arena, ip)
                                : (IntVector) ByteVector.fromArray(B, arena, ip).castShape(I, 0);
                    }
                    sum = sum.add(x.mul(IntVector.fromArray(I, packed, (ky * 3 + kx) * period + ch)));
                }
            }
            sum.intoArray(acc, 0);
            rq.store(acc, 0, ch, arena, out + ch, Math.min(L, c - ch));
        }
    }
}
