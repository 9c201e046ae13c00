package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Stride 1, channels a multiple of {@code L}: the interior of a row one block of {@code L} channels at a
 * time, the 3×3 window of input vectors sliding along the row with the block's 9 weight vectors held
 * throughout; two blocks (2L channels) at a time in 16-bit lanes where there are two ({@link #pairRow}).
 *
 * <p>The 16-bit lanes. A 32-bit multiply costs several times a 16-bit one (on AVX2; NEON's native multiply
 * is 8 × 16 bits), and a product of a stored input {@code x} (a signed byte) and a packed weight {@code f}
 * (the difference of two stored bytes, within ±255) lies in [-32385, 32640], exact in 16 bits. A 32-bit
 * lane holds channel j of the two blocks in its low half and channel j + L in its high half, as input and
 * as weight; one 16-bit multiply gives the lane {@code p = P_hi·2^16 + (P_lo mod 2^16)}. Then
 * {@code p >> 16} (arithmetic) is {@code P_hi}, and {@code p ^ 0x8000} is {@code P_hi·2^16 + P_lo + 2^15}:
 * the low half made non-negative. Summed over the nine taps into {@code h} and {@code t} (from
 * {@code -9·2^15}), the two channels' sums are {@code h} and {@code t - (h << 16)}, exactly (int32 wraps,
 * and each sum fits in it). A last single block (C an odd multiple of L) takes the int path
 * ({@link #blockRow}), as do the other variants and the border pixels. Measured 1.1–1.3× faster than the
 * int path with 128-bit vectors, even with 256-bit ones; the strided walk in 16-bit lanes was not
 * (BENCHMARKS.md).
 */
final class Depthwise3x3SlidingWindow extends Depthwise3x3 {
    /** Channels taken two blocks at a time: C rounded down to a multiple of 2L. */
    private final int pairChannels;
    /** Row length of {@link #pairs}: pairChannels / 2. */
    private final int pairStride;
    /**
     * [tap][ch / 2 + j] for ch a multiple of 2L and j < L: the weights of channels ch + j and ch + L + j
     * as the low and high 16-bit halves of one int (see the class comment).
     */
    private final int[] pairs;

    Depthwise3x3SlidingWindow(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts);
        this.pairChannels = channels - channels % (2 * L);
        this.pairStride = pairChannels / 2;
        this.pairs = new int[9 * pairStride];
        for (int tap = 0; tap < 9; tap++) {
            for (int ch = 0; ch < pairChannels; ch += 2 * L) {
                for (int j = 0; j < L; j++) {
                    pairs[tap * pairStride + ch / 2 + j] = filter[tap * channels + ch + j] & 0xFFFF
                            | filter[tap * channels + ch + L + j] << 16;
                }
            }
        }
    }

    /**
     * Output pixels oxLo..oxHi of row oy, two blocks of L channels at a time ({@link #pairRow}) and a last
     * single one ({@link #blockRow}), each block's outputs then through the output stage.
     */
    @Override
    void interior(byte[] arena, int b, int oy, int[] acc) {
        Window g = w;
        int c = channels;
        int inRow = g.inW() * c;
        int row0 = g.inOffset() + b * g.inH() * inRow + (oy * g.strideH() - g.padTop()) * inRow
                + (oxLo * g.strideW() - g.padLeft()) * c;
        int out0 = g.outOffset() + ((b * g.outH() + oy) * g.outW() + oxLo) * c;
        int n = oxHi - oxLo + 1;
        int ch = 0;
        for (; ch < pairChannels; ch += 2 * L) {
            pairRow(arena, row0 + ch, inRow, ch, n, acc);
            rq.store(acc, 0, n, ch, arena, out0 + ch, c, L);
            rq.store(acc, n * L, n, ch + L, arena, out0 + ch + L, c, L);
        }
        for (; ch < c; ch += L) {
            blockRow(arena, row0 + ch, inRow, ch, n, acc);
            rq.store(acc, 0, n, ch, arena, out0 + ch, c, L);
        }
    }

    /**
     * {@link #blockRow} for channels ch..ch+2L in 16-bit lanes, channels ch + j and ch + L + j in one 32-bit
     * lane (see the class comment): the accumulators of channels ch..ch+L to {@code acc[x·L]}, of
     * ch+L..ch+2L to {@code acc[(n + x)·L]}. An input vector is two L-byte loads widened to int, the second
     * shifted into the high halves. (A 2L-byte load widened to 16-bit lanes in channel order, with the sums
     * widened to int per half, was twice as slow: the JIT boxed vectors.)
     */
    private void pairRow(byte[] arena, int ip, int inRow, int ch, int n, int[] acc) {
        int c = channels;
        int wp = ch / 2;
        ShortVector w0 = IntVector.fromArray(I, pairs, wp).reinterpretAsShorts();
        ShortVector w1 = IntVector.fromArray(I, pairs, pairStride + wp).reinterpretAsShorts();
        ShortVector w2 = IntVector.fromArray(I, pairs, 2 * pairStride + wp).reinterpretAsShorts();
        ShortVector w3 = IntVector.fromArray(I, pairs, 3 * pairStride + wp).reinterpretAsShorts();
        ShortVector w4 = IntVector.fromArray(I, pairs, 4 * pairStride + wp).reinterpretAsShorts();
        ShortVector w5 = IntVector.fromArray(I, pairs, 5 * pairStride + wp).reinterpretAsShorts();
        ShortVector w6 = IntVector.fromArray(I, pairs, 6 * pairStride + wp).reinterpretAsShorts();
        ShortVector w7 = IntVector.fromArray(I, pairs, 7 * pairStride + wp).reinterpretAsShorts();
        ShortVector w8 = IntVector.fromArray(I, pairs, 8 * pairStride + wp).reinterpretAsShorts();
        IntVector offset = IntVector.broadcast(I, -9 << 15);
        // Window columns 0 and 1, each as its top (t), middle (m) and bottom (d) input pairs.
        ShortVector t0 = ((IntVector) ByteVector.fromArray(B, arena, ip).castShape(I, 0)).and(0xFFFF)
                .or(((IntVector) ByteVector.fromArray(B, arena, ip + L).castShape(I, 0))
                        .lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsShorts();
        ShortVector m0 = ((IntVector) ByteVector.fromArray(B, arena, ip + inRow).castShape(I, 0)).and(0xFFFF)
                .or(((IntVector) ByteVector.fromArray(B, arena, ip + inRow + L).castShape(I, 0))
                        .lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsShorts();
        ShortVector d0 = ((IntVector) ByteVector.fromArray(B, arena, ip + 2 * inRow).castShape(I, 0)).and(0xFFFF)
                .or(((IntVector) ByteVector.fromArray(B, arena, ip + 2 * inRow + L).castShape(I, 0))
                        .lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsShorts();
        ShortVector t1 = ((IntVector) ByteVector.fromArray(B, arena, ip + c).castShape(I, 0)).and(0xFFFF)
                .or(((IntVector) ByteVector.fromArray(B, arena, ip + c + L).castShape(I, 0))
                        .lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsShorts();
        ShortVector m1 = ((IntVector) ByteVector.fromArray(B, arena, ip + c + inRow).castShape(I, 0)).and(0xFFFF)
                .or(((IntVector) ByteVector.fromArray(B, arena, ip + c + inRow + L).castShape(I, 0))
                        .lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsShorts();
        ShortVector d1 = ((IntVector) ByteVector.fromArray(B, arena, ip + c + 2 * inRow).castShape(I, 0)).and(0xFFFF)
                .or(((IntVector) ByteVector.fromArray(B, arena, ip + c + 2 * inRow + L).castShape(I, 0))
                        .lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsShorts();
        for (int x = 0; x < n; x++) {
            int col = ip + x * c + 2 * c;
            ShortVector t2 = ((IntVector) ByteVector.fromArray(B, arena, col).castShape(I, 0)).and(0xFFFF)
                    .or(((IntVector) ByteVector.fromArray(B, arena, col + L).castShape(I, 0))
                            .lanewise(VectorOperators.LSHL, 16))
                    .reinterpretAsShorts();
            ShortVector m2 = ((IntVector) ByteVector.fromArray(B, arena, col + inRow).castShape(I, 0)).and(0xFFFF)
                    .or(((IntVector) ByteVector.fromArray(B, arena, col + inRow + L).castShape(I, 0))
                            .lanewise(VectorOperators.LSHL, 16))
                    .reinterpretAsShorts();
            ShortVector d2 = ((IntVector) ByteVector.fromArray(B, arena, col + 2 * inRow).castShape(I, 0)).and(0xFFFF)
                    .or(((IntVector) ByteVector.fromArray(B, arena, col + 2 * inRow + L).castShape(I, 0))
                            .lanewise(VectorOperators.LSHL, 16))
                    .reinterpretAsShorts();
            IntVector p = t0.mul(w0).reinterpretAsInts();
            IntVector t = offset.add(p.lanewise(VectorOperators.XOR, 0x8000));
            IntVector h = p.lanewise(VectorOperators.ASHR, 16);
            p = t1.mul(w1).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            p = t2.mul(w2).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            p = m0.mul(w3).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            p = m1.mul(w4).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            p = m2.mul(w5).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            p = d0.mul(w6).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            p = d1.mul(w7).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            p = d2.mul(w8).reinterpretAsInts();
            t = t.add(p.lanewise(VectorOperators.XOR, 0x8000));
            h = h.add(p.lanewise(VectorOperators.ASHR, 16));
            t.sub(h.lanewise(VectorOperators.LSHL, 16)).intoArray(acc, x * L);
            h.intoArray(acc, (n + x) * L);
            t0 = t1;
            m0 = m1;
            d0 = d1;
            t1 = t2;
            m1 = m2;
            d1 = d2;
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
}
