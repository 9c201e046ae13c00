/**
 * Quantized arithmetic, as TFLite computes it: the arena's 8-bit convention and constants
 * ({@link owlet.runtime.quant.Quant8}), fixed-point multipliers ({@link owlet.runtime.quant.QuantizedMultiplier},
 * {@link owlet.runtime.quant.FixedPoint}), C's rounding conversions ({@link owlet.runtime.quant.CRound}),
 * and the per-channel output stage of the weighted ops ({@link owlet.runtime.quant.ChannelRequant}, with its
 * {@link owlet.runtime.quant.Rounding} fixed when it is prepared). Its Vector API form is in
 * {@code owlet.runtime.quant.vector}.
 */
package owlet.runtime.quant;
