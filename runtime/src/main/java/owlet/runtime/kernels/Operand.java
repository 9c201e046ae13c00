package owlet.runtime.kernels;

import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * Where a binary op reads one input: an activation in the arena, or a constant (TFLite allows constant
 * operands of ADD and MUL, such as the {@code +3} and {@code ·1/6} of a hard sigmoid). A constant is copied at
 * prepare into its own array in arena form (8-bit values shifted as {@link Quant8} describes, floats
 * little-endian), read at offset 0.
 */
record Operand(byte[] constant, int offset) {

    static Operand of(OpContext ctx, Tensor t) throws InvalidModelException {
        if (!t.isConstant()) {
            return new Operand(null, ctx.offset(t));
        }
        if (t.data().length != t.byteSize()) {
            throw ctx.fail("constant " + t.describe() + " holds " + t.data().length + " bytes, expected "
                    + t.byteSize());
        }
        byte[] data = t.type() == TensorType.FLOAT32 ? t.data().clone() : Quant8.storedBytes(t);
        return new Operand(data, 0);
    }

    /** The array to read from during eval. */
    byte[] source(byte[] arena) {
        return constant == null ? arena : constant;
    }
}
