package owlet.runtime.kernels.vector;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.vector.VectorRequant;

/**
 * CONV_2D as an int8 GEMM, {@code out[p, oc] = requant(Σ_k patch[p, k] · w[oc, k])}, where the patch of
 * output pixel {@code p} is its KH×KW×Cin input window in filter order (k = (ky, kx, ic)). What the
 * variants ({@link ConvGemmVariant}) share: the shape, the split into parts, the gathering of a window,
 * and the output stage.
 *
 * <p>The inner loops read their inputs as ints, prepared once per chunk of pixels or per gathered window:
 * a broadcast from an int in memory is a load, where a broadcast of a byte needs a load, a sign extension
 * and a move to a vector register (measured faster, see BENCHMARKS.md, MacCeilingBench).
 *
 * <p>Exactness: the reference accumulates {@code (in + inOffset) · w} over the taps inside the input.
 * Here the constant part {@code inOffset · Σ_k w[oc, k]} is folded into the bias at load time
 * ({@link GemmWeights#fold}; less what a variant adds to every input itself, {@link PairGemm});
 * a padding tap holds {@code -inOffset}, so it adds
 * {@code (-inOffset + inOffset) · w = 0} as in the reference. int32 arithmetic wraps, so the sum is the
 * same for every input, and the output stage is the reference's, element by element.
 */
abstract class ConvGemm implements PartitionedKernel {
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int L = I.length();
    /** The widening load and its path with 4 lanes: see {@link ByteLanes}. */
    static final VectorSpecies<Byte> B = ByteLanes.B;
    static final boolean VIA_SHORTS = ByteLanes.VIA_SHORTS;

    final Window w;
    final int pixels;
    /** Patch length: KH·KW·Cin. */
    final int depth;
    final int outC;
    final int blocks;
    final int inOffset;
    final int outOffset;
    /** The stored input zero point: what a padding tap reads. */
    final byte padValue;
    final VectorRequant rq;
    /** Per part: the accumulators of one tile, [block][pixel][lane], handed to the output stage. */
    final int[][] scratch;
    /** Per part: a chunk's input rows or gathered patches, as ints. */
    final int[][] patches;
    /** Per part: one gathered window as bytes ({@link #gather}), then slack for vector loads past it. */
    final byte[][] windows;
    /** Bytes after a window that vector loads may read: two int vectors' worth plus one {@link ByteLanes#B} load. */
    static final int WINDOW_SLACK = 2 * L + 64;

    /**
     * @param filter       {@code weight - filterZp}, [Cout, KH, KW, Cin]
     * @param inputOffset  {@code -inputZp} in the arena's representation
     * @param inputBias    what the variant's inner loop adds to each stored input byte (the constant term
     *                     folded into the bias is then {@code (inputOffset - inputBias) · Σ_k w})
     * @param srcInts      the length of a part's {@link #patches}
     */
    ConvGemm(Window w, short[] filter, int inputOffset, int inputBias, ChannelRequant rq, int parts, int srcInts) {
        this.w = w;
        this.pixels = pixels(w);
        this.depth = w.kh() * w.kw() * w.inC();
        this.outC = w.outC();
        this.blocks = (outC + L - 1) / L;
        this.inOffset = w.inOffset();
        this.outOffset = w.outOffset();
        this.padValue = (byte) -inputOffset;
        this.rq = new VectorRequant(rq.withBiasAdded(GemmWeights.fold(filter, outC, depth, inputOffset - inputBias)),
                VectorRequant.maxAbsAccumulator(rq, GemmWeights.absSums(filter, outC, depth)));
        this.scratch = PartitionedKernel.scratchInts(parts, 4 * 2 * L);
        this.patches = PartitionedKernel.scratchInts(parts, srcInts);
        this.windows = new byte[parts][depth + WINDOW_SLACK];
    }

    /** Output pixels over all batches. */
    static int pixels(Window w) {
        return w.batches() * w.outH() * w.outW();
    }

    /**
     * Part {@code part} of {@code parts}: a range of output pixels, or, when there are too few pixels to
     * give every part a tile of 4 (the classifier's 1×1 convolution on one pixel), a range of channel
     * blocks over all pixels.
     */
    @Override
    public final void eval(byte[] arena, int part, int parts) {
        int p0 = 0;
        int p1 = pixels;
        int b0 = 0;
        int b1 = blocks;
        if (pixels >= 4 * parts) {
            int tiles = (pixels + 3) / 4;
            p0 = Math.min(pixels, 4 * PartitionedKernel.begin(tiles, part, parts));
            p1 = Math.min(pixels, 4 * PartitionedKernel.begin(tiles, part + 1, parts));
        } else {
            b0 = PartitionedKernel.begin(blocks, part, parts);
            b1 = PartitionedKernel.begin(blocks, part + 1, parts);
        }
        run(arena, p0, p1, b0, b1, part);
    }

    /** Output pixels p0..p1, channel blocks b0..b1, with part {@code part}'s scratch: the variant's own loop. */
    abstract void run(byte[] arena, int p0, int p1, int b0, int b1, int part);

    /**
     * Copies the input window of output pixel (b, oy, ox) to {@code dst[at...]} in filter order, padding
     * taps as the zero point's stored byte.
     */
    final void gather(byte[] arena, int b, int oy, int ox, byte[] dst, int at) {
        Window g = w;
        int inC = g.inC();
        int inRow = g.inW() * inC;
        int inBase = inOffset + b * g.inH() * inRow;
        int iy0 = oy * g.strideH() - g.padTop();
        int ix0 = ox * g.strideW() - g.padLeft();
        int rowBytes = g.kw() * inC;
        // A window row inside the input left and right (no dilation) is one contiguous copy.
        boolean rowsInside = g.dilationW() == 1 && ix0 >= 0 && ix0 + g.kw() <= g.inW();
        int d = at;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = iy0 + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) {
                java.util.Arrays.fill(dst, d, d + rowBytes, padValue);
            } else if (rowsInside) {
                System.arraycopy(arena, inBase + iy * inRow + ix0 * inC, dst, d, rowBytes);
            } else {
                int e = d;
                for (int kx = 0; kx < g.kw(); kx++) {
                    int ix = ix0 + kx * g.dilationW();
                    if (ix < 0 || ix >= g.inW()) {
                        java.util.Arrays.fill(dst, e, e + inC, padValue);
                    } else {
                        System.arraycopy(arena, inBase + iy * inRow + ix * inC, dst, e, inC);
                    }
                    e += inC;
                }
            }
            d += rowBytes;
        }
    }
}
