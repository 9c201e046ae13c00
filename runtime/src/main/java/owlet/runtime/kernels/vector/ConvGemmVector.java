package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.Conv2D;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.vector.VectorRequant;

/**
 * CONV_2D as an int8 GEMM, {@code out[p, oc] = requant(Σ_k patch[p, k] · w[oc, k])}, where the patch of
 * output pixel {@code p} is its KH×KW×Cin input window in filter order (k = (ky, kx, ic)). For a 1×1
 * stride-1 convolution the patches are the rows of the NHWC input and are read in place; otherwise
 * (the first 3×3 layer of a MobileNet) each group of 4 patches is gathered into per-part scratch first,
 * taps outside the input filled with the input zero point, so padding never reaches the inner loop.
 * Either way the inner loop reads its inputs as ints, widened once per chunk of pixels (1×1) or while
 * gathering: a broadcast from an int in memory is a load, where a broadcast of a byte needs a load, a
 * sign extension and a move to a vector register. (MacCeilingBench: the tile's loop with int inputs
 * 48 G mult-adds/s against 39 with byte inputs, on this machine's 512-bit vectors.)
 *
 * <p>The weights are packed once into blocks of {@code L} output channels ({@code L} int lanes), k-major
 * inside a block, so the inner loop streams one weight vector per k and block and broadcasts one input
 * byte per pixel. Register tile: 4 pixels × 2 blocks of accumulators, requantized in vector lanes
 * ({@link VectorRequant}) and stored as bytes.
 *
 * <p>Exactness: the reference accumulates {@code (in + inOffset) · w} over the taps inside the input.
 * Here the constant part {@code inOffset · Σ_k w[oc, k]} is folded into the bias at load time
 * ({@link ChannelRequant#withBiasAdded}); a padding tap holds {@code -inOffset}, so it adds
 * {@code (-inOffset + inOffset) · w = 0} as in the reference. int32 arithmetic wraps, so the sum is the
 * same for every input, and the output stage is the reference's, element by element.
 */
final class ConvGemmVector implements PartitionedKernel {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Pixels of a 1×1 convolution done together, all blocks, before the next: a multiple of 4. */
    private static final int CHUNK = 64;
    /**
     * What {@link #widen} loads, {@code max(8, L)} bytes: the byte species the other kernels use (a
     * ByteVector of another size made the JIT box vectors once: its type profile of ByteVector.intoArray
     * then saw two vector classes).
     */
    private static final VectorSpecies<Byte> WIDEN = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(Math.max(64, L * 8)));

    private final Window w;
    /** Whether the patches are the input rows themselves (1×1, stride 1). */
    private final boolean direct;
    private final int pixels;
    /** Patch length: KH·KW·Cin. */
    private final int depth;
    private final int outC;
    private final int blocks;
    private final int inOffset;
    private final int outOffset;
    /** The stored input zero point: what a padding tap reads. */
    private final byte padValue;
    /**
     * [block][k][lane]: weight - filterZp of output channel block*L + lane, 0 past outC; null when the layer
     * has fewer than 4 pixels, where {@link #packedBytes} is used instead.
     */
    private final int[] packed;
    /**
     * The same as bytes, {@code weight - filterZp - delta[oc]}, for a layer of fewer than 4 pixels (the
     * classifier's 1×1 convolution on one pixel): there each weight is used once per pixel, and as ints
     * the matrix outgrew the caches (1280×1001 of V2: 5 MB, 311 us for that one layer). Null otherwise.
     */
    private final byte[] packedBytes;
    /**
     * Per output channel, padded to whole blocks: what {@link #packedBytes} leaves out of the filter; null
     * with {@link #packed}.
     */
    private final int[] delta;
    private final VectorRequant rq;
    /** Per part: the accumulators of one tile, [block][pixel][lane], handed to the output stage. */
    private final int[][] scratch;
    /** Per part: a chunk's input rows or 4 gathered patches, as ints. */
    private final int[][] patches;

    /** 1×1, stride 1, same spatial size: the input rows are the patches. */
    static boolean isPointwise(Window w) {
        return w.kh() == 1 && w.kw() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.outH() == w.inH()
                && w.outW() == w.inW();
    }

    /**
     * @param filter      {@code weight - filterZp}, [Cout, KH, KW, Cin]
     * @param inputOffset {@code -inputZp} in the arena's representation
     */
    ConvGemmVector(Window w, short[] filter, int inputOffset, ChannelRequant rq, boolean tiesUp, int parts) {
        this.w = w;
        this.direct = isPointwise(w);
        this.pixels = w.batches() * w.outH() * w.outW();
        this.depth = w.kh() * w.kw() * w.inC();
        this.outC = w.outC();
        this.blocks = (outC + L - 1) / L;
        this.inOffset = w.inOffset();
        this.outOffset = w.outOffset();
        this.padValue = (byte) -inputOffset;
        boolean bytes = pixels < 4;
        this.packed = bytes ? null : new int[blocks * depth * L];
        // WIDEN loads max(8, L) bytes for L lanes: slack after the last.
        this.packedBytes = bytes ? new byte[blocks * depth * L + WIDEN.length()] : null;
        this.delta = bytes ? new int[blocks * L] : null;
        int[] fold = new int[outC];
        for (int oc = 0; oc < outC; oc++) {
            int sum = 0;
            int min = 0;
            int max = 0;
            for (int k = 0; k < depth; k++) {
                int v = filter[oc * depth + k];
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            fold[oc] = inputOffset * sum;
            if (bytes) {
                // weight - filterZp spans at most 256 values: shifted by delta they fit in a byte.
                delta[oc] = min < Byte.MIN_VALUE || max > Byte.MAX_VALUE ? min - Byte.MIN_VALUE : 0;
            }
            for (int k = 0; k < depth; k++) {
                int at = ((oc / L) * depth + k) * L + oc % L;
                if (bytes) {
                    packedBytes[at] = (byte) (filter[oc * depth + k] - delta[oc]);
                } else {
                    packed[at] = filter[oc * depth + k];
                }
            }
        }
        this.rq = new VectorRequant(rq.withBiasAdded(fold), tiesUp);
        this.scratch = PartitionedKernel.scratchInts(parts, 4 * 2 * L);
        this.patches = PartitionedKernel.scratchInts(parts, (direct ? CHUNK : 4) * depth + L);
    }

    /**
     * Part {@code part} of {@code parts}: a range of output pixels, or, when there are too few pixels to
     * give every part a tile of 4 (the classifier's 1×1 convolution on one pixel), a range of channel
     * blocks over all pixels.
     */
    @Override
    public void eval(byte[] arena, int part, int parts) {
        int p0 = 0;
        int p1 = pixels;
        int b0 = 0;
        int b1 = blocks;
        if (pixels >= 4 * parts) {
            p0 = PartitionedKernel.begin(pixels, part, parts);
            p1 = PartitionedKernel.begin(pixels, part + 1, parts);
        } else {
            b0 = PartitionedKernel.begin(blocks, part, parts);
            b1 = PartitionedKernel.begin(blocks, part + 1, parts);
        }
        if (packed == null) {
            pixelsFew(arena, p0, p1, b0, b1, scratch[part], patches[part]);
        } else if (direct) {
            for (int c0 = p0; c0 < p1; c0 += CHUNK) {
                pixelsDirect(arena, c0, Math.min(p1, c0 + CHUNK), b0, b1, scratch[part], patches[part]);
            }
        } else {
            pixelsGathered(arena, p0, p1, b0, b1, scratch[part], patches[part]);
        }
    }

    /**
     * Pixels p0..p1 (at most {@link #CHUNK}) of a 1×1 convolution, blocks b0..b1, blocks outermost: the
     * chunk's input rows stay in cache while the weights stream through once. (Tiles outermost read the
     * whole weight matrix once per tile: 13 times 1.6 MB for V2's 7×7 320→1280 layer.)
     */
    private void pixelsDirect(byte[] arena, int p0, int p1, int b0, int b1, int[] acc, int[] rows) {
        widen(arena, inOffset + p0 * depth, (p1 - p0) * depth, rows, 0);
        int b = b0;
        for (; b + 2 <= b1; b += 2) {
            int p = p0;
            for (; p + 4 <= p1; p += 4) {
                tile4x2(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
            }
            for (; p < p1; p++) {
                tile1x1(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
                tile1x1(rows, (p - p0) * depth, b + 1, arena, outOffset + p * outC, acc);
            }
        }
        if (b < b1) {
            int p = p0;
            for (; p + 4 <= p1; p += 4) {
                tile4x1(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
            }
            for (; p < p1; p++) {
                tile1x1(rows, (p - p0) * depth, b, arena, outOffset + p * outC, acc);
            }
        }
    }

    /**
     * {@code arena[from .. from + n)} as ints at {@code dst[at]}, L at a time. The last vector may read up
     * to {@link #WIDEN} bytes past the range (at worst into the arena's tail,
     * {@link owlet.runtime.graph.ExecutionPlan#ARENA_TAIL_BYTES}) and write past {@code n} into {@code dst}'s
     * slack or into what the caller writes next. With 4 lanes the load has 8 bytes and only its first 4
     * are used: part 1 of that conversion, tried first, made the JIT leave vector operations elsewhere
     * unintrinsified in some runs.
     */
    private static void widen(byte[] arena, int from, int n, int[] dst, int at) {
        for (int i = 0; i < n; i += L) {
            ((IntVector) ByteVector.fromArray(WIDEN, arena, from + i).castShape(I, 0)).intoArray(dst, at + i);
        }
    }

    /**
     * Pixels p0..p1, blocks b0..b1 of a layer of fewer than 4 pixels, weights as bytes: each pixel's
     * window gathered, its input sum taken once for the {@link #delta} term, then one block at a time.
     */
    private void pixelsFew(byte[] arena, int p0, int p1, int b0, int b1, int[] acc, int[] src) {
        Window g = w;
        int perImage = g.outH() * g.outW();
        for (int p = p0; p < p1; p++) {
            int b = p / perImage;
            int oy = (p - b * perImage) / g.outW();
            gather(arena, b, oy, p - b * perImage - oy * g.outW(), src, 0);
            int inputSum = 0;
            for (int k = 0; k < depth; k++) {
                inputSum += src[k];
            }
            for (int k = b0; k < b1; k++) {
                tile1x1Bytes(src, k, inputSum, arena, outOffset + p * outC, acc);
            }
        }
    }

    /** Pixels p0..p1, blocks b0..b1 of a convolution whose windows are gathered, 4 at a time. */
    private void pixelsGathered(byte[] arena, int p0, int p1, int b0, int b1, int[] acc, int[] src) {
        Window g = w;
        int perImage = g.outH() * g.outW();
        // Coordinates of pixel p, advanced one pixel at a time (no division per pixel).
        int b = p0 / perImage;
        int oy = (p0 - b * perImage) / g.outW();
        int ox = p0 - b * perImage - oy * g.outW();
        int p = p0;
        for (; p < p1; p++) {
            int q = (p - p0) & 3;
            gather(arena, b, oy, ox, src, q * depth);
            if (++ox == g.outW()) {
                ox = 0;
                if (++oy == g.outH()) {
                    oy = 0;
                    b++;
                }
            }
            if (q == 3) {
                int out = outOffset + (p - 3) * outC;
                int k = b0;
                for (; k + 2 <= b1; k += 2) {
                    tile4x2(src, 0, k, arena, out, acc);
                }
                if (k < b1) {
                    tile4x1(src, 0, k, arena, out, acc);
                }
            }
        }
        // The last (p1 - p0) % 4 pixels, gathered at q = 0, 1, 2 above.
        for (int r = p1 - (p1 - p0) % 4; r < p1; r++) {
            int q = (r - p0) & 3;
            for (int k = b0; k < b1; k++) {
                tile1x1(src, q * depth, k, arena, outOffset + r * outC, acc);
            }
        }
    }

    /**
     * Copies the input window of output pixel (b, oy, ox) to {@code dst[at...]} as ints, padding taps as
     * the zero point.
     */
    private void gather(byte[] arena, int b, int oy, int ox, int[] dst, int at) {
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
                // May write past the row, before the next row or patch overwrites that.
                widen(arena, inBase + iy * inRow + ix0 * inC, rowBytes, dst, d);
            } else {
                int e = d;
                for (int kx = 0; kx < g.kw(); kx++) {
                    int ix = ix0 + kx * g.dilationW();
                    if (ix < 0 || ix >= g.inW()) {
                        java.util.Arrays.fill(dst, e, e + inC, padValue);
                    } else {
                        int s = inBase + iy * inRow + ix * inC;
                        for (int i = 0; i < inC; i++) {
                            dst[e + i] = arena[s + i];
                        }
                    }
                    e += inC;
                }
            }
            d += rowBytes;
        }
    }

    /**
     * Four patches at {@code src[i0]}, {@code src[i0 + depth]}, ...; blocks b and b + 1; outputs of the
     * four pixels at {@code arena[out]}, {@code arena[out + outC]}, ...
     */
    private void tile4x2(int[] src, int i0, int b, byte[] arena, int out, int[] acc) {
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

    private void tile4x1(int[] src, int i0, int b, byte[] arena, int out, int[] acc) {
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

    private void tile1x1(int[] src, int i0, int b, byte[] arena, int out, int[] acc) {
        int w0 = b * depth * L;
        IntVector a0 = IntVector.zero(I);
        for (int k = 0; k < depth; k++) {
            a0 = a0.add(IntVector.fromArray(I, packed, w0 + k * L).mul(src[i0 + k]));
        }
        int c0 = b * L;
        a0.intoArray(acc, 0);
        rq.store(acc, 0, c0, arena, out + c0, Math.min(L, outC - c0));
    }

    /**
     * {@link #tile1x1} of the patch at {@code src[0]} with the weights as bytes:
     * {@code Σ_k (stored + delta)·x = Σ_k stored·x + delta·Σ_k x}, {@code inputSum = Σ_k x}.
     */
    private void tile1x1Bytes(int[] src, int b, int inputSum, byte[] arena, int out, int[] acc) {
        int w0 = b * depth * L;
        IntVector a0 = IntVector.zero(I);
        for (int k = 0; k < depth; k++) {
            a0 = a0.add(((IntVector) ByteVector.fromArray(WIDEN, packedBytes, w0 + k * L).castShape(I, 0))
                    .mul(src[k]));
        }
        int c0 = b * L;
        a0.add(IntVector.fromArray(I, delta, c0).mul(inputSum)).intoArray(acc, 0);
        rq.store(acc, 0, c0, arena, out + c0, Math.min(L, outC - c0));
    }
}
