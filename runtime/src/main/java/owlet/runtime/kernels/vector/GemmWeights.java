package owlet.runtime.kernels.vector;

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

    /** The filter as ints, {@code [block][k][lane]}. */
    static int[] ints(short[] filter, int outC, int depth) {
        int blocks = (outC + L - 1) / L;
        int[] packed = new int[blocks * depth * L];
        for (int oc = 0; oc < outC; oc++) {
            for (int k = 0; k < depth; k++) {
                packed[at(oc, k, depth)] = filter[oc * depth + k];
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
