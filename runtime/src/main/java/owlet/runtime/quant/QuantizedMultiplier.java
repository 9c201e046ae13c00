package owlet.runtime.quant;

/**
 * A real multiplier {@code m} as a Q31 fixed-point {@code multiplier} and a power-of-two {@code shift}:
 * {@code m ≈ multiplier * 2^(shift - 31)}. Computed once at prepare time, never per inference.
 *
 * <p>Matches TFLite's QuantizeMultiplier: frexp, then round the mantissa to Q31 half away from zero; a
 * mantissa that rounds to 2^31 is halved with the shift raised; a shift below -31 flushes to zero.
 */
public record QuantizedMultiplier(int multiplier, int shift) {
    public static final QuantizedMultiplier ZERO = new QuantizedMultiplier(0, 0);

    public static QuantizedMultiplier of(double real) {
        if (real == 0.0) {
            return ZERO;
        }
        if (!(real > 0) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("multiplier must be positive and finite: " + real);
        }
        int shift = Math.getExponent(real) + 1; // frexp: real = q * 2^shift, q in [0.5, 1)
        if (shift < -31) {
            return ZERO; // also covers subnormals
        }
        double q = real / Math.pow(2, shift);
        long qFixed = Math.round(q * (1L << 31)); // q > 0, so half up = half away from zero
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift > 30) {
            return new QuantizedMultiplier(Integer.MAX_VALUE, 30);
        }
        return new QuantizedMultiplier((int) qFixed, shift);
    }
}
