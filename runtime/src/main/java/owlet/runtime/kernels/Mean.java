package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * MEAN over the axes listed by a constant int32 second input (negative axes count from the end, repeats are
 * ignored); keep_dims keeps the reduced dimensions as 1, otherwise they are dropped. Any rank, row-major.
 *
 * <p>Quantized (uint8, int8; per-tensor), TFLite 2.18's builtin (kGenericOptimized) paths, on original
 * values:
 * <ul>
 *   <li>keep_dims, rank 4, axis input exactly {@code [1, 2]} or {@code [2, 1]} (global average pooling):
 *       {@code optimized_integer_ops::Mean} / {@code optimized_ops::Mean}. At prepare, in float:
 *       {@code t = z_in · s_in / s_out}, {@code bias = z_out - (int)(t ± 0.5f)} (sign of t);
 *       {@code M = QuantizeMultiplier(s_in / ((float)(H·W) · s_out))}. Per channel
 *       {@code clamp(MultiplyByQuantizedMultiplier(Σ_{h,w} x, M) + bias)}, the sum over raw values (not
 *       centred), the multiply rounding as the scalar code does. (TFLite's NEON variant of this loop rounds
 *       ties up instead; with it 19 of the 104 tf2_mobilenet_v2_1.0_224_ptq golden rows differ, with the
 *       scalar rule none do.)</li>
 *   <li>every other axis set, and keep_dims false: {@code reference_ops::QuantizedMeanOrSum}.
 *       {@code (M, e) = QuantizeMultiplier(s_in / s_out)} in double; with {@code n} elements per output,
 *       {@code k = min(floor(log2 n), 32, 31 + e)}, {@code M' = (M << k) / n} (integer division),
 *       {@code e' = e - k}; per output {@code clamp(MBQM(Σ x - z_in · n, M', e') + z_out)}.</li>
 * </ul>
 *
 * <p>Float32: the sum in input order, divided by {@code (float) n}. (TFLite sums the last axis alone with
 * Eigen's vectorized reduction, whose order can change the last bits.)
 */
public final class Mean {
    private Mean() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(2, 2, 1);
        OperatorOptions.Reducer o = ctx.options(OperatorOptions.Reducer.class);
        Tensor in = ctx.input(0);
        Tensor axisTensor = ctx.input(1);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", in.type());
        ctx.requireType(axisTensor, "axis", TensorType.INT32);
        ctx.requireConstant(axisTensor, "axis");
        int[] axes = Quant8.int32s(axisTensor);
        int rank = in.rank();
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            int r = a < 0 ? a + rank : a;
            if (r < 0 || r >= rank) {
                throw ctx.fail("axis " + a + " is out of range for input rank " + rank);
            }
            reduced[r] = true;
        }
        int[] expected = outputShape(in.shape(), reduced, o.keepDims());
        ctx.requireShape(out, "output", expected);

        int[] strides = new int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= in.dim(d);
        }
        int[] bases = offsets(in.shape(), strides, reduced, false);
        int[] within = offsets(in.shape(), strides, reduced, true);
        int inOff = ctx.offset(in);
        int outOff = ctx.offset(out);
        int n = within.length;

        if (in.type() == TensorType.FLOAT32) {
            return new FloatKernel(inOff, outOff, bases, within);
        }
        ctx.requirePerTensor(in, "input");
        ctx.requirePerTensor(out, "output");
        boolean uint8 = in.type() == TensorType.UINT8;
        int min = uint8 ? 0 : -128;
        int max = uint8 ? 255 : 127;
        int shift = Quant8.shift(in);
        float inScale = in.quantization().scale();
        float outScale = out.quantization().scale();
        int inZp = in.quantization().zeroPoint();
        int outZp = out.quantization().zeroPoint();
        if (in.elementCount() == 0) {
            // TFLite fills the output with the type's quiet NaN, which is 0 for integer types.
            return new Fill(outOff, out.elementCount(), (byte) -shift);
        }

        boolean globalPool = o.keepDims() && rank == 4 && axes.length == 2
                && ((axes[0] == 1 && axes[1] == 2) || (axes[0] == 2 && axes[1] == 1));
        if (globalPool) {
            float t = inZp * inScale / outScale;
            t = t > 0 ? t + 0.5f : t - 0.5f;
            int bias = outZp - CRound.truncate(t);
            float count = in.dim(1) * in.dim(2);
            float realScale = inScale / (count * outScale);
            QuantizedMultiplier m = QuantizedMultiplier.of(realScale);
            return new GlobalPoolKernel(in.dim(0), in.dim(1) * in.dim(2), in.dim(3), inOff, outOff, m.multiplier(),
                    m.shift(), bias, min, max, shift);
        }
        QuantizedMultiplier m = QuantizedMultiplier.of((double) inScale / (double) outScale);
        int k = Math.min(Math.min(63 - Long.numberOfLeadingZeros(n), 32), 31 + m.shift());
        int multiplier = (int) (((long) m.multiplier() << k) / n);
        return new GenericKernel(inOff, outOff, bases, within, multiplier, m.shift() - k, inZp, outZp, min, max,
                shift);
    }

    private static int[] outputShape(int[] shape, boolean[] reduced, boolean keepDims) {
        int[] out = new int[shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                out[r++] = shape[d];
            } else if (keepDims) {
                out[r++] = 1;
            }
        }
        return Arrays.copyOf(out, r);
    }

    /**
     * Element offsets, in row-major order, over the reduced dimensions ({@code ofReduced}) or over the kept
     * ones: each output's first input element, and each reduced element relative to it.
     */
    private static int[] offsets(int[] shape, int[] strides, boolean[] reduced, boolean ofReduced) {
        int count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d] == ofReduced) {
                count *= shape[d];
            }
        }
        int[] result = new int[count];
        int[] index = new int[shape.length];
        for (int i = 0; i < count; i++) {
            int off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += index[d] * strides[d];
            }
            result[i] = off;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (reduced[d] != ofReduced) {
                    continue;
                }
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return result;
    }

    /** Global average pooling of NHWC ({@code hw = H·W}), TFLite's optimized 8-bit kernel. */
    record GlobalPoolKernel(int batches, int hw, int channels, int inOff, int outOff, int multiplier, int shift,
                            int bias, int min, int max, int inShift) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            for (int b = 0; b < batches; b++) {
                int in = inOff + b * hw * channels;
                int out = outOff + b * channels;
                for (int c = 0; c < channels; c++) {
                    int acc = 0;
                    for (int p = 0; p < hw; p++) {
                        acc += arena[in + p * channels + c] + inShift;
                    }
                    int v = FixedPoint.multiplyByQuantizedMultiplier(acc, multiplier, shift) + bias;
                    v = Math.max(min, Math.min(max, v));
                    arena[out + c] = (byte) (v - inShift);
                }
            }
        }
    }

    /** TFLite's reference QuantizedMeanOrSum (mean), the multiplier already divided by {@code n}. */
    record GenericKernel(int inOff, int outOff, int[] bases, int[] within, int multiplier, int shift, int inZp,
                         int outZp, int min, int max, int inShift) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            long centre = (long) inZp * within.length;
            for (int o = 0; o < bases.length; o++) {
                int base = inOff + bases[o];
                int sum = 0;
                for (int off : within) {
                    sum += arena[base + off] + inShift;
                }
                int v = FixedPoint.multiplyByQuantizedMultiplier((int) (sum - centre), multiplier, shift) + outZp;
                arena[outOff + o] = (byte) (Math.max(min, Math.min(max, v)) - inShift);
            }
        }
    }

    /** Float32: sum in input order, then divide. */
    record FloatKernel(int inOff, int outOff, int[] bases, int[] within) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            float count = within.length;
            for (int o = 0; o < bases.length; o++) {
                int base = inOff + 4 * bases[o];
                float sum = 0f;
                for (int off : within) {
                    sum += ArenaFloats.getFloat(arena, base + 4 * off);
                }
                ArenaFloats.setFloat(arena, outOff + 4 * o, sum / count);
            }
        }
    }

    /** Empty input: TFLite writes its "NaN" (0 for integers) to every output element. */
    record Fill(int outOff, int count, byte value) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            Arrays.fill(arena, outOff, outOff + count, value);
        }
    }
}
