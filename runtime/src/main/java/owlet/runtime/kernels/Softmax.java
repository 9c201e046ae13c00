package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;
import owlet.runtime.quant.Quant8;

/**
 * SOFTMAX over the last dimension: {@code out[r, j] = exp(beta·(x[r, j] - max_r)) / Σ_k exp(beta·(x[r, k] -
 * max_r))}, every row {@code r} (all leading dimensions flattened) independently. Input and output have the
 * same shape and type.
 *
 * <p>Quantized (uint8→uint8, int8→int8): TFLite 2.18's builtin (optimized) kernel, which is a float
 * table lookup, not the fixed-point reference kernel (the two differ; see shared/reference/README.md).
 * At prepare, in float: {@code table[255 - d] = expf(-inputScale·beta · d)} for {@code d = 0..255}. Per row,
 * on original values: {@code max}; {@code sum = Σ table[255 - max + x]} added in float left to right;
 * {@code inv = 1.0f / (sum · outputScale)}; {@code p = table[255 - max + x] · inv} in float; then uint8
 * {@code (int)(p + 0.5f)} (the x86 specialisation: a float add and truncation) and int8
 * {@code (int)roundf(p) - 128}, clamped to the type. The output must be quantized as TFLite requires:
 * scale 1/256 (within 0.1%) and zero point 0 (uint8) or -128 (int8). Stored and original values differ by a
 * constant, so {@code 255 - max + x} is the same in both.
 *
 * <p>C's {@code expf} (glibc) is not correctly rounded: for about 1 argument in 11,000 it is one ulp away
 * from {@code (float)StrictMath.exp}, which this class uses. The tables of the five shared models were
 * checked entry by entry against glibc 2.36's expf and agree. {@code StrictMath} rather than {@code Math}:
 * its result is specified bit for bit, so the table — and the output — is the same on every CPU.
 *
 * <p>Float32: {@code e = exp((x - max)·beta)} in float, {@code out = e · (1 / Σ e)}, the formula of TFLite's
 * optimized float kernel; TFLite evaluates it with Eigen's vectorized exp and sum, so float results may
 * differ from TFLite in the last bits.
 */
public final class Softmax {
    private Softmax() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        OperatorOptions.Softmax o = ctx.options(OperatorOptions.Softmax.class);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        if (in.rank() < 1) {
            throw ctx.fail("input " + in.describe() + " is a scalar; SOFTMAX needs at least one dimension");
        }
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", in.type());
        ctx.requireShape(out, "output", in.shape());
        int depth = in.dim(in.rank() - 1);
        int rows = depth == 0 ? 0 : in.elementCount() / depth;
        if (in.type() == TensorType.FLOAT32) {
            return new FloatKernel(rows, depth, ctx.offset(in), ctx.offset(out), o.beta());
        }
        ctx.requirePerTensor(in, "input");
        ctx.requirePerTensor(out, "output");
        int requiredZp = in.type() == TensorType.UINT8 ? 0 : -128;
        float outScale = out.quantization().scale();
        if (out.quantization().zeroPoint() != requiredZp || !(Math.abs(outScale - 1f / 256) <= 0.001f / 256)) {
            throw ctx.fail("output " + out.describe() + " is quantized with scale " + outScale + " and zero point "
                    + out.quantization().zeroPoint()
                    + "; TFLite's quantized SOFTMAX requires scale 1/256 and zero point " + requiredZp);
        }
        float scale = -in.quantization().scale() * o.beta();
        float[] table = new float[256];
        for (int d = 0; d <= 255; d++) {
            table[255 - d] = (float) StrictMath.exp(scale * d);
        }
        return new QuantizedKernel(rows, depth, ctx.offset(in), ctx.offset(out), table, outScale,
                in.type() == TensorType.UINT8);
    }

    /** 8-bit kernel; {@code table} indexed by {@code 255 - max + x}. */
    static final class QuantizedKernel implements Kernel {
        private final int rows;
        private final int depth;
        private final int inOff;
        private final int outOff;
        private final float[] table;
        private final float outScale;
        private final boolean uint8;

        QuantizedKernel(int rows, int depth, int inOff, int outOff, float[] table, float outScale, boolean uint8) {
            this.rows = rows;
            this.depth = depth;
            this.inOff = inOff;
            this.outOff = outOff;
            this.table = table;
            this.outScale = outScale;
            this.uint8 = uint8;
        }

        @Override
        public void eval(byte[] arena) {
            for (int r = 0; r < rows; r++) {
                int in = inOff + r * depth;
                int out = outOff + r * depth;
                int max = Byte.MIN_VALUE;
                for (int j = 0; j < depth; j++) {
                    max = Math.max(max, arena[in + j]);
                }
                int base = 255 - max;
                float sum = 0f;
                for (int j = 0; j < depth; j++) {
                    sum += table[base + arena[in + j]];
                }
                float inv = 1.0f / (sum * outScale);
                for (int j = 0; j < depth; j++) {
                    float p = table[base + arena[in + j]] * inv;
                    int q;
                    if (uint8) {
                        q = Math.min(255, Math.max(0, CRound.truncate(p + 0.5f))) - 128;
                    } else {
                        q = Math.min(127, Math.max(-128, Quant8.roundHalfAway(p) - 128));
                    }
                    arena[out + j] = (byte) q;
                }
            }
        }
    }

    /** Float32 kernel. */
    static final class FloatKernel implements Kernel {
        private final int rows;
        private final int depth;
        private final int inOff;
        private final int outOff;
        private final float beta;

        FloatKernel(int rows, int depth, int inOff, int outOff, float beta) {
            this.rows = rows;
            this.depth = depth;
            this.inOff = inOff;
            this.outOff = outOff;
            this.beta = beta;
        }

        @Override
        public void eval(byte[] arena) {
            for (int r = 0; r < rows; r++) {
                int in = inOff + 4 * r * depth;
                int out = outOff + 4 * r * depth;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < depth; j++) {
                    max = Math.max(max, ArenaFloats.getFloat(arena, in + 4 * j));
                }
                float sum = 0f;
                for (int j = 0; j < depth; j++) {
                    float e = (float) Math.exp((ArenaFloats.getFloat(arena, in + 4 * j) - max) * beta);
                    ArenaFloats.setFloat(arena, out + 4 * j, e);
                    sum += e;
                }
                float inv = 1f / sum;
                for (int j = 0; j < depth; j++) {
                    ArenaFloats.setFloat(arena, out + 4 * j, ArenaFloats.getFloat(arena, out + 4 * j) * inv);
                }
            }
        }
    }
}
