package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Broadcast;
import owlet.runtime.kernels.support.FloatClamp;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * SUB: {@code out = act(in1 - in2)}, elementwise, with the broadcasting of {@link Add} (see {@link Broadcast});
 * inputs and output share one type; either input may be a constant.
 *
 * <p>Quantized (uint8, int8; per-tensor): TFLite's 8-bit SUB is its ADD with the second input's multiplier
 * negated. The multipliers are ADD's ({@code left_shift = 20}, {@code m = 2·max(s1, s2)}, each by
 * QuantizeMultiplierSmallerThanOneExp), then {@code M_2 := -M_2}; per element
 * {@code x_i = RoundingDivideByPOT(SRDHM((q_i - z_i)·2^20, M_i), -e_i)} and
 * {@code out = clamp(RoundingDivideByPOT(SRDHM(x_1 + x_2, M_o), -e_o) + z_o)}. The negation happens before the
 * rounding, so {@code x_2} is not simply minus ADD's (SRDHM and the division round ties differently on the two
 * signs); this class runs {@link Add.QuantizedKernel} with the negated multiplier, as TFLite does.
 *
 * <p>Float32: {@code std::min(std::max(in1 - in2, lo), hi)} with TFLite's activation bounds ({@code ±FLT_MAX}
 * for NONE).
 */
public final class Sub {
    private Sub() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(2, 2, 1);
        OperatorOptions.Elementwise o = ctx.options(OperatorOptions.Elementwise.class);
        Tensor in1 = ctx.input(0);
        Tensor in2 = ctx.input(1);
        Tensor out = ctx.output(0);
        ctx.requireType(in1, "input 1", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(in2, "input 2", in1.type());
        ctx.requireType(out, "output", in1.type());
        Broadcast plan = Broadcast.of(ctx, in1.shape(), in2.shape());
        ctx.requireShape(out, "output", plan.outShape());
        Tensor a = plan.swapped() ? in2 : in1;
        Tensor b = plan.swapped() ? in1 : in2;
        Operand aOp = Operand.of(ctx, a);
        Operand bOp = Operand.of(ctx, b);
        int outOff = ctx.offset(out);
        if (in1.type() == TensorType.FLOAT32) {
            float[] range = Quant8.activationRangeFloat(ctx, o.activation());
            return new FloatKernel(plan, aOp, bOp, outOff, plan.swapped(), Math.max(range[0], -Float.MAX_VALUE),
                    Math.min(range[1], Float.MAX_VALUE));
        }
        ctx.requirePerTensor(in1, "input 1");
        ctx.requirePerTensor(in2, "input 2");
        ctx.requirePerTensor(out, "output");
        double twiceMax = 2 * Math.max(in1.quantization().scale(), in2.quantization().scale());
        QuantizedMultiplier m1 = Add.smallerThanOne(ctx, in1.quantization().scale() / twiceMax, "input 1 multiplier");
        QuantizedMultiplier m2 = Add.smallerThanOne(ctx, in2.quantization().scale() / twiceMax, "input 2 multiplier");
        float scaledOut = (1 << 20) * out.quantization().scale();
        QuantizedMultiplier mo = Add.smallerThanOne(ctx, twiceMax / scaledOut, "output multiplier");
        int aMult = plan.swapped() ? -m2.multiplier() : m1.multiplier();
        int aShift = plan.swapped() ? m2.shift() : m1.shift();
        int bMult = plan.swapped() ? m1.multiplier() : -m2.multiplier();
        int bShift = plan.swapped() ? m1.shift() : m2.shift();
        int[] act = Quant8.activationRange(ctx, o.activation(), out);
        int shift = Quant8.shift(out);
        return new Add.QuantizedKernel(plan, aOp, bOp, outOff, -Quant8.storedZeroPoint(a), aMult, aShift,
                -Quant8.storedZeroPoint(b), bMult, bShift, mo.multiplier(), mo.shift(), out.quantization().zeroPoint(),
                act[0] + shift, act[1] + shift, shift);
    }

    /** Float32 kernel; {@code swapped} when role {@code a} is the model's second input (the subtrahend). */
    static final class FloatKernel implements Kernel, Broadcast.Passes {
        private final Broadcast plan;
        private final Operand a;
        private final Operand b;
        private final int outOff;
        private final boolean swapped;
        private final float min;
        private final float max;

        FloatKernel(Broadcast plan, Operand a, Operand b, int outOff, boolean swapped, float min, float max) {
            this.plan = plan;
            this.a = a;
            this.b = b;
            this.outOff = outOff;
            this.swapped = swapped;
            this.min = min;
            this.max = max;
        }

        @Override
        public void eval(byte[] arena) {
            plan.run(arena, this);
        }

        @Override
        public void elementwise(byte[] arena, int n, int ia, int ib, int out) {
            byte[] sa = a.source(arena);
            byte[] sb = b.source(arena);
            for (int i = 0; i < n; i++) {
                float va = ArenaFloats.getFloat(sa, a.offset() + 4 * (ia + i));
                float vb = ArenaFloats.getFloat(sb, b.offset() + 4 * (ib + i));
                float v = swapped ? vb - va : va - vb;
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), FloatClamp.apply(v, min, max));
            }
        }

        @Override
        public void scalar(byte[] arena, int n, int ia, int ib, int out) {
            float va = ArenaFloats.getFloat(a.source(arena), a.offset() + 4 * ia);
            byte[] sb = b.source(arena);
            for (int i = 0; i < n; i++) {
                float vb = ArenaFloats.getFloat(sb, b.offset() + 4 * (ib + i));
                float v = swapped ? vb - va : va - vb;
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), FloatClamp.apply(v, min, max));
            }
        }
    }
}
