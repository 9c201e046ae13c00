/**
 * The output stage in vector lanes ({@link owlet.runtime.quant.vector.VectorRequant}), byte for byte the
 * scalar {@link owlet.runtime.quant.ChannelRequant}; loaded only when
 * {@link owlet.runtime.kernels.VectorSupport#ENABLED}.
 */
package owlet.runtime.quant.vector;
