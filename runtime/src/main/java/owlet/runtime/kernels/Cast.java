package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * CAST: each element converted to the output's type as C++'s {@code static_cast} does on x86-64, the
 * quantization of either side ignored (TFLite converts the stored values, it does not dequantize). Input and
 * output have the same shape. The pairs supported:
 * <ul>
 * <li>float32 → int32: TFLite's saturating conversion: truncation toward zero for values up to the largest
 *     float below 2^31, {@code Integer.MAX_VALUE} above it and for NaN ({@code a <= max} is false),
 *     {@code Integer.MIN_VALUE} below -2^31;</li>
 * <li>int32, uint8, int8 → float32: the nearest float (exact for 8-bit values);</li>
 * <li>uint8, int8 → int32: the value; int32 → uint8, int8: the low byte;</li>
 * <li>uint8 ↔ int8: the same byte reinterpreted (200 ↔ -56).</li>
 * </ul>
 * The options' {@code in_data_type} and {@code out_data_type}, when set, must name the tensors' types.
 */
public final class Cast {
    private Cast() {
    }

    enum Pair { FLOAT_TO_INT32, INT32_TO_FLOAT, BYTE_TO_FLOAT, BYTE_TO_INT32, INT32_TO_BYTE, BYTE_TO_BYTE }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireShape(out, "output", in.shape());
        OperatorOptions.Cast o = ctx.options(OperatorOptions.Cast.class);
        if (o.inDataType() != 0 && o.inDataType() != in.type().code()) {
            throw ctx.fail("in_data_type " + o.inDataType() + " is not the input's type " + in.type() + " ("
                    + in.type().code() + ")");
        }
        if (o.outDataType() != 0 && o.outDataType() != out.type().code()) {
            throw ctx.fail("out_data_type " + o.outDataType() + " is not the output's type " + out.type() + " ("
                    + out.type().code() + ")");
        }
        TensorType from = in.type();
        TensorType to = out.type();
        Pair pair = null;
        if (from == TensorType.FLOAT32 && to == TensorType.INT32) {
            pair = Pair.FLOAT_TO_INT32;
        } else if (from == TensorType.INT32 && to == TensorType.FLOAT32) {
            pair = Pair.INT32_TO_FLOAT;
        } else if (from.isQuantized8() && to == TensorType.FLOAT32) {
            pair = Pair.BYTE_TO_FLOAT;
        } else if (from.isQuantized8() && to == TensorType.INT32) {
            pair = Pair.BYTE_TO_INT32;
        } else if (from == TensorType.INT32 && to.isQuantized8()) {
            pair = Pair.INT32_TO_BYTE;
        } else if (from.isQuantized8() && to.isQuantized8()) {
            pair = Pair.BYTE_TO_BYTE;
        }
        if (pair == null) {
            throw ctx.fail("casting " + from + " to " + to + " is not supported (supported: float32 ↔ int32,"
                    + " uint8/int8 → float32 and int32, int32 → uint8/int8, uint8 ↔ int8)");
        }
        return new CastKernel(pair, in.elementCount(), ctx.offset(in), ctx.offset(out), Quant8.shift(in),
                Quant8.shift(out));
    }

    /** The largest float below 2^31. */
    private static final float MAX_INT_FLOAT = Math.nextDown(2147483648f);

    /** TFLite's float → int32 copyCast: {@code a <= max ? (int32) std::max(a, (float) INT_MIN) : INT_MAX}. */
    static int toInt32(float a) {
        if (!(a <= MAX_INT_FLOAT)) {
            return Integer.MAX_VALUE;
        }
        return (int) (a < -2147483648f ? -2147483648f : a);
    }

    /**
     * One conversion over {@code n} elements; 8-bit values are read and written in the arena's stored form,
     * {@code inShift} and {@code outShift} (128 for uint8) turning them into original values and back.
     */
    record CastKernel(Pair pair, int n, int inOff, int outOff, int inShift, int outShift) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            switch (pair) {
                case FLOAT_TO_INT32 -> {
                    for (int i = 0; i < n; i++) {
                        ArenaFloats.setInt(arena, outOff + 4 * i, toInt32(ArenaFloats.getFloat(arena, inOff + 4 * i)));
                    }
                }
                case INT32_TO_FLOAT -> {
                    for (int i = 0; i < n; i++) {
                        ArenaFloats.setFloat(arena, outOff + 4 * i, (float) ArenaFloats.getInt(arena, inOff + 4 * i));
                    }
                }
                case BYTE_TO_FLOAT -> {
                    for (int i = 0; i < n; i++) {
                        ArenaFloats.setFloat(arena, outOff + 4 * i, (float) (arena[inOff + i] + inShift));
                    }
                }
                case BYTE_TO_INT32 -> {
                    for (int i = 0; i < n; i++) {
                        ArenaFloats.setInt(arena, outOff + 4 * i, arena[inOff + i] + inShift);
                    }
                }
                case INT32_TO_BYTE -> {
                    for (int i = 0; i < n; i++) {
                        arena[outOff + i] = (byte) (ArenaFloats.getInt(arena, inOff + 4 * i) - outShift);
                    }
                }
                case BYTE_TO_BYTE -> {
                    for (int i = 0; i < n; i++) {
                        arena[outOff + i] = (byte) (arena[inOff + i] + inShift - outShift);
                    }
                }
            }
        }
    }
}
