package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.ByteTable;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.Quant8;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * RELU, RELU6 and RELU_N1_TO_1 as operators of their own (TFLite's ReluX family): {@code out = clamp(x)} to
 * {@code [0, ∞)}, {@code [0, 6]} or {@code [-1, 1]}; input and output have the same shape and type.
 *
 * <p>Quantized (uint8, int8; per-tensor): TFLite requantizes from the input's scale to the output's. At prepare,
 * the multiplier {@code s_in / s_out} divided in float, then widened, through QuantizeMultiplier
 * ({@link QuantizedMultiplier}); the clamp range is {@code z_out + roundf(bound / s_out)} (bound in float, ties
 * away from zero) intersected with the type's range, the upper end the type's maximum for RELU. Per element:
 * {@code clamp(z_out + MultiplyByQuantizedMultiplier(q - z_in, M, e))}. The output depends only on the input
 * byte, so the 256 results are computed at prepare and each element is a lookup ({@link ByteTable}).
 *
 * <p>Float32, as TFLite's float kernels compare: RELU {@code x < 0 ? 0 : x}; RELU6 {@code min(max(0, x), 6)}
 * with {@code std::max(0, x)} = {@code 0 < x ? x : 0}; RELU_N1_TO_1 {@code x > 1 ? 1 : x < -1 ? -1 : x}. They
 * differ only on {@code -0} and NaN.
 */
public final class Relu {
    private Relu() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", in.type());
        ctx.requireShape(out, "output", in.shape());
        BuiltinOp op = ctx.op().op();
        int n = in.elementCount();
        if (in.type() == TensorType.FLOAT32) {
            return new FloatKernel(n, ctx.offset(in), ctx.offset(out), op);
        }
        ctx.requirePerTensor(in, "input");
        ctx.requirePerTensor(out, "output");
        Activation bounds = switch (op) {
            case RELU -> Activation.RELU;
            case RELU6 -> Activation.RELU6;
            default -> Activation.RELU_N1_TO_1;
        };
        int[] range = Quant8.activationRange(ctx, bounds, out);
        float real = in.quantization().scale() / out.quantization().scale();
        if (!(real > 0) || Float.isInfinite(real)) {
            throw ctx.fail("input/output scale ratio " + real + " is not positive and finite");
        }
        QuantizedMultiplier m = QuantizedMultiplier.of(real);
        int inShift = Quant8.shift(in);
        int inZp = in.quantization().zeroPoint();
        int outZp = out.quantization().zeroPoint();
        int outShift = Quant8.shift(out);
        byte[] table = new byte[256];
        for (int stored = -128; stored < 128; stored++) {
            int q = stored + inShift;
            int v = outZp + FixedPoint.multiplyByQuantizedMultiplier(q - inZp, m.multiplier(), m.shift()) - outShift;
            v = Math.max(range[0], Math.min(range[1], v));
            table[stored & 0xFF] = (byte) v;
        }
        return new ByteTable(n, ctx.offset(in), ctx.offset(out), table);
    }

    /** Float32 kernel. */
    record FloatKernel(int n, int inOff, int outOff, BuiltinOp op) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            switch (op) {
                case RELU -> {
                    for (int i = 0; i < n; i++) {
                        float x = ArenaFloats.getFloat(arena, inOff + 4 * i);
                        ArenaFloats.setFloat(arena, outOff + 4 * i, x < 0f ? 0f : x);
                    }
                }
                case RELU6 -> {
                    for (int i = 0; i < n; i++) {
                        float x = ArenaFloats.getFloat(arena, inOff + 4 * i);
                        float t = 0f < x ? x : 0f;
                        ArenaFloats.setFloat(arena, outOff + 4 * i, 6f < t ? 6f : t);
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        float x = ArenaFloats.getFloat(arena, inOff + 4 * i);
                        ArenaFloats.setFloat(arena, outOff + 4 * i, x > 1f ? 1f : x < -1f ? -1f : x);
                    }
                }
            }
        }
    }
}
