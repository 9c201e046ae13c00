package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * QUANTIZE, elementwise over any shape; output uint8 or int8, per-tensor.
 *
 * <p>Float32 input (TFLite's AffineQuantize): {@code clamp((int32_t)round((double)x / (double)scale) + zp)},
 * round half away from zero, the conversion as C's on x86 ({@link CRound}).
 *
 * <p>Quantized input (TFLite's Requantize, uint8/int8 to uint8/int8): {@code M = s_in / s_out} (double) as a
 * Q31 multiplier and shift, and per element {@code clamp(MultiplyByQuantizedMultiplier(x - z_in, M) + z_out)}
 * on original values. With equal scales ({@code M = 1}, e.g. uint8 to int8 with zero points 128 apart) the
 * multiply is exact and the op is a shift by the zero-point difference.
 */
public final class Quantize {
    private Quantize() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", TensorType.UINT8, TensorType.INT8);
        ctx.requireShape(out, "output", in.shape());
        ctx.requirePerTensor(out, "output");
        int n = in.elementCount();
        int outZp = out.quantization().zeroPoint();
        int min = out.type() == TensorType.UINT8 ? 0 : -128;
        int max = out.type() == TensorType.UINT8 ? 255 : 127;
        float outScale = out.quantization().scale();
        if (!(outScale > 0) || Float.isInfinite(outScale)) {
            throw ctx.fail("output " + out.describe() + " has scale " + outScale
                    + ", expected a positive finite scale");
        }
        if (in.type() == TensorType.FLOAT32) {
            return new FromFloat(n, ctx.offset(in), ctx.offset(out), outScale, outZp, min, max, Quant8.shift(out));
        }
        ctx.requirePerTensor(in, "input");
        QuantizedMultiplier m = QuantizedMultiplier.of((double) in.quantization().scale() / (double) outScale);
        return new Requantize(n, ctx.offset(in), ctx.offset(out), m.multiplier(), m.shift(),
                in.quantization().zeroPoint(), Quant8.shift(in), outZp, min, max, Quant8.shift(out));
    }

    /** Float32 to uint8/int8, split into ranges of elements. */
    record FromFloat(int n, int inOff, int outOff, double scale, int zp, int min, int max, int storeShift)
            implements PartitionedKernel {
        @Override
        public void eval(byte[] arena, int part, int parts) {
            int end = PartitionedKernel.begin(n, part + 1, parts);
            for (int i = PartitionedKernel.begin(n, part, parts); i < end; i++) {
                float x = ArenaFloats.getFloat(arena, inOff + 4 * i);
                int v = CRound.round(x / scale) + zp;
                arena[outOff + i] = (byte) (Math.max(min, Math.min(max, v)) - storeShift);
            }
        }
    }

    /**
     * uint8/int8 to uint8/int8, split into ranges of elements; {@code inShift}/{@code storeShift} map
     * stored to original values.
     */
    record Requantize(int n, int inOff, int outOff, int multiplier, int shift, int inZp, int inShift, int outZp,
                      int min, int max, int storeShift) implements PartitionedKernel {
        @Override
        public void eval(byte[] arena, int part, int parts) {
            int begin = PartitionedKernel.begin(n, part, parts);
            int end = PartitionedKernel.begin(n, part + 1, parts);
            if (multiplier == 1 << 30 && shift == 1) {
                // M = 1 exactly (equal scales): the multiply returns x, and the op adds the zero points'
                // difference (the int8 V2's input: measured faster, see BENCHMARKS.md, fourth round).
                int offset = inShift - inZp + outZp;
                for (int i = begin; i < end; i++) {
                    int v = arena[inOff + i] + offset;
                    arena[outOff + i] = (byte) (Math.max(min, Math.min(max, v)) - storeShift);
                }
                return;
            }
            for (int i = begin; i < end; i++) {
                int x = arena[inOff + i] + inShift - inZp;
                int v = FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift) + outZp;
                arena[outOff + i] = (byte) (Math.max(min, Math.min(max, v)) - storeShift);
            }
        }
    }
}
