package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.ByteTable;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * HARD_SWISH: {@code out = x · relu6(x + 3) / 6}, elementwise; input and output have the same shape and type.
 *
 * <p>Quantized (uint8, int8; per-tensor): TFLite's 16-bit fixed-point scheme (HardSwishPrepare and
 * reference_ops::HardSwish; the builtin optimized kernel runs that reference loop on x86, its NEON block being
 * compiled only for real ARM). At prepare, in float: {@code hires = input_scale / 128},
 * {@code output_multiplier = hires / output_scale} and {@code reluish_multiplier = hires / (3 / 32768)}, each
 * through QuantizeMultiplier and then rounded to Q15 ({@code (m + 2^15) >> 16}, saturating at 32767); the
 * output exponent must be ≤ 0. Per element, all values int16:
 * <ol>
 *   <li>{@code v = (q - z_in) · 128};</li>
 *   <li>{@code pre = SRDHM16(v, M_out)};</li>
 *   <li>{@code r = v}, saturating left shift by {@code e_relu - 1} if {@code e_relu > 0}, {@code SRDHM16(r,
 *       M_relu)}, then a saturating left shift by 1 if {@code e_relu > 0}, or RoundingDivideByPOT by
 *       {@code -e_relu} if {@code e_relu < 0}: x on a scale where 3 is 32768 (saturated);</li>
 *   <li>{@code r = (r + 2^15) >> 1}, into [0, 1];</li>
 *   <li>{@code out = RoundingDivideByPOT(SaturatingDoublingHighMul16(r, pre), -e_out) + z_out} (int16
 *       wrap-around as in C++), clamped to the type.</li>
 * </ol>
 * The result depends only on the input byte, so prepare evaluates the rule for all 256 values into a table.
 *
 * <p>Float32: {@code x · min(6, max(0, x + 3)) / 6} in float (TFLite's reference formula).
 */
public final class HardSwish {
    private HardSwish() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", in.type());
        ctx.requireShape(out, "output", in.shape());
        int n = in.elementCount();
        if (in.type() == TensorType.FLOAT32) {
            return new FloatKernel(n, ctx.offset(in), ctx.offset(out));
        }
        ctx.requirePerTensor(in, "input");
        ctx.requirePerTensor(out, "output");
        float hires = (1.0f / 128.0f) * in.quantization().scale();
        float outputMultiplier = hires / out.quantization().scale();
        float reluishMultiplier = hires / (3.0f / 32768.0f);
        if (!(outputMultiplier > 0) || Float.isInfinite(outputMultiplier) || !(reluishMultiplier > 0)
                || Float.isInfinite(reluishMultiplier)) {
            throw ctx.fail("input scale " + in.quantization().scale() + " and output scale "
                    + out.quantization().scale() + " give no positive finite multipliers");
        }
        QuantizedMultiplier mo = QuantizedMultiplier.of(outputMultiplier);
        if (mo.shift() > 0) {
            throw ctx.fail("output multiplier " + outputMultiplier + " (input scale / 128 / output scale) is 1 or"
                    + " more; TFLite requires its exponent to be ≤ 0");
        }
        QuantizedMultiplier mr = QuantizedMultiplier.of(reluishMultiplier);
        Params p = new Params(in.quantization().zeroPoint(), out.quantization().zeroPoint(), toQ15(mr.multiplier()),
                mr.shift(), toQ15(mo.multiplier()), mo.shift());
        boolean uint8 = in.type() == TensorType.UINT8;
        int qmin = uint8 ? 0 : -128;
        int qmax = uint8 ? 255 : 127;
        int inShift = Quant8.shift(in);
        int outShift = Quant8.shift(out);
        byte[] table = new byte[256];
        for (int stored = -128; stored <= 127; stored++) {
            int q = quantized(p, stored + inShift, qmin, qmax);
            table[stored & 0xFF] = (byte) (q - outShift);
        }
        return new ByteTable(n, ctx.offset(in), ctx.offset(out), table);
    }

    /** HardSwishParams. */
    record Params(int inputZeroPoint, int outputZeroPoint, short reluishMultiplier, int reluishExponent,
                  short outputMultiplier, int outputExponent) {
    }

    /** DownScaleInt32ToInt16Multiplier: Q31 to Q15, rounding half up, saturating at 32767. */
    static short toQ15(int multiplier) {
        if (multiplier >= Integer.MAX_VALUE - (1 << 15)) {
            return Short.MAX_VALUE;
        }
        return (short) ((multiplier + (1 << 15)) >> 16);
    }

    /** reference_ops::HardSwish for one original-valued input {@code q}; returns the original-valued output. */
    static int quantized(Params p, int q, int qmin, int qmax) {
        short value = (short) (q - p.inputZeroPoint());
        short hires = (short) (value * (1 << 7));
        short preshift = Int16.srdhm(hires, p.outputMultiplier());
        short reluish = hires;
        if (p.reluishExponent() > 0) {
            reluish = Int16.saturatingLeftShift(reluish, p.reluishExponent() - 1);
        }
        reluish = Int16.srdhm(reluish, p.reluishMultiplier());
        if (p.reluishExponent() > 0) {
            reluish = Int16.saturatingLeftShift(reluish, 1);
        }
        if (p.reluishExponent() < 0) {
            reluish = Int16.roundingDivideByPOT(reluish, -p.reluishExponent());
        }
        reluish = (short) ((reluish + (1 << 15)) >> 1);
        short preshiftOutput = Int16.sdhm(reluish, preshift);
        short out = Int16.roundingDivideByPOT(preshiftOutput, -p.outputExponent());
        out = (short) (out + p.outputZeroPoint()); // int16 += int: wraps as C++ stores it
        return Math.max(qmin, Math.min(qmax, out));
    }

    /** gemmlowp's int16 fixed-point helpers and TFLite's two companions, on shorts exactly as in C++. */
    static final class Int16 {
        private Int16() {
        }

        /** SaturatingRoundingDoublingHighMul: (a·b + ±2^14) / 2^15, truncated. */
        static short srdhm(short a, short b) {
            if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) {
                return Short.MAX_VALUE;
            }
            int ab = a * b;
            int nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
            return (short) ((ab + nudge) / (1 << 15));
        }

        /** TFLite's SaturatingDoublingHighMul: a·b / 2^15 truncated, without rounding. */
        static short sdhm(short a, short b) {
            if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) {
                return Short.MAX_VALUE;
            }
            return (short) ((a * b) / (1 << 15));
        }

        /** gemmlowp RoundingDivideByPOT on int16: the mask is truncated to 16 bits, as in C++. */
        static short roundingDivideByPOT(short x, int exponent) {
            short mask = (short) ((1L << exponent) - 1);
            short remainder = (short) (x & mask);
            short threshold = (short) ((mask >> 1) + (x < 0 ? 1 : 0));
            return (short) ((x >> exponent) + (remainder > threshold ? 1 : 0));
        }

        /** TFLite's SaturatingLeftShift: value · 2^amount clamped to int16. */
        static short saturatingLeftShift(short value, int amount) {
            long r = (long) value * (1L << amount);
            return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
        }
    }

    /** Float32 kernel. */
    static final class FloatKernel implements Kernel {
        private final int n;
        private final int inOff;
        private final int outOff;

        FloatKernel(int n, int inOff, int outOff) {
            this.n = n;
            this.inOff = inOff;
            this.outOff = outOff;
        }

        @Override
        public void eval(byte[] arena) {
            for (int i = 0; i < n; i++) {
                float x = ArenaFloats.getFloat(arena, inOff + 4 * i);
                float shifted = x + 3f;
                float lo = 0f < shifted ? shifted : 0f; // std::max(0.0f, x + 3), then std::min(6.0f, ·)
                float r = lo < 6f ? lo : 6f;
                ArenaFloats.setFloat(arena, outOff + 4 * i, x * r / 6f);
            }
        }
    }
}
