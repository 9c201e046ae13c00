package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.FloatClamp;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.kernels.vector.Depthwise3x3Variant;
import owlet.runtime.kernels.vector.VectorKernels;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.HybridInput;
import owlet.runtime.quant.HybridWeights;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.Rounding;

/**
 * DEPTHWISE_CONV_2D: with depth multiplier {@code m}, output channel {@code oc = ic*m + mi} sees only input
 * channel {@code ic}: {@code out[b,y,x,ic*m+mi] = act(bias[oc] + Σ_{ky,kx} in[b, y*sh - pt + ky*dh,
 * x*sw - pl + kx*dw, ic] · filter[0,ky,kx,oc])}, taps outside the input contributing nothing (zero padding).
 *
 * <p>Layouts: input NHWC with {@code Cin} channels, filter [1, KH, KW, Cin·m], bias [Cin·m] (int32 for
 * quantized, float32 for float), output NHWC with {@code Cin·m} channels. As TFLite (ComputeDepthMultiplier),
 * {@code m} is the filter's channel count divided by the input's, which must divide it; the depth_multiplier
 * option is not consulted.
 *
 * <p>Quantized: uint8 with per-tensor weights, or int8 with per-tensor or per-channel weights
 * (quantized_dimension 3, zero point 0). The accumulator is int32 over {@code (in - inZp) * (filter - filterZp)},
 * then bias, multiplier, output zero point and clamp, in that order, as TFLite's reference kernel. The
 * multiplier is TFLite's: for uint8 its legacy per-tensor one ({@link ChannelRequant#prepareLegacy}), for int8 the per-channel
 * one even when the weights are per-tensor ({@link ChannelRequant}).
 *
 * <p>Rounding: TFLite's builtin DEPTHWISE_CONV_2D rounds the output stage as its reference kernel does
 * ({@link FixedPoint#multiplyByQuantizedMultiplier}: the power-of-two division rounds ties away from zero),
 * for both uint8 and int8, unlike int8 CONV_2D. The golden outputs cannot tell the two rules apart: every
 * depthwise op in the shared models has a RELU6 that clamps at the zero point, hiding negative ties.
 *
 * <p>Float: products summed in filter order from 0, then the bias added and the activation clamp applied,
 * as TFLite's reference kernel.
 *
 * <p>Hybrid ("dynamic-range" quantization): a float32 input and output with int8 per-channel weights
 * (quantized_dimension 3; TFLite refuses per-tensor ones here), run as TFLite's hybrid kernel does
 * ({@link HybridKernel}).
 *
 * <p>Kernels: {@link QuantizedKernel} is the reference and the fallback; when {@link VectorSupport#ENABLED},
 * 3×3 filters with multiplier 1 run vectorised across channels
 * (owlet.runtime.kernels.vector.Depthwise3x3Variant) with identical output bytes.
 */
public final class DepthwiseConv2D {
    /** The output stage's rounding: the reference rule for both types (see the class comment). */
    private static final Rounding ROUNDING = Rounding.TIES_AWAY_FROM_ZERO;

    private DepthwiseConv2D() {
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
     * (tests); null when that variant does not take this convolution.
     */
    static Kernel prepare(OpContext ctx, Depthwise3x3Variant variant) throws InvalidModelException {
        return prepare(ctx, true, variant);
    }

    private static Kernel prepare(OpContext ctx, boolean vector, Depthwise3x3Variant variant) throws InvalidModelException {
        ctx.requireArity(2, 3, 1);
        OperatorOptions.DepthwiseConv2D o = ctx.options(OperatorOptions.DepthwiseConv2D.class);
        Tensor in = ctx.input(0);
        Tensor filter = ctx.input(1);
        Tensor bias = ctx.optionalInput(2);
        Tensor out = ctx.output(0);
        ctx.requireRank(in, "input", 4);
        ctx.requireRank(filter, "filter", 4);
        ctx.requireConstant(filter, "filter");
        int inC = in.dim(3);
        int kh = filter.dim(1);
        int kw = filter.dim(2);
        int outC = filter.dim(3);
        if (filter.dim(0) != 1) {
            throw ctx.fail("filter " + filter.describe() + " has leading dimension " + filter.dim(0)
                    + ", expected 1 (layout [1, KH, KW, Cin*m])");
        }
        if (inC <= 0 || outC % inC != 0) {
            throw ctx.fail("filter has " + outC + " output channels, not a multiple of the input's " + inC);
        }
        int m = outC / inC;
        Window w = Window.plan(ctx, in, out, outC, kh, kw, o.padding(), o.strideH(), o.strideW(),
                o.dilationH(), o.dilationW());
        if (bias != null) {
            ctx.requireConstant(bias, "bias");
            ctx.requireShape(bias, "bias", outC);
        }
        if (HybridInput.isHybrid(in, filter)) {
            return prepareHybrid(ctx, o, w, m, in, filter, bias, out);
        }
        if (in.type() == TensorType.FLOAT32) {
            ctx.requireType(filter, "filter", TensorType.FLOAT32);
            ctx.requireType(out, "output", TensorType.FLOAT32);
            float[] b = new float[outC];
            if (bias != null) {
                ctx.requireType(bias, "bias", TensorType.FLOAT32);
                b = Quant8.floats(bias);
            }
            float[] range = Quant8.activationRangeFloat(ctx, o.activation());
            return new FloatKernel(w, m, Quant8.floats(filter), b, range[0], range[1]);
        }
        ctx.requireType(in, "input", TensorType.UINT8, TensorType.INT8);
        ctx.requireType(filter, "filter", in.type());
        ctx.requireType(out, "output", in.type());
        ChannelRequant rq;
        if (in.type() == TensorType.UINT8) {
            rq = ChannelRequant.prepareLegacy(ctx, in, filter, bias, out, outC, o.activation(), ROUNDING);
        } else {
            requireSymmetric(ctx, filter);
            rq = ChannelRequant.prepare(ctx, in, filter, bias, out, 3, outC, o.activation(), ROUNDING);
        }
        short[] packed = Quant8.centeredWeights(filter);
        if (vector && VectorKernels.depthwise3x3Fits(w, m)) {
            return VectorKernels.depthwise3x3(w, packed, -Quant8.storedZeroPoint(in), rq, ctx.parts(), variant);
        }
        if (variant != null) {
            return null;
        }
        return new QuantizedKernel(w, m, packed, -Quant8.storedZeroPoint(in), rq, ctx.parts());
    }

    /**
     * The hybrid form: float32 input and output, int8 weights (see {@link HybridKernel}). TFLite's hybrid
     * kernel takes its depth multiplier from the options, not from the shapes, so the two must agree.
     */
    private static Kernel prepareHybrid(OpContext ctx, OperatorOptions.DepthwiseConv2D o, Window w, int m, Tensor in,
                                        Tensor filter, Tensor bias, Tensor out) throws InvalidModelException {
        ctx.requireType(out, "output", TensorType.FLOAT32);
        if (o.depthMultiplier() != m) {
            throw ctx.fail("depth_multiplier = " + o.depthMultiplier() + " but the filter has " + m
                    + " output channels per input channel (TFLite's hybrid kernel trusts the option)");
        }
        HybridWeights weights = HybridWeights.prepare(ctx, filter, 3);
        if (!weights.perChannel() && w.outC() > 1) {
            throw ctx.fail("int8 filter " + filter.describe() + " has one scale; TFLite's hybrid "
                    + "DEPTHWISE_CONV_2D needs one per output channel (" + w.outC() + ", quantized_dimension 3)");
        }
        float[] b = new float[w.outC()];
        if (bias != null) {
            ctx.requireType(bias, "bias", TensorType.FLOAT32);
            b = Quant8.floats(bias);
        }
        float[] range = Quant8.activationRangeFloat(ctx, o.activation());
        HybridInput input = HybridInput.prepare(ctx, in, w.batches(), true);
        return new HybridKernel(w, m, weights, b, range[0], range[1], input);
    }

    /** TFLite's int8 depthwise kernels ignore the filter zero point; Owlet rejects one it would ignore. */
    private static void requireSymmetric(OpContext ctx, Tensor filter) throws InvalidModelException {
        for (long z : filter.quantization().zeroPoints()) {
            if (z != 0) {
                throw ctx.fail("int8 filter " + filter.describe() + " has zero point " + z
                        + "; TFLite's int8 scheme requires 0");
            }
        }
    }

    /**
     * Reference int8 kernel; {@code filter} holds {@code weight - filterZp}, [KH, KW, Cout]. In a form the
     * client compiler (C1, which runs a one-shot inference) compiles well: per output pixel the sums of all
     * its channels build up in an int row, one pass over the channels per tap inside the input, so the
     * inner loop is a plain walk along three arrays. The sums, and so the output bytes, are those of
     * {@link #dot}.
     */
    static final class QuantizedKernel implements PartitionedKernel {
        private final Window w;
        private final int depthMultiplier;
        private final short[] filter;
        private final int inputOffset;
        private final ChannelRequant rq;
        /** Per part: one output pixel's channel sums. */
        private final int[][] sums;

        QuantizedKernel(Window w, int depthMultiplier, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
            this.w = w;
            this.depthMultiplier = depthMultiplier;
            this.filter = filter;
            this.inputOffset = inputOffset;
            this.rq = rq;
            this.sums = PartitionedKernel.scratchInts(parts, w.outC());
        }

        /** Part {@code part} of {@code parts}: a range of output rows (over batches × outH). */
        @Override
        public void eval(byte[] arena, int part, int parts) {
            Window g = w;
            int outC = g.outC();
            int inImage = g.inH() * g.inW() * g.inC();
            int rows = g.batches() * g.outH();
            int r0 = PartitionedKernel.begin(rows, part, parts);
            int r1 = PartitionedKernel.begin(rows, part + 1, parts);
            int outPos = g.outOffset() + r0 * g.outW() * outC;
            int[] acc = sums[part];
            for (int r = r0; r < r1; r++) {
                int b = r / g.outH();
                int oy = r - b * g.outH();
                int inBase = g.inOffset() + b * inImage;
                int iy0 = oy * g.strideH() - g.padTop();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padLeft();
                    Arrays.fill(acc, 0, outC, 0);
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = iy0 + ky * g.dilationH();
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ix = ix0 + kx * g.dilationW();
                            if (ix >= 0 && ix < g.inW()) {
                                addTap(arena, inBase + (iy * g.inW() + ix) * g.inC(), (ky * g.kw() + kx) * outC, acc);
                            }
                        }
                    }
                    for (int oc = 0; oc < outC; oc++) {
                        arena[outPos++] = rq.requantize(acc[oc], oc);
                    }
                }
            }
        }

        /** Adds one tap's products to every channel's sum: input pixel at {@code ip}, weights at {@code fp}. */
        private void addTap(byte[] arena, int ip, int fp, int[] acc) {
            short[] f = filter;
            int offset = inputOffset;
            int m = depthMultiplier;
            if (m == 1) {
                int n = w.outC();
                for (int c = 0; c < n; c++) {
                    acc[c] += (arena[ip + c] + offset) * f[fp + c];
                }
                return;
            }
            int n = w.inC();
            for (int ic = 0, oc = 0; ic < n; ic++) {
                int x = arena[ip + ic] + offset;
                for (int mi = 0; mi < m; mi++, oc++) {
                    acc[oc] += x * f[fp + oc];
                }
            }
        }
    }

    /**
     * {@code Σ (in[ip] + inputOffset) · filter[fp]} over the taps of one output position that fall inside the
     * input (zero padding), for output channel {@code oc}: the integer dot product of {@link HybridKernel},
     * and the definition of {@link QuantizedKernel}'s sums. {@code inChannelBase} is the batch's image start plus the input channel.
     */
    static int dot(byte[] in, short[] filter, Window g, int inChannelBase, int iy0, int ix0, int oc, int inputOffset) {
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
                int ip = inChannelBase + iy * inRow + ix * g.inC();
                int fp = (ky * g.kw() + kx) * g.outC() + oc;
                acc += (in[ip] + inputOffset) * filter[fp];
            }
        }
        return acc;
    }

    /**
     * Hybrid kernel: float32 input and output, int8 per-channel weights. As TFLite's hybrid depthwise kernel,
     * the input is quantized asymmetrically per batch ({@link HybridInput}), the dot product taken in int32
     * over {@code q - zp} (taps inside the input), then
     * {@code out = act(((float) acc * inputScale) * filterScale[oc] + bias[oc])} in float, in that order
     * (its DepthwiseConvHybridGeneral multiplies by the input scale first, unlike CONV_2D). {@link #w}
     * reads the int8 copy, at {@link HybridInput#offset()}. Without a bias it adds nothing (TFLite 2.18
     * crashes on such a model, so no oracle covers that case).
     */
    static final class HybridKernel implements PartitionedKernel {
        private final Window w;
        private final int depthMultiplier;
        private final short[] filter;
        private final float[] filterScales;
        private final float[] bias;
        private final float min;
        private final float max;
        private final HybridInput input;

        HybridKernel(Window w, int depthMultiplier, HybridWeights weights, float[] bias, float min, float max,
                     HybridInput input) {
            this.w = w.withInputAt(input.offset());
            this.depthMultiplier = depthMultiplier;
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
            int m = depthMultiplier;
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
                    for (int ic = 0; ic < g.inC(); ic++) {
                        for (int mi = 0; mi < m; mi++) {
                            int oc = ic * m + mi;
                            int acc = dot(q, filter, g, inBase + ic, iy0, ix0, oc, inputOffset);
                            float v = (float) acc * inputScale * filterScales[oc] + bias[oc];
                            ArenaFloats.setFloat(arena, outPos, FloatClamp.apply(v, min, max));
                            outPos += 4;
                        }
                    }
                }
            }
        }
    }

    /** Float32 kernel, filter [KH, KW, Cout]. */
    static final class FloatKernel implements Kernel {
        private final Window w;
        private final int depthMultiplier;
        private final float[] filter;
        private final float[] bias;
        private final float min;
        private final float max;

        FloatKernel(Window w, int depthMultiplier, float[] filter, float[] bias, float min, float max) {
            this.w = w;
            this.depthMultiplier = depthMultiplier;
            this.filter = filter;
            this.bias = bias;
            this.min = min;
            this.max = max;
        }

        @Override
        public void eval(byte[] arena) {
            Window g = w;
            int m = depthMultiplier;
            int inRow = g.inW() * g.inC();
            int inImage = g.inH() * inRow;
            int outIndex = 0;
            for (int b = 0; b < g.batches(); b++) {
                int inBase = g.inOffset() + 4 * b * inImage;
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy0 = oy * g.strideH() - g.padTop();
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int ix0 = ox * g.strideW() - g.padLeft();
                        for (int ic = 0; ic < g.inC(); ic++) {
                            for (int mi = 0; mi < m; mi++) {
                                int oc = ic * m + mi;
                                float acc = 0f;
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
                                        int ip = inBase + 4 * (iy * inRow + ix * g.inC() + ic);
                                        int fp = (ky * g.kw() + kx) * g.outC() + oc;
                                        acc += ArenaFloats.getFloat(arena, ip) * filter[fp];
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
}
