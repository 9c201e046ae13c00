/**
 * The Vector API kernels ({@code jdk.incubator.vector}), loaded only when
 * {@link owlet.runtime.kernels.VectorSupport#ENABLED}. Each op's kernels are named variants of one
 * strategy ({@link owlet.runtime.kernels.vector.ConvGemmVariant},
 * {@link owlet.runtime.kernels.vector.Depthwise3x3Variant}), one class each, chosen once at prepare by the
 * enum's {@code choose}; every variant gives the bytes of the op's scalar reference kernel, and
 * OptimizedKernelsTest checks every variant against it.
 */
package owlet.runtime.kernels.vector;
