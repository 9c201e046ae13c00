/**
 * What the op classes and their kernels share, and what the interpreter runs: the {@link
 * owlet.runtime.kernels.support.Kernel} and {@link owlet.runtime.kernels.support.PartitionedKernel}
 * contracts, the {@link owlet.runtime.kernels.support.OpContext} a {@code prepare} sees, the geometry of
 * windowed ops ({@link owlet.runtime.kernels.support.Window}, {@link owlet.runtime.kernels.support.Geometry}),
 * broadcasting, the byte lookup tables, float access to the arena, and the Vector API probe. Nothing here
 * depends on an op class or on {@link owlet.runtime.quant}.
 */
package owlet.runtime.kernels.support;
