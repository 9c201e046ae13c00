package owlet.runtime.kernels;

/**
 * Test oracles: TFLite's integer rounding rules written out plainly with 64-bit arithmetic, independently of
 * {@code FixedPoint}, for checking the kernels element by element.
 */
final class TfliteRules {
    private TfliteRules() {
    }

    /** gemmlowp SaturatingRoundingDoublingHighMul: (a·b + nudge) / 2^31 truncated, nudge ±2^30 (ties up). */
    static int srdhm(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** gemmlowp RoundingDivideByPOT: nearest, ties away from zero. */
    static int rdbpot(int x, int e) {
        if (e == 0) {
            return x;
        }
        long half = 1L << (e - 1);
        long q = Math.floorDiv(Math.abs((long) x) + half, 1L << e);
        return (int) (x < 0 ? -q : q);
    }

    /** Scalar MultiplyByQuantizedMultiplier. */
    static int mbqm(int x, int m, int shift) {
        int left = Math.max(shift, 0);
        return rdbpot(srdhm(x * (1 << left), m), Math.max(-shift, 0));
    }
}
