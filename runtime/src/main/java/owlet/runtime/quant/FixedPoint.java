package owlet.runtime.quant;

/**
 * TFLite's integer requantization arithmetic: {@code x * M * 2^shift / 2^31} in two rounding steps, a
 * doubling high multiply and a division by a power of two. Two rules exist in TFLite 2.18 and both are
 * needed:
 *
 * <ul>
 *   <li>{@link #multiplyByQuantizedMultiplier}: gemmlowp's SaturatingRoundingDoublingHighMul, then
 *       RoundingDivideByPOT, which rounds ties away from zero. Used by TFLite's reference kernels and by
 *       its builtin kernels for every op except int8 CONV_2D.</li>
 *   <li>{@link #multiplyByQuantizedMultiplierTiesUp}: {@code h = (x*M + 2^30) >> 31}, then
 *       {@code (h + 2^(r-1)) >> r}: ties toward +infinity in both steps. What TFLite's builtin int8
 *       per-channel CONV_2D does on x86-64 (see shared/reference/README.md).</li>
 * </ul>
 *
 * <p>The first steps agree: the high multiply's nudge of {@code 1 - 2^30} for negative products followed
 * by C's truncating division is {@code floor((ab + 2^30) / 2^31)}, ties toward +infinity too. The rules
 * differ only in the second step, on negative values exactly halfway.
 */
public final class FixedPoint {
    private FixedPoint() {
    }

    /** round(a*b / 2^31), ties toward +infinity; saturates the one overflowing case. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1 - (1L << 30));
        return (int) ((ab + nudge) / (1L << 31)); // Java division truncates toward zero, as C++ does
    }

    /** x / 2^exponent rounded to nearest, ties away from zero. */
    public static int roundingDivideByPOT(int x, int exponent) {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** TFLite's MultiplyByQuantizedMultiplier (double rounding, ties away from zero). */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
    }

    /** TFLite's builtin int8 per-channel CONV_2D output stage: ties toward +infinity in both steps. */
    public static int multiplyByQuantizedMultiplierTiesUp(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        long h = ((long) (x * (1 << leftShift)) * multiplier + (1L << 30)) >> 31;
        if (rightShift > 0) {
            h = (h + (1L << (rightShift - 1))) >> rightShift;
        }
        return (int) h;
    }
}
