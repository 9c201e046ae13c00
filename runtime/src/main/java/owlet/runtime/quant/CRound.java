package owlet.runtime.quant;

/**
 * C's float-to-integer conversions as TFLite's x86-64 build performs them, for the kernels that round in
 * float: {@code static_cast<int32_t>} truncates (CVTTSS2SI / CVTTSD2SI), and NaN or a value outside the
 * int32 range becomes {@code Integer.MIN_VALUE} (where Java's cast would saturate).
 */
public final class CRound {
    private CRound() {
    }

    /** {@code static_cast<int32_t>(v)}. */
    public static int truncate(double v) {
        if (!(v > -2147483649.0 && v < 2147483648.0)) {
            return Integer.MIN_VALUE;
        }
        return (int) v;
    }

    /** {@code static_cast<int32_t>(round(v))}: half away from zero, then {@link #truncate}. */
    public static int round(double v) {
        return Math.abs(v) < 4.0e9 ? truncate((double) Quant8.roundHalfAway(v)) : Integer.MIN_VALUE;
    }
}
