package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Broadcast;
import owlet.runtime.kernels.support.FloatClamp;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PairTable;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * ADD: {@code out = act(in1 + in2)}, elementwise, with TFLite's fivefold broadcasting (see {@link Broadcast}):
 * equal shapes, a scalar, or an input repeated along leading dimensions such as {@code [1,1,1,C]}; other
 * broadcasts are rejected. Any layout (the op is elementwise); inputs and output share one type. Either input
 * may be a constant (see {@link Operand}).
 *
 * <p>Quantized (uint8, int8; per-tensor): TFLite's 8-bit ADD with {@code left_shift = 20}. At prepare, with
 * {@code m = 2·max(s1, s2)} (double): input multipliers {@code s_i / m} and output multiplier
 * {@code m / (2^20 · s_out)} (the denominator in float), each by QuantizeMultiplierSmallerThanOneExp
 * ({@link QuantizedMultiplier}, shift ≤ 0). Per element:
 * {@code x_i = RoundingDivideByPOT(SRDHM((q_i - z_i)·2^20, M_i), -e_i)},
 * {@code out = clamp(RoundingDivideByPOT(SRDHM(x_1 + x_2, M_o), -e_o) + z_o)} to the activation range.
 * {@code q - z} is the same for stored and original values; the output is formed in the original type and
 * stored shifted (see {@link Quant8}).
 *
 * <p>This is the scalar rule of TFLite's builtin kernels, which the x86-64 reference outputs follow. (TFLite
 * also has NEON block code, with other rounding, that an x86 build can compile through its NEON_2_SSE header;
 * the golden outputs show it is not in use: MEAN only matches them with the scalar rounding.)
 *
 * <p>Two activations of one shape (the residual connections of MobileNet V2) go through a
 * {@link PairTable}: the output byte depends only on the two input bytes, so the 65,536 outputs are computed
 * once at prepare with the arithmetic above and each element is one lookup, split across threads. (A Vector
 * API version of the arithmetic, three fixed-point multiplies per element, measured about twice as slow:
 * see BENCHMARKS.md, fourth round.)
 *
 * <p>Float32: {@code std::min(std::max(a + b, lo), hi)} with TFLite's activation bounds ({@code ±FLT_MAX}
 * for NONE, so an overflow to infinity is clamped).
 */
public final class Add {
    private Add() {
    }

    private static final int LEFT_SHIFT = 20;

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        return prepare(ctx, ctx.vector());
    }

    /** Prepares the op; {@code optimized} allows the table (tests pass false for the reference). */
    static Kernel prepare(OpContext ctx, boolean optimized) throws InvalidModelException {
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
        Operand aOff = Operand.of(ctx, a);
        Operand bOff = Operand.of(ctx, b);
        int outOff = ctx.offset(out);
        if (in1.type() == TensorType.FLOAT32) {
            float[] range = Quant8.activationRangeFloat(ctx, o.activation());
            return new FloatKernel(plan, aOff, bOff, outOff, Math.max(range[0], -Float.MAX_VALUE),
                    Math.min(range[1], Float.MAX_VALUE));
        }
        ctx.requirePerTensor(in1, "input 1");
        ctx.requirePerTensor(in2, "input 2");
        ctx.requirePerTensor(out, "output");
        double twiceMax = 2 * Math.max(in1.quantization().scale(), in2.quantization().scale());
        QuantizedMultiplier ma = smallerThanOne(ctx, a.quantization().scale() / twiceMax, "input multiplier");
        QuantizedMultiplier mb = smallerThanOne(ctx, b.quantization().scale() / twiceMax, "input multiplier");
        // (1 << 20) * output scale is computed in float in TFLite; it is exact (a power-of-two scaling).
        float scaledOut = (1 << LEFT_SHIFT) * out.quantization().scale();
        QuantizedMultiplier mo = smallerThanOne(ctx, twiceMax / scaledOut, "output multiplier");
        int[] act = Quant8.activationRange(ctx, o.activation(), out);
        int shift = Quant8.shift(out);
        QuantizedKernel reference = new QuantizedKernel(plan, aOff, bOff, outOff,
                -Quant8.storedZeroPoint(a), ma.multiplier(), ma.shift(),
                -Quant8.storedZeroPoint(b), mb.multiplier(), mb.shift(),
                mo.multiplier(), mo.shift(), out.quantization().zeroPoint(), act[0] + shift, act[1] + shift, shift);
        if (optimized && plan.elementwise() && aOff.constant() == null && bOff.constant() == null) {
            return new PairTable(plan.size(), aOff.offset(), bOff.offset(), outOff, reference::element);
        }
        return reference;
    }

    /** TFLite's QuantizeMultiplierSmallerThanOneExp: requires 0 < real < 1. */
    static QuantizedMultiplier smallerThanOne(OpContext ctx, double real, String what)
            throws InvalidModelException {
        if (!(real > 0 && real < 1)) {
            throw ctx.fail(what + " " + real + " is outside (0, 1); check the tensors' scales");
        }
        QuantizedMultiplier m = QuantizedMultiplier.of(real);
        if (m.shift() > 0) {
            throw ctx.fail(what + " " + real + " rounds to 1.0; TFLite requires it to be below 1");
        }
        return m;
    }

    /** 8-bit kernel; role {@code a} and {@code b} as in {@link Broadcast}. */
    static final class QuantizedKernel implements Kernel, Broadcast.Passes {
        private final Broadcast plan;
        private final Operand aOff;
        private final Operand bOff;
        private final int outOff;
        private final int aOffset;
        private final int aMult;
        private final int aShift;
        private final int bOffset;
        private final int bMult;
        private final int bShift;
        private final int outMult;
        private final int outShift;
        private final int outZp;
        private final int actMin;
        private final int actMax;
        private final int storeShift;

        QuantizedKernel(Broadcast plan, Operand aOff, Operand bOff, int outOff, int aOffset, int aMult, int aShift,
                        int bOffset, int bMult, int bShift, int outMult, int outShift, int outZp, int actMin,
                        int actMax, int storeShift) {
            this.plan = plan;
            this.aOff = aOff;
            this.bOff = bOff;
            this.outOff = outOff;
            this.aOffset = aOffset;
            this.aMult = aMult;
            this.aShift = aShift;
            this.bOffset = bOffset;
            this.bMult = bMult;
            this.bShift = bShift;
            this.outMult = outMult;
            this.outShift = outShift;
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
        public void elementwise(byte[] arena, int n, int a, int b, int out) {
            byte[] sa = aOff.source(arena);
            byte[] sb = bOff.source(arena);
            int pa = aOff.offset() + a;
            int pb = bOff.offset() + b;
            int po = outOff + out;
            for (int i = 0; i < n; i++) {
                int xa = scaled(sa[pa + i] + aOffset, aMult, aShift);
                int xb = scaled(sb[pb + i] + bOffset, bMult, bShift);
                arena[po + i] = output(xa + xb);
            }
        }

        @Override
        public void scalar(byte[] arena, int n, int a, int b, int out) {
            int xa = scaled(aOff.source(arena)[aOff.offset() + a] + aOffset, aMult, aShift);
            byte[] sb = bOff.source(arena);
            int pb = bOff.offset() + b;
            int po = outOff + out;
            for (int i = 0; i < n; i++) {
                arena[po + i] = output(xa + scaled(sb[pb + i] + bOffset, bMult, bShift));
            }
        }

        /** The output byte of stored input bytes {@code sa} and {@code sb}. */
        byte element(int sa, int sb) {
            return output(scaled(sa + aOffset, aMult, aShift) + scaled(sb + bOffset, bMult, bShift));
        }

        /** {@code (q - z)·2^20} times a multiplier below one; |q - z| ≤ 255, so the shift cannot overflow. */
        private static int scaled(int centered, int mult, int shift) {
            return FixedPoint.roundingDivideByPOT(
                    FixedPoint.saturatingRoundingDoublingHighMul(centered * (1 << LEFT_SHIFT), mult), -shift);
        }

        private byte output(int sum) {
            int v = FixedPoint.roundingDivideByPOT(FixedPoint.saturatingRoundingDoublingHighMul(sum, outMult),
                    -outShift) + outZp;
            v = Math.max(actMin, Math.min(actMax, v));
            return (byte) (v - storeShift);
        }
    }

    /** Float32 kernel. */
    static final class FloatKernel implements Kernel, Broadcast.Passes {
        private final Broadcast plan;
        private final Operand aOff;
        private final Operand bOff;
        private final int outOff;
        private final float min;
        private final float max;

        FloatKernel(Broadcast plan, Operand aOff, Operand bOff, int outOff, float min, float max) {
            this.plan = plan;
            this.aOff = aOff;
            this.bOff = bOff;
            this.outOff = outOff;
            this.min = min;
            this.max = max;
        }

        @Override
        public void eval(byte[] arena) {
            plan.run(arena, this);
        }

        @Override
        public void elementwise(byte[] arena, int n, int a, int b, int out) {
            byte[] sa = aOff.source(arena);
            byte[] sb = bOff.source(arena);
            for (int i = 0; i < n; i++) {
                float v = ArenaFloats.getFloat(sa, aOff.offset() + 4 * (a + i))
                        + ArenaFloats.getFloat(sb, bOff.offset() + 4 * (b + i));
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), FloatClamp.apply(v, min, max));
            }
        }

        @Override
        public void scalar(byte[] arena, int n, int a, int b, int out) {
            float va = ArenaFloats.getFloat(aOff.source(arena), aOff.offset() + 4 * a);
            byte[] sb = bOff.source(arena);
            for (int i = 0; i < n; i++) {
                float v = va + ArenaFloats.getFloat(sb, bOff.offset() + 4 * (b + i));
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), FloatClamp.apply(v, min, max));
            }
        }
    }
}
