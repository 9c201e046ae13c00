package owlet.runtime.quant;

/**
 * How the output stage's division by a power of two rounds a tie: the two rules of TFLite 2.18 that
 * {@link FixedPoint} describes. An op chooses its rule once, when its output stage is prepared
 * ({@link ChannelRequant#prepare}); the kernels never pass it around.
 */
public enum Rounding {
    /** {@link FixedPoint#multiplyByQuantizedMultiplier}: TFLite's reference kernels and most builtin ones. */
    TIES_AWAY_FROM_ZERO,
    /** {@link FixedPoint#multiplyByQuantizedMultiplierTiesUp}: TFLite's builtin int8 CONV_2D on x86-64. */
    TIES_UP
}
