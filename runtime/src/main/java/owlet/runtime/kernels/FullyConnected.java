package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.FloatClamp;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PartitionedKernel;
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
 * FULLY_CONNECTED: {@code out[b,u] = act(bias[u] + Σ_d in[b,d] · filter[u,d])}.
 *
 * <p>Layouts: the input, of any shape, is read as [batches, depth] row-major, where {@code depth} is the
 * filter's second dimension and must divide the input's element count; filter [units, depth]; optional
 * bias [units] (int32 for quantized, float32 for float); output [batches, units], or with keep_num_dims the
 * input's shape with its last dimension replaced by {@code units} (only the element count and the last
 * dimension are checked). Only the default weights format is supported (not shuffled uint8 weights).
 *
 * <p>Quantized: uint8 with per-tensor weights, or int8 with per-tensor or per-channel weights (quantized
 * dimension 0, zero point 0). The accumulator is int32 over {@code (in - inZp) * (filter - filterZp)}, then
 * bias, multiplier, output zero point and clamp, in that order, as TFLite's reference kernel. As TFLite,
 * per-tensor weights use the legacy multiplier ({@link ChannelRequant#prepareLegacy}) and per-channel weights the
 * per-channel ones ({@link ChannelRequant}).
 *
 * <p>Rounding: the output stage uses TFLite's reference rule ({@link FixedPoint#multiplyByQuantizedMultiplier}:
 * the power-of-two division rounds ties away from zero). None of the shared models has this op, so no golden
 * output pins it. uint8 matches the way uint8 CONV_2D agrees with the reference kernels; for int8, TFLite's
 * builtin x86-64 kernel goes through the same GEMM back end (ruy) as int8 CONV_2D, whose output stage rounds
 * ties toward +infinity: if an int8 golden output disagrees, change {@link #INT8_ROUNDING}.
 *
 * <p>Hybrid ("dynamic-range" quantization): a float32 input and output with int8 weights, per-tensor or
 * per-channel (quantized_dimension 0, with asymmetric_quantize_inputs: without it TFLite's portable kernel
 * ignores the per-channel scales), run as TFLite's hybrid kernel does ({@link HybridKernel}).
 *
 * <p>Float: products summed in depth order from 0, then the bias added and the activation clamp applied,
 * as TFLite's reference kernel.
 */
public final class FullyConnected {
    /** The int8 output stage's rounding (uint8 always rounds ties away from zero); see the class comment. */
    private static final Rounding INT8_ROUNDING = Rounding.TIES_AWAY_FROM_ZERO;

    private FullyConnected() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(2, 3, 1);
        OperatorOptions.FullyConnected o = ctx.options(OperatorOptions.FullyConnected.class);
        Tensor in = ctx.input(0);
        Tensor filter = ctx.input(1);
        Tensor bias = ctx.optionalInput(2);
        Tensor out = ctx.output(0);
        if (o.weightsFormat() != 0) {
            throw ctx.fail("weights_format " + o.weightsFormat() + " (shuffled weights) is not supported");
        }
        ctx.requireRank(filter, "filter", 2);
        ctx.requireConstant(filter, "filter");
        int units = filter.dim(0);
        int depth = filter.dim(1);
        if (depth <= 0 || in.elementCount() % depth != 0) {
            throw ctx.fail("input " + in.describe() + " has " + in.elementCount()
                    + " elements, not a multiple of the filter's depth " + depth);
        }
        int batches = in.elementCount() / depth;
        boolean outputFits = out.rank() > 0 && out.dim(out.rank() - 1) == units
                && (long) out.elementCount() == (long) batches * units;
        if (!outputFits) {
            throw ctx.fail("output " + out.describe() + " does not hold " + batches + " batches of " + units
                    + " units");
        }
        if (bias != null) {
            ctx.requireConstant(bias, "bias");
            if (bias.elementCount() != units) {
                throw ctx.fail("bias " + bias.describe() + " has " + bias.elementCount() + " elements, expected "
                        + units);
            }
        }
        Shape s = new Shape(batches, depth, units, ctx.offset(in), ctx.offset(out));
        if (HybridInput.isHybrid(in, filter)) {
            ctx.requireType(out, "output", TensorType.FLOAT32);
            HybridWeights weights = HybridWeights.prepare(ctx, filter, 0);
            if (weights.perChannel() && !o.asymmetricQuantizeInputs()) {
                throw ctx.fail("int8 filter " + filter.describe() + " has per-channel scales but "
                        + "asymmetric_quantize_inputs is false: TFLite's portable hybrid kernel then drops the "
                        + "per-channel scales, so its results depend on the build; not supported");
            }
            float[] b = new float[units];
            if (bias != null) {
                ctx.requireType(bias, "bias", TensorType.FLOAT32);
                b = Quant8.floats(bias);
            }
            float[] range = Quant8.activationRangeFloat(ctx, o.activation());
            HybridInput input = HybridInput.prepare(ctx, in, batches, o.asymmetricQuantizeInputs());
            return new HybridKernel(s, weights, b, range[0], range[1], input);
        }
        if (in.type() == TensorType.FLOAT32) {
            ctx.requireType(filter, "filter", TensorType.FLOAT32);
            ctx.requireType(out, "output", TensorType.FLOAT32);
            float[] b = new float[units];
            if (bias != null) {
                ctx.requireType(bias, "bias", TensorType.FLOAT32);
                b = Quant8.floats(bias);
            }
            float[] range = Quant8.activationRangeFloat(ctx, o.activation());
            return new FloatKernel(s, Quant8.floats(filter), b, range[0], range[1]);
        }
        ctx.requireType(in, "input", TensorType.UINT8, TensorType.INT8);
        ctx.requireType(filter, "filter", in.type());
        ctx.requireType(out, "output", in.type());
        ctx.requireQuantized(filter, "filter");
        if (in.type() == TensorType.INT8) {
            for (long z : filter.quantization().zeroPoints()) {
                if (z != 0) {
                    throw ctx.fail("int8 filter " + filter.describe() + " has zero point " + z
                            + "; TFLite's int8 scheme requires 0");
                }
            }
        }
        if (in.type() == TensorType.UINT8) {
            ctx.requirePerTensor(filter, "uint8 filter");
        }
        Rounding rounding = in.type() == TensorType.INT8 ? INT8_ROUNDING : Rounding.TIES_AWAY_FROM_ZERO;
        ChannelRequant rq = filter.quantization().isPerChannel()
                ? ChannelRequant.prepare(ctx, in, filter, bias, out, 0, units, o.activation(), rounding)
                : ChannelRequant.prepareLegacy(ctx, in, filter, bias, out, units, o.activation(), rounding);
        short[] packed = Quant8.centeredWeights(filter);
        return new QuantizedKernel(s, packed, -Quant8.storedZeroPoint(in), rq);
    }

    /** Batches, depth, units and arena offsets. */
    record Shape(int batches, int depth, int units, int inOffset, int outOffset) {
    }

    /** Reference int8 kernel; {@code filter} holds {@code weight - filterZp}, [units, depth]. */
    static final class QuantizedKernel implements PartitionedKernel {
        private final Shape s;
        private final short[] filter;
        private final int inputOffset;
        private final ChannelRequant rq;

        QuantizedKernel(Shape s, short[] filter, int inputOffset, ChannelRequant rq) {
            this.s = s;
            this.filter = filter;
            this.inputOffset = inputOffset;
            this.rq = rq;
        }

        /** Part {@code part} of {@code parts}: a range of units, in every batch. */
        @Override
        public void eval(byte[] arena, int part, int parts) {
            Shape g = s;
            int u0 = PartitionedKernel.begin(g.units(), part, parts);
            int u1 = PartitionedKernel.begin(g.units(), part + 1, parts);
            for (int b = 0; b < g.batches(); b++) {
                int ip = g.inOffset() + b * g.depth();
                int outPos = g.outOffset() + b * g.units() + u0;
                for (int u = u0; u < u1; u++) {
                    int acc = dot(arena, ip, filter, u * g.depth(), g.depth(), inputOffset);
                    arena[outPos++] = rq.requantize(acc, u);
                }
            }
        }
    }

    /**
     * {@code Σ_d (in[ip + d] + inputOffset) · filter[fp + d]}: the integer dot product of
     * {@link QuantizedKernel} and {@link HybridKernel}.
     */
    static int dot(byte[] in, int ip, short[] filter, int fp, int depth, int inputOffset) {
        int acc = 0;
        for (int d = 0; d < depth; d++) {
            acc += (in[ip + d] + inputOffset) * filter[fp + d];
        }
        return acc;
    }

    /**
     * Hybrid kernel: float32 input and output, int8 weights. Each batch row of the input is quantized to
     * int8 ({@link HybridInput}; asymmetric when the options ask for asymmetric_quantize_inputs), the dot
     * product taken in int32 over {@code q - zp}, then
     * {@code out = act(bias[u] + (float) acc * (inputScale * filterScale[u]))} in float: TFLite starts the
     * output from the bias and accumulates {@code dot · scale} into it, the scale being the batch's input
     * scale times the filter's (per-tensor, folded in first) or times the unit's (per-channel). With
     * asymmetric inputs TFLite subtracts {@code zp · Σ filter} from the sum over {@code q}, equal to the sum
     * over {@code q - zp} in int32.
     */
    static final class HybridKernel implements PartitionedKernel {
        private final Shape s;
        private final short[] filter;
        private final float[] filterScales;
        private final float[] bias;
        private final float min;
        private final float max;
        private final HybridInput input;

        HybridKernel(Shape s, HybridWeights weights, float[] bias, float min, float max, HybridInput input) {
            this.s = s;
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

        /** Part {@code part} of {@code parts}: a range of units, in every batch. */
        @Override
        public void eval(byte[] arena, int part, int parts) {
            byte[] q = input.bytes(arena);
            Shape g = s;
            int u0 = PartitionedKernel.begin(g.units(), part, parts);
            int u1 = PartitionedKernel.begin(g.units(), part + 1, parts);
            for (int b = 0; b < g.batches(); b++) {
                int ip = input.offset() + b * g.depth();
                int inputOffset = -input.zeroPoint(b);
                float inputScale = input.scale(b);
                int outPos = g.outOffset() + 4 * (b * g.units() + u0);
                for (int u = u0; u < u1; u++) {
                    int acc = dot(q, ip, filter, u * g.depth(), g.depth(), inputOffset);
                    float v = bias[u] + (float) acc * (inputScale * filterScales[u]);
                    ArenaFloats.setFloat(arena, outPos, FloatClamp.apply(v, min, max));
                    outPos += 4;
                }
            }
        }
    }

    /** Float32 kernel. */
    static final class FloatKernel implements Kernel {
        private final Shape s;
        private final float[] filter;
        private final float[] bias;
        private final float min;
        private final float max;

        FloatKernel(Shape s, float[] filter, float[] bias, float min, float max) {
            this.s = s;
            this.filter = filter;
            this.bias = bias;
            this.min = min;
            this.max = max;
        }

        @Override
        public void eval(byte[] arena) {
            Shape g = s;
            int outPos = g.outOffset();
            for (int b = 0; b < g.batches(); b++) {
                int ip = g.inOffset() + 4 * b * g.depth();
                for (int u = 0; u < g.units(); u++) {
                    int fp = u * g.depth();
                    float acc = 0f;
                    for (int d = 0; d < g.depth(); d++) {
                        acc += ArenaFloats.getFloat(arena, ip + 4 * d) * filter[fp + d];
                    }
                    ArenaFloats.setFloat(arena, outPos, FloatClamp.apply(acc + bias[u], min, max));
                    outPos += 4;
                }
            }
        }
    }
}
