package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * The GEMM variants that multiply in 16-bit lanes, two patch positions per 32-bit lane, with both factors
 * as unsigned bytes: each product is below 2^16, so a 16-bit multiply (16 products per 256 bits) gives
 * it exactly, where a 32-bit multiply gives 8 and costs more (measured twice as fast on AVX2; the same
 * shape as NEON's 8 × 16-bit multiplies). The variants differ in where the patches come from
 * ({@link PointwiseGemm}, {@link GatheredGemm}, {@link RowPairGemm}).
 *
 * <p>The arithmetic. With the stored input {@code x} (a signed byte), {@code u = x + 128} in [0, 255], and
 * {@code f = weight - filterZp = v + delta} with {@code v} in [0, 255] (f spans at most 256 values over the
 * whole filter, delta its smallest),
 * {@code Σ_k x·f = Σ_k u·v + delta·Σ_k u - 128·Σ_k f}. The last term is folded into the bias with the
 * input offset ({@link ConvGemm}); {@code Σ_k u} is taken once per patch ({@link #pairUp}); {@code Σ u·v}
 * is the inner loop. There a 32-bit lane holds two patch positions of one output channel, (k, k + L) in
 * the usual {@link Pairing#byGroups pairing}: the input pair {@code u_k | u_(k+L) << 16} broadcast, the
 * weight pair in the same halves, one 16-bit multiply, and the 32-bit lane of products
 * {@code t = lo + hi·2^16}. The loop adds {@code t} to one
 * accumulator and {@code t >>> 16} (= hi) to another; {@code Σ(lo + hi) = Σt - 65535·Σhi}, modulo 2^32 as
 * the reference's int32 accumulator.
 */
abstract class PairGemm extends ConvGemm {
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, I.vectorShape());

    /**
     * Patch positions k and k + L share a lane: a patch is {@link #groups} groups of 2L positions, the last
     * of them {@code 2·lastPairs} (positions k and k + lastPairs), so that a short patch (depth 8 or 24 with
     * 8 lanes) wastes no lanes.
     */
    final int groups;
    /** Pairs of the last group: {@code ceil((depth - 2L·(groups - 1)) / 2)}, at most L. */
    final int lastPairs;
    /** Input pairs per patch, {@code ceil(depth / 2)} (in both pairings, {@link Pairing}). */
    final int pairs;
    /** [block][pair][lane][2]: the unsigned weights {@code v} of output channel block·L + lane. */
    final short[] packed;
    /** {@code f - v}, the same for every weight ({@link GemmWeights#pairsDelta}). */
    final int delta;
    /**
     * The lanes of a group that hold patch positions below depth, -1, else 0, first for k then for the
     * position paired with k: a full group's at [0, 2L), the last group's (k and k + lastPairs) at [2L, 4L).
     */
    private final int[] groupLanes;
    /** Per part: {@code Σ_k u} of each patch in {@link #patches}. */
    final int[][] sums;

    /**
     * Which two patch positions each input pair holds: pair q holds {@code lo[q]} and {@code hi[q]}, -1
     * for none (its input half is then multiplied by a weight of 0). A variant builds its pairs in its
     * pairing, and the weights are packed in the same one.
     */
    record Pairing(int[] lo, int[] hi) {
        int pairs() {
            return lo.length;
        }

        /**
         * The pairing of {@link #pairUp}: groups of 2L positions, pair {@code g·L + j} holding positions
         * {@code 2L·g + j} and {@code 2L·g + L + j}, in the last group {@code 2L·g + j} and
         * {@code 2L·g + lastPairs + j} ({@link #lastPairsOf}).
         */
        static Pairing byGroups(int depth) {
            int groups = (depth + 2 * L - 1) / (2 * L);
            int lastPairs = lastPairsOf(depth);
            int[] lo = new int[(groups - 1) * L + lastPairs];
            int[] hi = new int[lo.length];
            java.util.Arrays.fill(hi, -1);
            for (int k = 0; k < depth; k++) {
                int g = k / (2 * L);
                int r = k % (2 * L);
                int distance = g == groups - 1 ? lastPairs : L;
                int q = g * L + r % distance;
                (r < distance ? lo : hi)[q] = k;
            }
            return new Pairing(lo, hi);
        }
    }

    /** With the pairing of {@link #pairUp}. */
    PairGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts, int patchPixels) {
        this(w, filter, inputOffset, rq, parts, patchPixels, Pairing.byGroups(w.kh() * w.kw() * w.inC()));
    }

    /**
     * @param patchPixels the patches a part holds at once in {@link #patches}
     * @param pairing     the pairs a patch is built of ({@link #pairUp} takes only {@link Pairing#byGroups})
     */
    PairGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts, int patchPixels,
             Pairing pairing) {
        super(w, filter, inputOffset, 128, rq, parts, patchPixels * pairing.pairs() + L);
        int depth = this.depth;
        this.groups = (depth + 2 * L - 1) / (2 * L);
        this.lastPairs = lastPairsOf(depth);
        this.pairs = pairing.pairs();
        this.delta = GemmWeights.pairsDelta(filter);
        this.packed = GemmWeights.pairs(filter, outC, depth, delta, pairing);
        this.groupLanes = new int[4 * L];
        java.util.Arrays.fill(groupLanes, 0, 2 * L, -1);
        int base = (groups - 1) * 2 * L;
        for (int j = 0; j < L; j++) {
            groupLanes[2 * L + j] = j < lastPairs && base + j < depth ? -1 : 0;
            groupLanes[3 * L + j] = j < lastPairs && base + lastPairs + j < depth ? -1 : 0;
        }
        this.sums = new int[parts][patchPixels];
    }

    /** Pairs in the last group of a patch of {@code depth} positions. */
    static int lastPairsOf(int depth) {
        int groups = (depth + 2 * L - 1) / (2 * L);
        return (depth - (groups - 1) * 2 * L + 1) / 2;
    }

    /**
     * The patch of {@code depth} stored bytes at {@code bytes[at]} as {@link #pairs} input pairs at
     * {@code dst[to]}, positions past depth as 0; returns {@code Σ_k u}. Reads up to
     * {@link ConvGemm#WINDOW_SLACK} bytes past the patch; writes zeros up to L ints past its pairs, which
     * the next patch's overwrite (patches are written in order).
     */
    final int pairUp(byte[] bytes, int at, int[] dst, int to) {
        IntVector sum = IntVector.zero(I);
        int last = groups - 1;
        // One loop for all groups, the last with its own pairing and lanes: written out apart, the last
        // group's widening loads took this method past the size the JIT inlines into its hot callers.
        for (int g = 0; g <= last; g++) {
            int from = at + 2 * L * g;
            int hiFrom = from + (g == last ? lastPairs : L);
            int lanes = g == last ? 2 * L : 0;
            IntVector lo = (VIA_SHORTS ? ByteLanes.widenViaShorts(bytes, from)
                    : (IntVector) ByteVector.fromArray(B, bytes, from).castShape(I, 0)).add(128)
                    .and(IntVector.fromArray(I, groupLanes, lanes));
            IntVector hi = (VIA_SHORTS ? ByteLanes.widenViaShorts(bytes, hiFrom)
                    : (IntVector) ByteVector.fromArray(B, bytes, hiFrom).castShape(I, 0)).add(128)
                    .and(IntVector.fromArray(I, groupLanes, lanes + L));
            lo.add(hi.lanewise(VectorOperators.LSHL, 16)).intoArray(dst, to + g * L);
            sum = sum.add(lo).add(hi);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Four patches' pairs at {@code src[i0]}, {@code src[i0 + pairs]}, ..., their sums at
     * {@code sum[s0...]}; block b; outputs of the first {@code count} (1 to 4) pixels at {@code arena[out]},
     * {@code arena[out + outC]}, ... (Fewer than 4 still computes 4, from whatever the other slots hold: one
     * tile for all, so the JIT compiles one hot method; a rarely called one-pixel tile ran its epilogue
     * uncompiled and allocated.) {@code acc} holds 8L ints.
     */
    final void tile4(int[] src, int i0, int[] sum, int s0, int b, byte[] arena, int out, int[] acc, int count) {
        multiply4(src, i0, b, acc);
        store4(sum, s0, b, arena, out, acc, count);
    }

    /**
     * The inner loop of {@link #tile4}: its 8 accumulators, {@code Σt} and {@code Σhi} of each pixel, at
     * {@code acc[0], acc[L], ..., acc[7L]}. A method of its own, with nothing live across the loop but its
     * operands and {@code acc}: with the output stage's parameters live across it too, the JIT kept some of
     * them in vector registers and, in most JVMs, spilled accumulators to the stack inside the loop, which
     * made every 1×1 convolution 1.5–1.9× slower (see BENCHMARKS.md).
     */
    private void multiply4(int[] src, int i0, int b, int[] acc) {
        int d1 = pairs;
        int d2 = 2 * d1;
        int d3 = 3 * d1;
        int end = i0 + d1;
        short[] weights = packed;
        IntVector t0 = IntVector.zero(I), h0 = IntVector.zero(I);
        IntVector t1 = IntVector.zero(I), h1 = IntVector.zero(I);
        IntVector t2 = IntVector.zero(I), h2 = IntVector.zero(I);
        IntVector t3 = IntVector.zero(I), h3 = IntVector.zero(I);
        // One index into the patches (the other three at fixed distances) and one into the weights: with an
        // index per patch and the weights' offset from q, the JIT ran short of integer registers and, in some
        // JVMs, kept indices on the stack (17 % slower).
        for (int k = i0, wk = b * d1 * 2 * L; k < end; k++, wk += 2 * L) {
            ShortVector f = ShortVector.fromArray(S, weights, wk);
            IntVector p0 = f.mul(IntVector.broadcast(I, src[k]).reinterpretAsShorts()).reinterpretAsInts();
            IntVector p1 = f.mul(IntVector.broadcast(I, src[k + d1]).reinterpretAsShorts()).reinterpretAsInts();
            IntVector p2 = f.mul(IntVector.broadcast(I, src[k + d2]).reinterpretAsShorts()).reinterpretAsInts();
            IntVector p3 = f.mul(IntVector.broadcast(I, src[k + d3]).reinterpretAsShorts()).reinterpretAsInts();
            t0 = t0.add(p0);
            h0 = h0.add(p0.lanewise(VectorOperators.LSHR, 16));
            t1 = t1.add(p1);
            h1 = h1.add(p1.lanewise(VectorOperators.LSHR, 16));
            t2 = t2.add(p2);
            h2 = h2.add(p2.lanewise(VectorOperators.LSHR, 16));
            t3 = t3.add(p3);
            h3 = h3.add(p3.lanewise(VectorOperators.LSHR, 16));
        }
        t0.intoArray(acc, 0);
        h0.intoArray(acc, L);
        t1.intoArray(acc, 2 * L);
        h1.intoArray(acc, 3 * L);
        t2.intoArray(acc, 4 * L);
        h2.intoArray(acc, 5 * L);
        t3.intoArray(acc, 6 * L);
        h3.intoArray(acc, 7 * L);
    }

    /**
     * The rest of {@link #tile4}: each pixel's {@code Σt - 65535·Σhi + delta·Σu} from the accumulators
     * {@link #multiply4} left in {@code acc}, through the output stage.
     */
    private void store4(int[] sum, int s0, int b, byte[] arena, int out, int[] acc, int count) {
        int c0 = b * L;
        // With outC = L / 2 (8 channels of 16 lanes: V1 0.25's first layer) two pixels share a vector: each
        // pixel's accumulators overwrite the unused upper lanes of the one before, and the output stage's
        // parameters repeat from channel outC on, so two pixels go out in one full store. Pixel j's sums are
        // read from acc[2jL...] before its result is written at acc[j·step], at or below them.
        int step = 2 * outC == L ? outC : L;
        for (int j = 0; j < 4; j++) {
            IntVector t = IntVector.fromArray(I, acc, 2 * j * L);
            IntVector h = IntVector.fromArray(I, acc, (2 * j + 1) * L);
            // Σt - 65535·Σhi + delta·Σu, the multiply by 65535 as a shift and an add.
            t.sub(h.lanewise(VectorOperators.LSHL, 16)).add(h).add(delta * sum[s0 + j]).intoArray(acc, j * step);
        }
        if (step == L) {
            rq.store(acc, 0, count, c0, arena, out + c0, outC, Math.min(L, outC - c0));
        } else if (count == 4) {
            rq.store(acc, 0, 2, 0, arena, out, L, L);
        } else {
            // A partial store rewrites its L accumulators, the next pixel's too: last pixel first.
            for (int j = count - 1; j >= 0; j--) {
                rq.store(acc, j * outC, 0, arena, out + j * outC, outC);
            }
        }
    }
}
