package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.FloatClamp;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.kernels.vector.ConvGemmVariant;
import owlet.runtime.kernels.vector.VectorKernels;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.HybridInput;
import owlet.runtime.quant.HybridWeights;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.Rounding;

/**
 * CONV_2D: {@code out[b,y,x,oc] = act(bias[oc] + Σ_{ky,kx,ic} in[b, y*sh - pt + ky*dh, x*sw - pl + kx*dw, ic]
 * · filter[oc,ky,kx,ic])}, taps outside the input contributing nothing (zero padding).
 *
 * <p>Layouts: input NHWC, filter [Cout, KH, KW, Cin], bias [Cout] (int32 for quantized, float32 for
 * float), output NHWC. Quantized: uint8 per-tensor or int8 per-channel weights (quantized_dimension 0);
 * the accumulator is int32 over {@code (in - inZp) * (filter - filterZp)}, then bias, multiplier, output
 * zero point and clamp, in that order, as TFLite's reference kernel.
 *
 * <p>Rounding: TFLite's builtin int8 CONV_2D rounds the output stage ties toward +infinity (see
 * {@link FixedPoint#multiplyByQuantizedMultiplierTiesUp}); its uint8 kernel rounds ties away from zero and
 * uses the legacy single multiplier ({@link ChannelRequant#prepareLegacy}).
 *
 * <p>Hybrid ("dynamic-range" quantization): a float32 input and output with int8 weights, per-tensor or
 * per-channel (quantized_dimension 0), run as TFLite's hybrid kernels do ({@link HybridKernel}). Refused:
 * per-channel scales that are all equal (TFLite then computes with a scale of 0).
 *
 * <p>Kernels: {@link QuantizedKernel} is the reference and the fallback; when {@link VectorSupport#ENABLED},
 * quantized convolutions run as a packed GEMM (owlet.runtime.kernels.vector.ConvGemmVariant) with
 * identical output bytes.
 */
public final class Conv2D {
    private Conv2D() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        return prepare(ctx, ctx.vector());
    }

    /** Prepares the op; {@code vector} allows the Vector API kernels (tests pass false for the reference). */
    static Kernel prepare(OpContext ctx, boolean vector) throws InvalidModelException {
        return prepare(ctx, vector, null);
    }

    /**
     * Prepares the op with the Vector API kernel {@code variant} instead of the one its rule chooses
     * (tests, and the bench module's comparison of variants); null when that variant does not take this
     * convolution.
     */
    public static Kernel prepare(OpContext ctx, ConvGemmVariant variant) throws InvalidModelException {
        return prepare(ctx, true, variant);
    }

    private static Kernel prepare(OpContext ctx, boolean vector, ConvGemmVariant variant) throws InvalidModelException {
        ctx.requireArity(2, 3, 1);
        OperatorOptions.Conv2D o = ctx.options(OperatorOptions.Conv2D.class);
        Tensor in = ctx.input(0);
        Tensor filter = ctx.input(1);
        Tensor bias = ctx.optionalInput(2);
        Tensor out = ctx.output(0);
        ctx.requireRank(in, "input", 4);
        ctx.requireRank(filter, "filter", 4);
        ctx.requireConstant(filter, "filter");
        int inC = in.dim(3);
        int outC = filter.dim(0);
        int kh = filter.dim(1);
        int kw = filter.dim(2);
        if (filter.dim(3) != inC) {
            throw ctx.fail("filter has " + filter.dim(3) + " input channels, input has " + inC);
        }
        Window w = Window.plan(ctx, in, out, outC, kh, kw, o.padding(), o.strideH(), o.strideW(), o.dilationH(),
                o.dilationW());
        if (bias != null) {
            ctx.requireConstant(bias, "bias");
            ctx.requireShape(bias, "bias", outC);
        }
        if (HybridInput.isHybrid(in, filter)) {
            return prepareHybrid(ctx, o, w, in, filter, bias, out);
        }
        if (in.type() == TensorType.FLOAT32) {
            ctx.requireType(filter, "filter", TensorType.FLOAT32);
            ctx.requireType(out, "output", TensorType.FLOAT32);
            float[] b = bias == null ? new float[outC] : floatBias(ctx, bias);
            float[] range = Quant8.activationRangeFloat(ctx, o.activation());
            return new FloatKernel(w, Quant8.floats(filter), b, range[0], range[1]);
        }
        ctx.requireType(in, "input", TensorType.UINT8, TensorType.INT8);
        ctx.requireType(filter, "filter", in.type());
        ctx.requireType(out, "output", in.type());
        Rounding rounding = in.type() == TensorType.INT8 ? Rounding.TIES_UP : Rounding.TIES_AWAY_FROM_ZERO;
        ChannelRequant rq = in.type() == TensorType.UINT8
                ? ChannelRequant.prepareLegacy(ctx, in, filter, bias, out, outC, o.activation(), rounding)
                : ChannelRequant.prepare(ctx, in, filter, bias, out, 0, outC, o.activation(), rounding);
        short[] packed = Quant8.centeredWeights(filter);
        if (vector) {
            return VectorKernels.conv(w, packed, -Quant8.storedZeroPoint(in), rq, ctx.parts(), variant);
        }
        return new QuantizedKernel(w, packed, -Quant8.storedZeroPoint(in), rq, ctx.parts());
    }

    /** The hybrid form: float32 input and output, int8 weights (see {@link HybridKernel}). */
    private static Kernel prepareHybrid(OpContext ctx, OperatorOptions.Conv2D o, Window w, Tensor in, Tensor filter,
                                        Tensor bias, Tensor out) throws InvalidModelException {
        ctx.requireType(out, "output", TensorType.FLOAT32);
        HybridWeights weights = HybridWeights.prepare(ctx, filter, 0);
        if (weights.perChannel() && !weights.distinct()) {
            throw ctx.fail("int8 filter " + filter.describe() + " lists " + w.outC() + " per-channel scales, all "
                    + "equal: TFLite's hybrid CONV_2D then runs its per-tensor kernel with the tensor's scale "
                    + "unset (0) and outputs only the bias; not supported (give one scale)");
        }
        float[] b = bias == null ? new float[w.outC()] : floatBias(ctx, bias);
        float[] range = Quant8.activationRangeFloat(ctx, o.activation());
        HybridInput input = HybridInput.prepare(ctx, in, w.batches(), weights.distinct());
        return new HybridKernel(w, weights, b, range[0], range[1], input);
    }

    private static float[] floatBias(OpContext ctx, Tensor bias) throws InvalidModelException {
        ctx.requireType(bias, "bias", TensorType.FLOAT32);
        return Quant8.floats(bias);
    }

    /**
     * Reference int8 kernel, in a form the client compiler (C1, which runs a one-shot inference) compiles
     * well: per output pixel the window's taps are gathered once into an int patch {@code in + inputOffset}
     * (0 for taps outside the input), then each pass over the patch sums eight output channels in four
     * long accumulators, two channels to a long: {@code x · (w0 + w1·2^32) = x·w0 + x·w1·2^32}, so one
     * 64-bit multiply-add does two of the int32 multiply-adds, and the low and high halves of the sum are
     * the two channels' int sums as long as the low one stays in the int range (it does over at most
     * {@link #RUN} taps: |x·w| ≤ 255·255; longer patches are summed in runs of that length). A tile of
     * {@link #TILE} pixels' patches is gathered before the passes, so each block of weights is read once
     * per tile. The sums, and so the output bytes, are those of {@link #dot}.
     */
    static final class QuantizedKernel implements PartitionedKernel {
        /** Output channels per pass over a patch: four long accumulators of two channels each. */
        static final int CHANNELS = 8;
        /** Most taps summed in one long: the low channel's sum then cannot leave the int range. */
        static final int RUN = Integer.MAX_VALUE / (255 * 255);
        /** Output pixels whose patches are gathered before the passes over the weights. */
        static final int TILE = 8;

        private final Window w;
        private final int depth;
        /** [outC / 8 blocks][depth][4]: weights of channels 8b+2j (low) and 8b+2j+1 (high) at [b][k][j]. */
        private final long[] pairs;
        private final int inputOffset;
        private final ChannelRequant rq;
        /** Per part: {@link #TILE} patches of {@link #depth} ints, then {@link #CHANNELS} sums. */
        private final int[][] scratch;

        QuantizedKernel(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            this.w = w;
            this.depth = w.kh() * w.kw() * w.inC();
            this.pairs = pairs(filter, w.outC(), depth);
            this.inputOffset = inputOffset;
            this.rq = rq;
            this.scratch = PartitionedKernel.scratchInts(parts, TILE * depth + CHANNELS);
        }

        /** {@code filter} [Cout, depth] as channel pairs, channel blocks padded with zero weights. */
        static long[] pairs(short[] filter, int outC, int depth) {
            int blocks = (outC + CHANNELS - 1) / CHANNELS;
            long[] p = new long[blocks * depth * 4];
            for (int oc = 0; oc < outC; oc++) {
                int j = (oc % CHANNELS) / 2;
                int shift = (oc & 1) * 32;
                int base = oc / CHANNELS * depth * 4 + j;
                for (int k = 0; k < depth; k++) {
                    p[base + 4 * k] += (long) filter[oc * depth + k] << shift;
                }
            }
            return p;
        }

        /** Part {@code part} of {@code parts}: a range of output rows (over batches × outH). */
        @Override
        public void eval(byte[] arena, int part, int parts) {
            int rows = w.batches() * w.outH();
            int p0 = PartitionedKernel.begin(rows, part, parts) * w.outW();
            int p1 = PartitionedKernel.begin(rows, part + 1, parts) * w.outW();
            int[] s = scratch[part];
            for (int t0 = p0; t0 < p1; t0 += TILE) {
                int n = Math.min(TILE, p1 - t0);
                for (int t = 0; t < n; t++) {
                    gather(arena, t0 + t, s, t * depth);
                }
                int outC = w.outC();
                for (int oc0 = 0; oc0 < outC; oc0 += CHANNELS) {
                    int channels = Math.min(CHANNELS, outC - oc0);
                    for (int t = 0; t < n; t++) {
                        sum8(s, t * depth, oc0 / CHANNELS * depth * 4);
                        int out = w.outOffset() + (t0 + t) * outC + oc0;
                        for (int c = 0; c < channels; c++) {
                            arena[out + c] = rq.requantize(s[TILE * depth + c], oc0 + c);
                        }
                    }
                }
            }
        }

        /** Writes output pixel {@code p}'s patch, {@code in + inputOffset} and 0 outside, at {@code s[at]}. */
        private void gather(byte[] arena, int p, int[] s, int at) {
            Window g = w;
            int inC = g.inC();
            int r = p / g.outW();
            int ox = p - r * g.outW();
            int b = r / g.outH();
            int oy = r - b * g.outH();
            int inBase = g.inOffset() + b * g.inH() * g.inW() * inC;
            int iy0 = oy * g.strideH() - g.padTop();
            int ix0 = ox * g.strideW() - g.padLeft();
            int offset = inputOffset;
            for (int ky = 0; ky < g.kh(); ky++) {
                int iy = iy0 + ky * g.dilationH();
                for (int kx = 0; kx < g.kw(); kx++) {
                    int ix = ix0 + kx * g.dilationW();
                    if (iy < 0 || iy >= g.inH() || ix < 0 || ix >= g.inW()) {
                        Arrays.fill(s, at, at + inC, 0);
                    } else {
                        int ip = inBase + (iy * g.inW() + ix) * inC;
                        for (int ic = 0; ic < inC; ic++) {
                            s[at + ic] = arena[ip + ic] + offset;
                        }
                    }
                    at += inC;
                }
            }
        }

        /**
         * The eight channel sums of the block whose pairs start at {@code wp} over the patch at
         * {@code s[at]}, into {@code s[TILE * depth]} on.
         */
        private void sum8(int[] s, int at, int wp) {
            long[] q = pairs;
            int sums = TILE * depth;
            for (int c = 0; c < CHANNELS; c++) {
                s[sums + c] = 0;
            }
            for (int k0 = 0; k0 < depth; k0 += RUN) {
                int end = at + Math.min(depth, k0 + RUN);
                long a0 = 0;
                long a1 = 0;
                long a2 = 0;
                long a3 = 0;
                for (int k = at + k0; k < end; k++) {
                    long x = s[k];
                    a0 += x * q[wp];
                    a1 += x * q[wp + 1];
                    a2 += x * q[wp + 2];
                    a3 += x * q[wp + 3];
                    wp += 4;
                }
                add(s, sums, a0);
                add(s, sums + 2, a1);
                add(s, sums + 4, a2);
                add(s, sums + 6, a3);
            }
        }

        /** Adds the two int sums in {@code a} (low, high) to {@code s[i]} and {@code s[i + 1]}. */
        private static void add(int[] s, int i, long a) {
            int low = (int) a;
            s[i] += low;
            s[i + 1] += (int) ((a - low) >> 32);
        }
    }

    /**
     * {@code Σ (in[ip] + inputOffset) · filter[fp]} over the taps of one output position that fall inside the
     * input (zero padding), for the output channel whose weights start at {@code fBase}: the integer dot
     * product of {@link HybridKernel}, and the definition of {@link QuantizedKernel}'s sums. {@code in} holds the int8 input of
     * {@code g}'s geometry at {@code g.inOffset()}; {@code inBase} is the start of the batch's image.
     */
    static int dot(byte[] in, short[] filter, Window g, int inBase, int iy0, int ix0, int fBase, int inputOffset) {
        int inRow = g.inW() * g.inC();
        int acc = 0;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = iy0 + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) {
                continue;
            }
            for (int kx = 0; kx < g.kw(); kx++) {
                int ix = ix0 + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) {
                    continue;
                }
                int ip = inBase + iy * inRow + ix * g.inC();
                int fp = fBase + (ky * g.kw() + kx) * g.inC();
                for (int ic = 0; ic < g.inC(); ic++) {
                    acc += (in[ip + ic] + inputOffset) * filter[fp + ic];
                }
            }
        }
        return acc;
    }

    /**
     * Hybrid kernel: float32 input and output, int8 weights. The input is quantized to int8 per batch
     * ({@link HybridInput}: symmetric when the filter has one scale, asymmetric when its per-channel scales
     * differ, as TFLite picks), the dot product taken in int32 over {@code q - zp}, then
     * {@code out = act((float) acc * (inputScale * filterScale[oc]) + bias[oc])} in float, in that order:
     * TFLite's HybridConv multiplies by the per-batch factor {@code inputScale * filterScale} and adds the
     * bias after, and its HybridConvPerChannel multiplies by {@code filterScale[oc] * inputScale} and adds
     * the bias (the integer sums agree exactly: TFLite subtracts {@code zp · Σ filter} from a sum over
     * zero-point-padded taps, which is the sum over {@code q - zp} of the taps inside the input).
     * {@link #w} reads the int8 copy, at {@link HybridInput#offset()}.
     */
    static final class HybridKernel implements PartitionedKernel {
        private final Window w;
        private final short[] filter;
        private final float[] filterScales;
        private final float[] bias;
        private final float min;
        private final float max;
        private final HybridInput input;

        HybridKernel(Window w, HybridWeights weights, float[] bias, float min, float max, HybridInput input) {
            this.w = w.withInputAt(input.offset());
            this.filter = weights.weights();
            this.filterScales = weights.scales();
            this.bias = bias;
            this.min = min;
            this.max = max;
            this.input = input;
        }

        @Override
        public void beforeParts(byte[] arena) {
            input.quantize(arena);
        }

        /** Part {@code part} of {@code parts}: a range of output rows (over batches × outH). */
        @Override
        public void eval(byte[] arena, int part, int parts) {
            byte[] q = input.bytes(arena);
            Window g = w;
            int inImage = g.inH() * g.inW() * g.inC();
            int rows = g.batches() * g.outH();
            int r0 = PartitionedKernel.begin(rows, part, parts);
            int r1 = PartitionedKernel.begin(rows, part + 1, parts);
            int outPos = g.outOffset() + 4 * r0 * g.outW() * g.outC();
            for (int r = r0; r < r1; r++) {
                int b = r / g.outH();
                int oy = r - b * g.outH();
                int inBase = g.inOffset() + b * inImage;
                int inputOffset = -input.zeroPoint(b);
                float inputScale = input.scale(b);
                int iy0 = oy * g.strideH() - g.padTop();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padLeft();
                    for (int oc = 0; oc < g.outC(); oc++) {
                        int fBase = oc * g.kh() * g.kw() * g.inC();
                        int acc = dot(q, filter, g, inBase, iy0, ix0, fBase, inputOffset);
                        float v = (float) acc * (inputScale * filterScales[oc]) + bias[oc];
                        ArenaFloats.setFloat(arena, outPos, FloatClamp.apply(v, min, max));
                        outPos += 4;
                    }
                }
            }
        }
    }

    /** Float32 kernel. */
    static final class FloatKernel implements Kernel {
        private final Window w;
        private final float[] filter;
        private final float[] bias;
        private final float min;
        private final float max;

        FloatKernel(Window w, float[] filter, float[] bias, float min, float max) {
            this.w = w;
            this.filter = filter;
            this.bias = bias;
            this.min = min;
            this.max = max;
        }

        @Override
        public void eval(byte[] arena) {
            Window g = w;
            int inRow = g.inW() * g.inC();
            int inImage = g.inH() * inRow;
            int outIndex = 0;
            for (int b = 0; b < g.batches(); b++) {
                int inBase = g.inOffset() + 4 * b * inImage;
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy0 = oy * g.strideH() - g.padTop();
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int ix0 = ox * g.strideW() - g.padLeft();
                        for (int oc = 0; oc < g.outC(); oc++) {
                            float acc = 0f;
                            int fBase = oc * g.kh() * g.kw() * g.inC();
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = iy0 + ky * g.dilationH();
                                if (iy < 0 || iy >= g.inH()) {
                                    continue;
                                }
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ix0 + kx * g.dilationW();
                                    if (ix < 0 || ix >= g.inW()) {
                                        continue;
                                    }
                                    int ip = inBase + 4 * (iy * inRow + ix * g.inC());
                                    int fp = fBase + (ky * g.kw() + kx) * g.inC();
                                    for (int ic = 0; ic < g.inC(); ic++) {
                                        acc += ArenaFloats.getFloat(arena, ip + 4 * ic) * filter[fp + ic];
                                    }
                                }
                            }
                            float v = FloatClamp.apply(acc + bias[oc], min, max);
                            ArenaFloats.setFloat(arena, g.outOffset() + 4 * outIndex++, v);
                        }
                    }
                }
            }
        }
    }
}
