package owlet.runtime.kernels.vector;

import owlet.runtime.quant.vector.VectorRequant;

/**
 * The one packer of a CONV_2D GEMM's filter, for every {@link ConvGemmVariant}: blocks of {@code L}
 * output channels ({@code L} int lanes), k-major inside a block, {@code [block][k][lane]}, so that an
 * inner loop streams one weight vector per k and block. Lanes past the last output channel hold 0.
 * {@code filter} is {@code weight - filterZp}, [Cout, KH·KW·Cin] ({@code depth} = KH·KW·Cin).
 */
final class GemmWeights {
    private static final int L = ConvGemm.L;

    private GemmWeights() {
    }

    /** Index of (output channel oc, patch position k) in a packed matrix. */
    private static int at(int oc, int k, int depth) {
        return ((oc / L) * depth + k) * L + oc % L;
    }

    /**
     * Per output channel, {@code inputOffset · Σ_k filter[oc, k]}: the constant part of the accumulator,
     * folded into the bias (int32, wrapping as the reference accumulator does).
     */
    static int[] fold(short[] filter, int outC, int depth, int inputOffset) {
        int[] fold = new int[outC];
        for (int oc = 0; oc < outC; oc++) {
            int sum = 0;
            for (int k = 0; k < depth; k++) {
                sum += filter[oc * depth + k];
            }
            fold[oc] = inputOffset * sum;
        }
        return fold;
    }

    /**
     * Per output channel, {@code Σ_k |filter[oc, k]|}: what {@link VectorRequant#maxAbsAccumulator} bounds
     * the accumulator with.
     */
    static long[] absSums(short[] filter, int outC, int depth) {
        long[] sums = new long[outC];
        for (int oc = 0; oc < outC; oc++) {
            for (int k = 0; k < depth; k++) {
                sums[oc] += Math.abs(filter[oc * depth + k]);
            }
        }
        return sums;
    }

    /**
     * The smallest {@code f} of the whole filter: {@link #pairs}'s {@code delta}, one for every output
     * channel, so that a kernel adds {@code delta·Σ_k u} per patch as one scalar product.
     *
     * @throws IllegalArgumentException if the filter's {@code f} spans more than 256 values (8-bit weights
     *                                  with one zero point, or per-channel ones with zero point 0, never do)
     */
    static int pairsDelta(short[] filter) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (short f : filter) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        if (max - min > 255) {
            throw new IllegalArgumentException("the filter's weights less their zero points span " + (max - min + 1)
                    + " values, more than 8 bits hold");
        }
        return filter.length == 0 ? 0 : min;
    }

    /**
     * The filter as unsigned weights {@code v = f - delta} in [0, 255] for {@link PairGemm},
     * {@code [block][pair][lane][2]}: pair {@code q} holds patch positions {@code pairing.lo()[q]} and
     * {@code pairing.hi()[q]}; a position of -1 (none) and channels past outC hold 0.
     *
     * @param delta {@link #pairsDelta} of the filter
     */
    static short[] pairs(short[] filter, int outC, int depth, int delta, PairGemm.Pairing pairing) {
        int blocks = (outC + L - 1) / L;
        int pairs = pairing.pairs();
        short[] packed = new short[blocks * pairs * 2 * L];
        for (int oc = 0; oc < outC; oc++) {
            int base = (oc / L) * pairs * 2 * L + (oc % L) * 2;
            for (int q = 0; q < pairs; q++) {
                int lo = pairing.lo()[q];
                int hi = pairing.hi()[q];
                if (lo >= 0) {
                    packed[base + q * 2 * L] = (short) (filter[oc * depth + lo] - delta);
                }
                if (hi >= 0) {
                    packed[base + q * 2 * L + 1] = (short) (filter[oc * depth + hi] - delta);
                }
            }
        }
        return packed;
    }

    /**
     * The filter as bytes, {@code weight - filterZp - delta[oc]}, {@code [block][k][lane]}, followed by
     * {@code slack} zero bytes; {@code delta} (per output channel, padded to whole blocks) receives what
     * the bytes leave out: {@code weight - filterZp} spans at most 256 values, so shifted by delta it fits
     * in a byte.
     */
    static byte[] bytes(short[] filter, int outC, int depth, int[] delta, int slack) {
        int blocks = (outC + L - 1) / L;
        byte[] packed = new byte[blocks * depth * L + slack];
        for (int oc = 0; oc < outC; oc++) {
            int min = 0;
            int max = 0;
            for (int k = 0; k < depth; k++) {
                int v = filter[oc * depth + k];
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            delta[oc] = min < Byte.MIN_VALUE || max > Byte.MAX_VALUE ? min - Byte.MIN_VALUE : 0;
            for (int k = 0; k < depth; k++) {
                packed[at(oc, k, depth)] = (byte) (filter[oc * depth + k] - delta[oc]);
            }
        }
        return packed;
    }
}
