package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.Conv2D;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * Entry points to the Vector API kernels, called by the op classes' {@code prepare} only when
 * {@link owlet.runtime.kernels.VectorSupport#ENABLED} is true. They return {@link Kernel} so that the
 * calling classes name no class of this package in a signature the verifier would have to load.
 */
public final class VectorKernels {
    private VectorKernels() {
    }

    /**
     * A CONV_2D as a packed int8 GEMM: 1×1 stride-1 convolutions read the input rows in place, others
     * (the first 3×3 layer) gather their input windows first.
     *
     * @param filter      {@code weight - filterZp}, [Cout, KH, KW, Cin]
     * @param inputOffset {@code -inputZp} in the arena's representation
     */
    public static Kernel conv(Window w, short[] filter, int inputOffset, ChannelRequant rq, boolean tiesUp,
                              int parts) {
        return new ConvGemmVector(w, filter, inputOffset, rq, tiesUp, parts);
    }

    /** Whether {@link #depthwise3x3} takes this depthwise convolution: 3×3, multiplier 1, no dilation. */
    public static boolean depthwise3x3Fits(Window w, int depthMultiplier) {
        return DepthwiseConv3x3Vector.fits(w, depthMultiplier);
    }

    /**
     * A 3×3 depthwise convolution with depth multiplier 1, any stride.
     *
     * @param filter {@code weight - filterZp}, [3, 3, C]
     */
    public static Kernel depthwise3x3(Window w, short[] filter, int inputOffset, ChannelRequant rq,
                                      boolean tiesUp, int parts) {
        return new DepthwiseConv3x3Vector(w, filter, inputOffset, rq, tiesUp, parts);
    }
}
