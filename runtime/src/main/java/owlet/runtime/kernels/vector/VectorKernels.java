package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Entry points to the Vector API kernels, called by the op classes' {@code prepare} only when
 * {@link owlet.runtime.kernels.VectorSupport#ENABLED} is true. They return {@link Kernel} so that the
 * calling classes name no kernel class of this package in a signature the verifier would have to load.
 * Each op's variants, and the rule that chooses among them, are in {@link ConvGemmVariant} and
 * {@link Depthwise3x3Variant}.
 */
public final class VectorKernels {
    private VectorKernels() {
    }

    /**
     * A quantized CONV_2D as a packed int8 GEMM, in {@code variant}, or in the one
     * {@link ConvGemmVariant#choose} picks when {@code variant} is null; null when {@code variant} does not
     * take this convolution.
     *
     * @param filter      {@code weight - filterZp}, [Cout, KH, KW, Cin]
     * @param inputOffset {@code -inputZp} in the arena's representation
     */
    public static Kernel conv(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts,
                              ConvGemmVariant variant) {
        ConvGemmVariant v = variant == null ? ConvGemmVariant.choose(w) : variant;
        return v.takes(w) ? v.create(w, filter, inputOffset, rq, parts) : null;
    }

    /** Whether {@link #depthwise3x3} takes this depthwise convolution: 3×3, multiplier 1, no dilation. */
    public static boolean depthwise3x3Fits(Window w, int depthMultiplier) {
        return Depthwise3x3.takes(w, depthMultiplier);
    }

    /**
     * A 3×3 depthwise convolution with depth multiplier 1, any stride, in {@code variant}, or in the one
     * {@link Depthwise3x3Variant#choose} picks when {@code variant} is null; null when {@code variant} does
     * not take this convolution.
     *
     * @param filter {@code weight - filterZp}, [3, 3, C]
     */
    public static Kernel depthwise3x3(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts,
                                      Depthwise3x3Variant variant) {
        Depthwise3x3Variant v = variant == null ? Depthwise3x3Variant.choose(w) : variant;
        return v.takes(w) ? v.create(w, filter, inputOffset, rq, parts) : null;
    }
}
