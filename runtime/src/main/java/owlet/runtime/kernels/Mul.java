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
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * MUL: {@code out = act(in1 · in2)}, elementwise, with the same fivefold broadcasting as {@link Add} (see
 * {@link Broadcast}), e.g. a squeeze-excite gate {@code [1,1,1,C]} against a {@code [1,H,W,C]} map. Any layout;
 * inputs and output share one type; either input may be a constant (see {@link Operand}).
 *
 * <p>Quantized (uint8, int8; per-tensor): TFLite's 8-bit MUL. At prepare, the output multiplier
 * {@code s1·s2/s_out} in double (each scale widened from float first) through QuantizeMultiplier
 * ({@link QuantizedMultiplier}; it may exceed 1, giving a left shift). Per element:
 * {@code out = clamp(MultiplyByQuantizedMultiplier((q1 - z1)·(q2 - z2), M, e) + z_out)} to the activation range
 * (CalculateActivationRangeQuantized). This is the scalar loop of TFLite's builtin MulElementwise and
 * MulSimpleBroadcast, which x86-64 builds run (no NEON); |q - z| ≤ 255, so the product fits easily.
 *
 * <p>Float32: {@code std::min(std::max(a · b, lo), hi)} with TFLite's activation bounds ({@code ±FLT_MAX}
 * for NONE), as in {@link Add}.
 */
public final class Mul {
    private Mul() {
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
            return new FloatKernel(plan, aOp, bOp, outOff, Math.max(range[0], -Float.MAX_VALUE),
                    Math.min(range[1], Float.MAX_VALUE));
        }
        ctx.requirePerTensor(in1, "input 1");
        ctx.requirePerTensor(in2, "input 2");
        ctx.requirePerTensor(out, "output");
        double real = (double) in1.quantization().scale() * (double) in2.quantization().scale()
                / (double) out.quantization().scale();
        if (!(real > 0) || Double.isInfinite(real)) {
            throw ctx.fail("output multiplier " + real + " is not positive and finite; check the tensors' scales");
        }
        QuantizedMultiplier m = QuantizedMultiplier.of(real);
        int[] act = Quant8.activationRange(ctx, o.activation(), out);
        int shift = Quant8.shift(out);
        return new QuantizedKernel(plan, aOp, bOp, outOff, -Quant8.storedZeroPoint(a), -Quant8.storedZeroPoint(b),
                m.multiplier(), m.shift(), out.quantization().zeroPoint(), act[0] + shift, act[1] + shift, shift);
    }

    /** 8-bit kernel; roles {@code a} and {@code b} as in {@link Broadcast}. */
    static final class QuantizedKernel implements Kernel, Broadcast.Passes {
        private final Broadcast plan;
        private final Operand a;
        private final Operand b;
        private final int outOff;
        private final int aOffset;
        private final int bOffset;
        private final int mult;
        private final int shift;
        private final int outZp;
        private final int actMin;
        private final int actMax;
        private final int storeShift;

        QuantizedKernel(Broadcast plan, Operand a, Operand b, int outOff, int aOffset, int bOffset, int mult,
                        int shift, int outZp, int actMin, int actMax, int storeShift) {
            this.plan = plan;
            this.a = a;
            this.b = b;
            this.outOff = outOff;
            this.aOffset = aOffset;
            this.bOffset = bOffset;
            this.mult = mult;
            this.shift = shift;
            this.outZp = outZp;
            this.actMin = actMin;
            this.actMax = actMax;
            this.storeShift = storeShift;
        }

        @Override
        public void eval(byte[] arena) {
            plan.run(arena, this);
        }

        @Override
        public void elementwise(byte[] arena, int n, int ia, int ib, int out) {
            byte[] sa = a.source(arena);
            byte[] sb = b.source(arena);
            int pa = a.offset() + ia;
            int pb = b.offset() + ib;
            int po = outOff + out;
            for (int i = 0; i < n; i++) {
                arena[po + i] = output((sa[pa + i] + aOffset) * (sb[pb + i] + bOffset));
            }
        }

        @Override
        public void scalar(byte[] arena, int n, int ia, int ib, int out) {
            int xa = a.source(arena)[a.offset() + ia] + aOffset;
            byte[] sb = b.source(arena);
            int pb = b.offset() + ib;
            int po = outOff + out;
            for (int i = 0; i < n; i++) {
                arena[po + i] = output(xa * (sb[pb + i] + bOffset));
            }
        }

        private byte output(int product) {
            int v = FixedPoint.multiplyByQuantizedMultiplier(product, mult, shift) + outZp;
            v = Math.max(actMin, Math.min(actMax, v));
            return (byte) (v - storeShift);
        }
    }

    /** Float32 kernel. */
    static final class FloatKernel implements Kernel, Broadcast.Passes {
        private final Broadcast plan;
        private final Operand a;
        private final Operand b;
        private final int outOff;
        private final float min;
        private final float max;

        FloatKernel(Broadcast plan, Operand a, Operand b, int outOff, float min, float max) {
            this.plan = plan;
            this.a = a;
            this.b = b;
            this.outOff = outOff;
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
                float v = ArenaFloats.getFloat(sa, a.offset() + 4 * (ia + i))
                        * ArenaFloats.getFloat(sb, b.offset() + 4 * (ib + i));
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), FloatClamp.apply(v, min, max));
            }
        }

        @Override
        public void scalar(byte[] arena, int n, int ia, int ib, int out) {
            float va = ArenaFloats.getFloat(a.source(arena), a.offset() + 4 * ia);
            byte[] sb = b.source(arena);
            for (int i = 0; i < n; i++) {
                float v = va * ArenaFloats.getFloat(sb, b.offset() + 4 * (ib + i));
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), FloatClamp.apply(v, min, max));
            }
        }
    }
}
