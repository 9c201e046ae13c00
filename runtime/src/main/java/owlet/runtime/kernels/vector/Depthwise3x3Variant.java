package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * The Vector API kernels of a quantized 3×3 DEPTHWISE_CONV_2D with depth multiplier 1 and no dilation
 * ({@link Depthwise3x3}), which differ in how they walk the interior of a row. {@link #choose} is the rule
 * that picks one at prepare time; tests run every variant that {@link #takes} a shape against the
 * reference.
 */
public enum Depthwise3x3Variant {
    /** Stride 1, channels a multiple of L: the 3×3 window of input vectors slides along the row. */
    SLIDING_WINDOW {
        @Override
        public boolean takes(Window w) {
            return w.outC() % Depthwise3x3.L == 0 && w.strideW() == 1;
        }

        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new Depthwise3x3SlidingWindow(w, filter, inputOffset, rq, parts);
        }
    },
    /** Channels a multiple of L, any stride: a row per channel block, 9 input vectors per pixel. */
    STRIDED_ROWS {
        @Override
        public boolean takes(Window w) {
            return w.outC() % Depthwise3x3.L == 0;
        }

        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new Depthwise3x3StridedRows(w, filter, inputOffset, rq, parts);
        }
    },
    /** Stride 1, any channel count: the row's interior as one flat run of pixel × channel values. */
    FLAT_RUN {
        @Override
        public boolean takes(Window w) {
            return w.strideW() == 1;
        }

        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new Depthwise3x3FlatRun(w, filter, inputOffset, rq, parts);
        }
    },
    /** Any stride and channel count: one pixel at a time. */
    BY_PIXEL {
        @Override
        public boolean takes(Window w) {
            return true;
        }

        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new Depthwise3x3ByPixel(w, filter, inputOffset, rq, parts);
        }
    };

    /**
     * The rule: the first variant, in the order declared, that takes the convolution (with a multiple of
     * L channels a block of channels per row, sliding with stride 1; otherwise a flat run with stride 1,
     * pixel by pixel with stride 2), except STRIDED_ROWS on aarch64 with 128-bit vectors.
     */
    public static Depthwise3x3Variant choose(Window w) {
        for (Depthwise3x3Variant v : values()) {
            // Where bytes widen through shorts (aarch64, 128 bits), STRIDED_ROWS's loop of 9 taps is too
            // large for the JIT to intrinsify every vector operation (1.6 MB allocated per inference of
            // V1 0.25/128); pixel by pixel instead. See ByteLanes.
            if (v == STRIDED_ROWS && ByteLanes.VIA_SHORTS) {
                continue;
            }
            if (v.takes(w)) {
                return v;
            }
        }
        throw new AssertionError("BY_PIXEL takes every 3x3 depthwise convolution");
    }

    /** Whether this variant computes this convolution (one that {@link VectorKernels#depthwise3x3Fits}). */
    public abstract boolean takes(Window w);

    /**
     * @param filter      {@code weight - filterZp}, [3, 3, C]
     * @param inputOffset {@code -inputZp} in the arena's representation
     */
    abstract Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts);
}
