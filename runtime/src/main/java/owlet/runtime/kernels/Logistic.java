package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.ByteTable;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;
import owlet.runtime.quant.Quant8;

/**
 * LOGISTIC (sigmoid): {@code out = 1 / (1 + exp(-x))}, elementwise; input and output have the same shape and
 * type.
 *
 * <p>Quantized (uint8, int8; per-tensor): TFLite 2.18's builtin (kGenericOptimized) kernel, a 256-entry
 * lookup table filled at prepare (PopulateLookupTable / LUTPopulate), not the fixed-point kernel. For every
 * original input value {@code q}, in float: {@code x = s_in · (q - z_in)}, {@code y = 1.0f / (1.0f + expf(-x))},
 * {@code r = roundf(y · (1 / s_out))}, then {@code (int)(r + z_out)} clamped to the type. The output must be
 * quantized as TFLite requires: scale exactly 1/256 and zero point 0 (uint8) or -128 (int8).
 *
 * <p>C's {@code expf} (glibc) is not correctly rounded, and this class uses {@code (float)StrictMath.exp} (the same bits on every CPU); as for
 * {@link Softmax}, a one-ulp difference could only change an entry whose {@code y · 256} lies within an ulp
 * of a rounding boundary.
 *
 * <p>Float32: {@code 1 / (1 + exp(-x))} in float. TFLite evaluates it with Eigen's logistic approximation, so
 * float results may differ from TFLite in the last bits.
 */
public final class Logistic {
    private Logistic() {
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
        boolean uint8 = in.type() == TensorType.UINT8;
        int requiredZp = uint8 ? 0 : -128;
        float outScale = out.quantization().scale();
        if (outScale != 1f / 256 || out.quantization().zeroPoint() != requiredZp) {
            throw ctx.fail("output " + out.describe() + " is quantized with scale " + outScale + " and zero point "
                    + out.quantization().zeroPoint()
                    + "; TFLite's quantized LOGISTIC requires scale 1/256 and zero point " + requiredZp);
        }
        float inScale = in.quantization().scale();
        int inZp = in.quantization().zeroPoint();
        int qmin = uint8 ? 0 : -128;
        int qmax = uint8 ? 255 : 127;
        float inverseScale = 1 / outScale;
        int inShift = Quant8.shift(in);
        int outShift = Quant8.shift(out);
        byte[] table = new byte[256];
        for (int q = qmin; q <= qmax; q++) {
            float x = inScale * (q - inZp);
            float y = 1.0f / (1.0f + (float) StrictMath.exp(-x));
            float r = (float) Quant8.roundHalfAway((double) (y * inverseScale));
            int v = CRound.truncate(r + requiredZp);
            v = Math.max(qmin, Math.min(qmax, v));
            table[(q - inShift) & 0xFF] = (byte) (v - outShift);
        }
        return new ByteTable(n, ctx.offset(in), ctx.offset(out), table);
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
                ArenaFloats.setFloat(arena, outOff + 4 * i, 1.0f / (1.0f + (float) Math.exp(-x)));
            }
        }
    }
}
