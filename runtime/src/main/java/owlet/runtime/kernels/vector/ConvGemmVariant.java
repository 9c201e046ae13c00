package owlet.runtime.kernels.vector;

import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * The Vector API kernels of a quantized CONV_2D, all packed int8 GEMMs ({@link ConvGemm}) with the
 * reference kernel's output bytes. {@link #choose} is the rule that picks one at prepare time; tests run
 * every variant that {@link #takes} a shape against the reference.
 */
public enum ConvGemmVariant {
    /** 1×1 stride-1 same-size convolutions: the input rows are the patches, read in place. */
    POINTWISE_GEMM {
        @Override
        public boolean takes(Window w) {
            return PointwiseGemm.takes(w);
        }

        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new PointwiseGemm(w, filter, inputOffset, rq, parts);
        }
    },
    /** Convolutions without dilation: the input pairs built once per output row, a patch copied from them. */
    ROW_PAIRS {
        @Override
        public boolean takes(Window w) {
            return RowPairGemm.takes(w);
        }

        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new RowPairGemm(w, filter, inputOffset, rq, parts);
        }
    },
    /** Any convolution: the windows gathered 4 at a time, padding filled in. */
    GATHERED_GEMM {
        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new GatheredGemm(w, filter, inputOffset, rq, parts);
        }
    },
    /** Any convolution, one pixel at a time against byte weights: for layers of fewer than 4 pixels. */
    BYTE_WEIGHT_GEMV {
        @Override
        Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            return new ByteWeightGemv(w, filter, inputOffset, rq, parts);
        }
    };

    /**
     * The rule: fewer than 4 output pixels (the classifier) take byte weights, where each weight is used
     * once per pixel; 1×1 stride-1 layers read their input rows in place; layers of at most 4 input channels
     * without dilation (a network's first, on the picture) build their pairs by rows; the rest gather their
     * windows. (By rows: 1.2–1.6× faster on the first layers of the shared models; as fast or slower,
     * 0.7–1.0×, from 16 input channels on; see BENCHMARKS.md.)
     */
    public static ConvGemmVariant choose(Window w) {
        if (ConvGemm.pixels(w) < 4) {
            return BYTE_WEIGHT_GEMV;
        }
        if (POINTWISE_GEMM.takes(w)) {
            return POINTWISE_GEMM;
        }
        return w.inC() <= 4 && ROW_PAIRS.takes(w) ? ROW_PAIRS : GATHERED_GEMM;
    }

    /** Whether this variant computes this convolution (whether or not the rule would choose it). */
    public boolean takes(Window w) {
        return true;
    }

    /**
     * @param filter      {@code weight - filterZp}, [Cout, KH, KW, Cin]
     * @param inputOffset {@code -inputZp} in the arena's representation
     */
    abstract Kernel create(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts);
}
