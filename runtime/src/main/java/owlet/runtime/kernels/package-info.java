/**
 * The operators: one op class per TFLite builtin (Conv2D, Add, Softmax, ...), each with a static
 * {@code prepare(OpContext)} that validates the operator and returns its kernel, the scalar reference
 * kernels as nested classes, and {@link owlet.runtime.kernels.Ops}, the resolver that registers them. A new
 * operator is a new class here and a line in {@code Ops}.
 *
 * <p>What op classes share lives below this package: {@link owlet.runtime.kernels.support} (the kernel
 * contract, the op context, windows, broadcasting, lookup tables), {@link owlet.runtime.quant} (quantized
 * arithmetic and the output stage), and {@code owlet.runtime.kernels.vector} (the Vector API kernels, chosen
 * at prepare when {@link owlet.runtime.kernels.VectorSupport#ENABLED}).
 */
package owlet.runtime.kernels;
