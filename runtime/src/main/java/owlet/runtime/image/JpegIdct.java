package owlet.runtime.image;

/**
 * The inverse DCT of IJG libjpeg's "islow" method (the one {@code javax.imageio} uses): the
 * Loeffler-Ligtenberg-Moschytz factorisation in 32-bit integers, constants scaled by 2^13, a column pass
 * keeping 2 extra bits, then a row pass. Each output is level-shifted by 128 and taken modulo 1024
 * before clamping to 0..255, as libjpeg's range-limit table does.
 */
final class JpegIdct {
    private static final int CONST_BITS = 13;
    private static final int PASS1_BITS = 2;
    private static final int FIX_0_298631336 = 2446;
    private static final int FIX_0_390180644 = 3196;
    private static final int FIX_0_541196100 = 4433;
    private static final int FIX_0_765366865 = 6270;
    private static final int FIX_0_899976223 = 7373;
    private static final int FIX_1_175875602 = 9633;
    private static final int FIX_1_501321110 = 12299;
    private static final int FIX_1_847759065 = 15137;
    private static final int FIX_1_961570560 = 16069;
    private static final int FIX_2_053119869 = 16819;
    private static final int FIX_2_562915447 = 20995;
    private static final int FIX_3_072711026 = 25172;

    /** Output sample for a row-pass value v (already descaled): (v mod 1024, signed) + 128, clamped. */
    private static final byte[] RANGE_LIMIT = new byte[1024];

    static {
        for (int i = 0; i < 1024; i++) {
            int v = (i << 22 >> 22) + 128; // i as a signed 10-bit number, level-shifted
            RANGE_LIMIT[i] = (byte) Math.max(0, Math.min(255, v));
        }
    }

    private final int[] work = new int[64];

    /**
     * Transforms one block of 64 quantized coefficients (natural order) into 8x8 samples.
     *
     * @param coef coefficients at {@code coef[at .. at + 63]}
     * @param quant the component's quantization table, natural order
     * @param out samples, row r at {@code out[outAt + r * stride ..]}
     */
    void transform(short[] coef, int at, int[] quant, byte[] out, int outAt, int stride) {
        int[] ws = work;
        for (int col = 0; col < 8; col++) {
            int c = at + col;
            if (coef[c + 8] == 0 && coef[c + 16] == 0 && coef[c + 24] == 0 && coef[c + 32] == 0
                    && coef[c + 40] == 0 && coef[c + 48] == 0 && coef[c + 56] == 0) {
                int dc = (coef[c] * quant[col]) << PASS1_BITS;
                for (int r = 0; r < 64; r += 8) {
                    ws[col + r] = dc;
                }
                continue;
            }
            int z2 = coef[c + 16] * quant[col + 16];
            int z3 = coef[c + 48] * quant[col + 48];
            int z1 = (z2 + z3) * FIX_0_541196100;
            int tmp2 = z1 - z3 * FIX_1_847759065;
            int tmp3 = z1 + z2 * FIX_0_765366865;
            z2 = coef[c] * quant[col];
            z3 = coef[c + 32] * quant[col + 32];
            int tmp0 = (z2 + z3) << CONST_BITS;
            int tmp1 = (z2 - z3) << CONST_BITS;
            int tmp10 = tmp0 + tmp3;
            int tmp13 = tmp0 - tmp3;
            int tmp11 = tmp1 + tmp2;
            int tmp12 = tmp1 - tmp2;

            // Odd part, from inputs 7, 5, 3, 1.
            tmp0 = coef[c + 56] * quant[col + 56];
            tmp1 = coef[c + 40] * quant[col + 40];
            tmp2 = coef[c + 24] * quant[col + 24];
            tmp3 = coef[c + 8] * quant[col + 8];
            z1 = tmp0 + tmp3;
            z2 = tmp1 + tmp2;
            z3 = tmp0 + tmp2;
            int z4 = tmp1 + tmp3;
            int z5 = (z3 + z4) * FIX_1_175875602;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 = z3 * -FIX_1_961570560 + z5;
            z4 = z4 * -FIX_0_390180644 + z5;
            tmp0 = tmp0 * FIX_0_298631336 + z1 + z3;
            tmp1 = tmp1 * FIX_2_053119869 + z2 + z4;
            tmp2 = tmp2 * FIX_3_072711026 + z2 + z3;
            tmp3 = tmp3 * FIX_1_501321110 + z1 + z4;
            int round = 1 << (CONST_BITS - PASS1_BITS - 1);
            int shift = CONST_BITS - PASS1_BITS;
            ws[col] = (tmp10 + tmp3 + round) >> shift;
            ws[col + 56] = (tmp10 - tmp3 + round) >> shift;
            ws[col + 8] = (tmp11 + tmp2 + round) >> shift;
            ws[col + 48] = (tmp11 - tmp2 + round) >> shift;
            ws[col + 16] = (tmp12 + tmp1 + round) >> shift;
            ws[col + 40] = (tmp12 - tmp1 + round) >> shift;
            ws[col + 24] = (tmp13 + tmp0 + round) >> shift;
            ws[col + 32] = (tmp13 - tmp0 + round) >> shift;
        }
        byte[] limit = RANGE_LIMIT;
        for (int row = 0; row < 64; row += 8) {
            int o = outAt + (row >> 3) * stride;
            if (ws[row + 1] == 0 && ws[row + 2] == 0 && ws[row + 3] == 0 && ws[row + 4] == 0
                    && ws[row + 5] == 0 && ws[row + 6] == 0 && ws[row + 7] == 0) {
                byte v = limit[((ws[row] + (1 << (PASS1_BITS + 2))) >> (PASS1_BITS + 3)) & 1023];
                for (int i = 0; i < 8; i++) {
                    out[o + i] = v;
                }
                continue;
            }
            int z2 = ws[row + 2];
            int z3 = ws[row + 6];
            int z1 = (z2 + z3) * FIX_0_541196100;
            int tmp2 = z1 - z3 * FIX_1_847759065;
            int tmp3 = z1 + z2 * FIX_0_765366865;
            int tmp0 = (ws[row] + ws[row + 4]) << CONST_BITS;
            int tmp1 = (ws[row] - ws[row + 4]) << CONST_BITS;
            int tmp10 = tmp0 + tmp3;
            int tmp13 = tmp0 - tmp3;
            int tmp11 = tmp1 + tmp2;
            int tmp12 = tmp1 - tmp2;
            // Odd part, as in the column pass.
            tmp0 = ws[row + 7];
            tmp1 = ws[row + 5];
            tmp2 = ws[row + 3];
            tmp3 = ws[row + 1];
            z1 = tmp0 + tmp3;
            z2 = tmp1 + tmp2;
            z3 = tmp0 + tmp2;
            int z4 = tmp1 + tmp3;
            int z5 = (z3 + z4) * FIX_1_175875602;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 = z3 * -FIX_1_961570560 + z5;
            z4 = z4 * -FIX_0_390180644 + z5;
            tmp0 = tmp0 * FIX_0_298631336 + z1 + z3;
            tmp1 = tmp1 * FIX_2_053119869 + z2 + z4;
            tmp2 = tmp2 * FIX_3_072711026 + z2 + z3;
            tmp3 = tmp3 * FIX_1_501321110 + z1 + z4;
            int shift = CONST_BITS + PASS1_BITS + 3;
            int round = 1 << (shift - 1);
            out[o] = limit[((tmp10 + tmp3 + round) >> shift) & 1023];
            out[o + 7] = limit[((tmp10 - tmp3 + round) >> shift) & 1023];
            out[o + 1] = limit[((tmp11 + tmp2 + round) >> shift) & 1023];
            out[o + 6] = limit[((tmp11 - tmp2 + round) >> shift) & 1023];
            out[o + 2] = limit[((tmp12 + tmp1 + round) >> shift) & 1023];
            out[o + 5] = limit[((tmp12 - tmp1 + round) >> shift) & 1023];
            out[o + 3] = limit[((tmp13 + tmp0 + round) >> shift) & 1023];
            out[o + 4] = limit[((tmp13 - tmp0 + round) >> shift) & 1023];
        }
    }
}
