package owlet.runtime.quant.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.Rounding;

/**
 * {@link ChannelRequant#requantize} on {@code L} channels at once, with int lanes only (no 64-bit lane
 * multiply, which neither AVX2 nor NEON has): the same bytes for every accumulator.
 *
 * <p>The doubling high multiply {@code h = floor((x·M + 2^30) / 2^31)} is built from 16-bit halves,
 * {@code x = xh·2^16 + xl}, {@code M = mh·2^16 + ml}, whose four products fit in int32:
 * {@code x·M = (xh·mh + (xh·ml >> 16) + (xl·mh >> 16))·2^32 + s·2^16 + r} with
 * {@code s = (xh·ml & 0xFFFF) + (xl·mh & 0xFFFF) + (xl·ml >>> 16)} and {@code 0 <= r < 2^16}, so
 * {@code h = 2·(xh·mh + (xh·ml >> 16) + (xl·mh >> 16)) + ((s + 2^14) >> 15)}, exactly, in wrapping int32
 * arithmetic (the true h fits in int32). The division by {@code 2^e} then rounds as the scalar code:
 * {@code (h >> e) + ((h & mask) > half (+1 if h < 0 and ties go away from zero))}, the comparison taken
 * from the sign of the difference: no vector masks, which JDK 17 does not compile to registers everywhere.
 *
 * <p>A shorter form ({@link #storeBounded}) serves the usual layer: no left shift, a right shift of at least 1,
 * and {@code |x| < 2^29}, which the kernels show from the weights and the bias ({@code |x| <= |bias| +
 * 255·Σ|w - zp|}, the input less its zero point being within ±255). There the middle terms
 * {@code S = xh·ml + xl·mh + (xl·ml >>> 16) + 2^14} lie in (-2^29, 2^32 - 2^29), so
 * {@code T = S + 2^29} is exact as an unsigned int and {@code h = xh·(2·mh) + (T >>> 15) - 2^14} needs no
 * split of the middle products. The rounding division is then one shift,
 * {@code (h + 2^(e-1) - [x < 0]) >> e}, which gives the remainder test above for e >= 1 (the sign of x
 * serves for the sign of h: h < 0 only if x < 0, and where x < 0 but h >= 0, h is 0 and both give 0); its
 * constant folds with the {@code -2^14}. About 25 operations per vector instead of 40.
 */
public final class VectorRequant {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Bytes of one int vector after narrowing, when a byte species of L lanes exists (L >= 8). */
    private static final VectorSpecies<Byte> B = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8))
            : null;

    /**
     * With 4 lanes, in a column of outputs ({@link #storeBoundedColumn}), where no byte species of 4 lanes
     * exists: lane i's low byte is shifted to bits 8i and the lanes summed into one int ({@link #storeFour}).
     * The Vector API's cast to bytes would do it in fewer operations, but JDK 17 on aarch64 does not
     * intrinsify it (24 MB allocated per inference of V1 0.25/128 under qemu); shifts and an add across lanes
     * are intrinsified there, as on x86.
     */
    private static final int[] BYTE_SHIFTS = java.util.Arrays.copyOf(new int[] {0, 8, 16, 24}, Math.max(4, L));
    /** 4 bytes of a byte[] as one int, the first in the lowest bits. */
    private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    /** 8 bytes of a byte[] as one long, the first in the lowest bits. */
    private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final int channels;
    // Per channel, padded to whole vectors.
    private final int[] bias;
    private final int[] multLow;
    private final int[] multHigh;
    private final int[] leftShift;
    private final int[] rightShift;
    private final int[] mask;
    private final int[] half;
    private final IntVector outZeroPoint;
    private final IntVector min;
    private final IntVector max;
    private final boolean tiesUp;
    /** Whether every accumulator meets {@link #storeBounded}'s conditions. */
    private final boolean bounded;
    /** Per channel for {@link #storeBounded}: {@code 2·(M >>> 16)}. */
    private final int[] multHigh2;
    /** Per channel for {@link #storeBounded}: {@code 2^(e-1) - 2^14}. */
    private final int[] roundingTerm;

    /** Largest {@code |acc + bias|} for which {@link #storeBounded} is exact. */
    public static final long BOUNDED_LIMIT = (1L << 29) - 1;

    /**
     * The largest {@code |acc + bias|} the stage {@code rq} (before any folding into its bias) can see, from
     * each channel's {@code Σ|w - zp|}: {@code |bias| + 255·Σ|w - zp|}, an input less its zero point being
     * within ±255 and padding taps adding 0. What {@link #VectorRequant(ChannelRequant, long)} takes.
     */
    public static long maxAbsAccumulator(ChannelRequant rq, long[] absWeightSums) {
        long max = 0;
        for (int c = 0; c < absWeightSums.length; c++) {
            max = Math.max(max, Math.abs((long) rq.bias(c)) + 255 * absWeightSums[c]);
        }
        return max;
    }

    /** The stage {@code rq}, with its rounding rule, for vectors of the preferred int species. */
    public VectorRequant(ChannelRequant rq) {
        this(rq, Long.MAX_VALUE);
    }

    /**
     * The stage {@code rq} for accumulators with {@code |acc + bias(c)| <= maxAbsX} for every channel (the
     * caller's proof, from the weights; see the class comment): below {@link #BOUNDED_LIMIT}, and with no
     * left shift and a right shift of 1 or more on every channel, the shorter form.
     */
    public VectorRequant(ChannelRequant rq, long maxAbsX) {
        this.channels = rq.channels();
        // Channel c's parameters also at c + channels, c + 2·channels, ...: a vector starting at any channel
        // reads L channels in a row, wrapping around (the depthwise kernel's flattened rows need that).
        int padded = channels + L;
        bias = new int[padded];
        multLow = new int[padded];
        multHigh = new int[padded];
        leftShift = new int[padded];
        rightShift = new int[padded];
        mask = new int[padded];
        half = new int[padded];
        for (int i = 0; i < padded; i++) {
            int c = i % channels;
            bias[i] = rq.bias(c);
            multLow[i] = rq.multiplier(c) & 0xFFFF;
            multHigh[i] = rq.multiplier(c) >>> 16;
            leftShift[i] = rq.leftShift(c);
            rightShift[i] = rq.rightShift(c);
            mask[i] = (1 << rightShift[i]) - 1;
            half[i] = mask[i] >> 1;
        }
        outZeroPoint = IntVector.broadcast(I, rq.outZeroPoint());
        min = IntVector.broadcast(I, rq.min());
        max = IntVector.broadcast(I, rq.max());
        this.tiesUp = rq.rounding() == Rounding.TIES_UP;
        boolean b = maxAbsX <= BOUNDED_LIMIT;
        multHigh2 = new int[padded];
        roundingTerm = new int[padded];
        for (int i = 0; i < padded; i++) {
            b &= leftShift[i] == 0 && rightShift[i] >= 1;
            multHigh2[i] = 2 * multHigh[i];
            roundingTerm[i] = (1 << (rightShift[i] - 1)) - (1 << 14);
        }
        this.bounded = b;
    }

    /** Whether this stage takes the shorter form ({@link #storeBounded}). */
    public boolean bounded() {
        return bounded;
    }

    static int lanes() {
        return L;
    }

    /**
     * {@link #store(int[], int, int, byte[], int, int)} on {@code n} vectors for the same channels,
     * {@code acc[from + i·L]} to {@code out[at + i·stride]}: one call from a kernel for a column of outputs.
     * The usual, bounded stage loops inside itself with its parameters loaded once: as a loop of calls to
     * the one-vector stage, the column's speed depended on whether the JIT inlined that stage into it, which
     * the other layers' profiles decided. At 128 bits, after a whole model had run, the calls stayed, and a
     * 112×112×32 depthwise layer took 1.25 ms instead of 0.75 (see BENCHMARKS.md). (An earlier loop of this
     * kind, with the tail of {@link #storeBytes} inside the stage, made the JIT leave an operation
     * unintrinsified now and then: up to 2.2 MB allocated per inference. The tests' four runs and qemu
     * check that this one allocates nothing.)
     */
    public void store(int[] acc, int from, int n, int c0, byte[] out, int at, int stride, int count) {
        if (bounded) {
            storeBoundedColumn(acc, from, n, c0, out, at, stride, count);
        } else {
            for (int i = 0; i < n; i++) {
                storeExact(acc, from + i * L, c0, out, at + i * stride, count);
            }
        }
    }

    /**
     * Requantizes the L accumulators at {@code acc[from]} (channels c0, c0 + 1, ... modulo the channel
     * count, {@code 0 <= c0 < channels}) and stores the first {@code count} output bytes at {@code out[at]}.
     * Vectors cross no method boundary: the callers hand over int arrays. The JIT does not inline a method
     * this large once it is compiled on its own, and a vector passed to or returned from a method it does
     * not inline is allocated: a helper for the high multiply, called from here, made the JIT box vectors,
     * about 5 MB per inference of V1 0.25/128, and slowed it down (see BENCHMARKS.md).
     */
    public void store(int[] acc, int from, int c0, byte[] out, int at, int count) {
        if (bounded) {
            storeBounded(acc, from, c0, out, at, count);
        } else {
            storeExact(acc, from, c0, out, at, count);
        }
    }

    /**
     * {@link #store} on {@code n} vectors for accumulators within the bound (see the class comment): the
     * arithmetic of {@link #storeBounded} in a loop, and with 4 lanes the narrowing of {@link #storeFour}.
     * Two copies, because each form was slower in the other's place: the one-vector stage written as this
     * loop run once made the classifier's convolution (one call per block, {@code ByteWeightGemv}) 1.4×
     * slower at 256 bits, and with {@link #storeFour}'s narrowing 1.35× slower at 128 (see BENCHMARKS.md).
     */
    private void storeBoundedColumn(int[] acc, int from, int n, int c0, byte[] out, int at, int stride,
                                    int count) {
        IntVector b = IntVector.fromArray(I, bias, c0);
        IntVector ml = IntVector.fromArray(I, multLow, c0);
        IntVector mh = IntVector.fromArray(I, multHigh, c0);
        IntVector mh2 = IntVector.fromArray(I, multHigh2, c0);
        IntVector r = IntVector.fromArray(I, roundingTerm, c0);
        IntVector e = IntVector.fromArray(I, rightShift, c0);
        IntVector zp = outZeroPoint;
        IntVector lo = min;
        IntVector hi = max;
        boolean away = !tiesUp;
        for (int i = 0; i < n; i++) {
            int a = from + i * L;
            int o = at + i * stride;
            IntVector x = IntVector.fromArray(I, acc, a).add(b);
            IntVector xl = x.and(0xFFFF);
            IntVector xh = x.lanewise(VectorOperators.ASHR, 16);
            IntVector t = xh.mul(ml).add(xl.mul(mh)).add(xl.mul(ml).lanewise(VectorOperators.LSHR, 16))
                    .add((1 << 14) + (1 << 29));
            IntVector h = xh.mul(mh2).add(t.lanewise(VectorOperators.LSHR, 15)).add(r);
            if (away) {
                h = h.add(x.lanewise(VectorOperators.ASHR, 31));
            }
            IntVector v = h.lanewise(VectorOperators.ASHR, e).add(zp).max(lo).min(hi);
            if (L == 4) {
                storeFour(v.and(0xFF).lanewise(VectorOperators.LSHL, IntVector.fromArray(I, BYTE_SHIFTS, 0))
                        .reduceLanes(VectorOperators.ADD), out, o, count);
            } else if (count == L) {
                v.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(out, o);
            } else {
                v.intoArray(acc, a);
                storeBytes(acc, a, out, o, count);
            }
        }
    }

    /** {@link #store} for accumulators within the bound (see the class comment). */
    private void storeBounded(int[] acc, int from, int c0, byte[] out, int at, int count) {
        IntVector x = IntVector.fromArray(I, acc, from).add(IntVector.fromArray(I, bias, c0));
        IntVector xl = x.and(0xFFFF);
        IntVector xh = x.lanewise(VectorOperators.ASHR, 16);
        IntVector ml = IntVector.fromArray(I, multLow, c0);
        IntVector t = xh.mul(ml).add(xl.mul(IntVector.fromArray(I, multHigh, c0)))
                .add(xl.mul(ml).lanewise(VectorOperators.LSHR, 16)).add((1 << 14) + (1 << 29));
        IntVector h = xh.mul(IntVector.fromArray(I, multHigh2, c0)).add(t.lanewise(VectorOperators.LSHR, 15))
                .add(IntVector.fromArray(I, roundingTerm, c0));
        if (!tiesUp) {
            h = h.add(x.lanewise(VectorOperators.ASHR, 31));
        }
        IntVector v = h.lanewise(VectorOperators.ASHR, IntVector.fromArray(I, rightShift, c0))
                .add(outZeroPoint).max(min).min(max);
        if (count == L && B != null) {
            v.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(out, at);
        } else {
            v.intoArray(acc, from);
            storeBytes(acc, from, out, at, count);
        }
    }

    /** {@link #store} for any accumulator. */
    private void storeExact(int[] acc, int from, int c0, byte[] out, int at, int count) {
        IntVector x = IntVector.fromArray(I, acc, from).add(IntVector.fromArray(I, bias, c0))
                .lanewise(VectorOperators.LSHL, IntVector.fromArray(I, leftShift, c0));
        IntVector ml = IntVector.fromArray(I, multLow, c0);
        IntVector mh = IntVector.fromArray(I, multHigh, c0);
        IntVector xl = x.and(0xFFFF);
        IntVector xh = x.lanewise(VectorOperators.ASHR, 16);
        IntVector p0 = xl.mul(ml);
        IntVector p1 = xh.mul(ml);
        IntVector p2 = xl.mul(mh);
        IntVector p3 = xh.mul(mh);
        IntVector s = p1.and(0xFFFF).add(p2.and(0xFFFF)).add(p0.lanewise(VectorOperators.LSHR, 16));
        IntVector high = p3.add(p1.lanewise(VectorOperators.ASHR, 16)).add(p2.lanewise(VectorOperators.ASHR, 16));
        IntVector h = high.add(high).add(s.add(1 << 14).lanewise(VectorOperators.ASHR, 15));
        IntVector threshold = IntVector.fromArray(I, half, c0);
        if (!tiesUp) {
            threshold = threshold.add(h.lanewise(VectorOperators.LSHR, 31));
        }
        // remainder > threshold as 0/1 without a mask: both lie in [0, 2^30], so the difference's sign bit.
        IntVector up = threshold.sub(h.and(IntVector.fromArray(I, mask, c0))).lanewise(VectorOperators.LSHR, 31);
        IntVector v = h.lanewise(VectorOperators.ASHR, IntVector.fromArray(I, rightShift, c0)).add(up)
                .add(outZeroPoint).max(min).min(max);
        if (count == L && B != null) {
            v.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(out, at);
        } else {
            v.intoArray(acc, from);
            storeBytes(acc, from, out, at, count);
        }
    }

    /**
     * The first {@code count} of the 4 bytes in {@code bytes} (the first in the lowest bits) at
     * {@code out[at]}: the 4-lane output, stored without a round trip through the accumulator array
     * ({@link #storeBytes}): that round trip took about a third of a small 1×1 convolution's time at 128
     * bits (see BENCHMARKS.md). A method of its own, taking the count whatever it is: with a test of the count
     * around the narrowing inside the output stage, the JIT compiled the stage without its vector intrinsics
     * in 1 of 4 and 2 of 6 JVMs after a whole model had run (14 MB allocated per call of a 112×112×32
     * depthwise layer).
     */
    private static void storeFour(int bytes, byte[] out, int at, int count) {
        if (count == 4) {
            LITTLE_ENDIAN_INT.set(out, at, bytes);
        } else {
            for (int l = 0; l < count; l++) {
                out[at + l] = (byte) (bytes >>> 8 * l);
            }
        }
    }

    /**
     * {@code acc[from...]}'s first {@code count} values as bytes at {@code out[at]}, 8 at a time where there
     * are 8 (8 channels of 16 lanes in 24-channel layers; measured faster than byte by byte, see
     * BENCHMARKS.md).
     * Out of {@link #store}: with the tail in there, narrowed by the Vector API or byte by byte, the JIT now
     * and then did not intrinsify every vector operation of that method (in one run of six to eight that
     * had first exercised all its paths, 0.8–6.2 MB allocated per inference).
     */
    private static void storeBytes(int[] acc, int from, byte[] out, int at, int count) {
        int l = 0;
        for (; l + 8 <= count; l += 8) {
            long bytes = 0;
            for (int k = 7; k >= 0; k--) {
                bytes = bytes << 8 | (acc[from + l + k] & 0xFF);
            }
            LITTLE_ENDIAN_LONG.set(out, at + l, bytes);
        }
        for (; l < count; l++) {
            out[at + l] = (byte) acc[from + l];
        }
    }
}
