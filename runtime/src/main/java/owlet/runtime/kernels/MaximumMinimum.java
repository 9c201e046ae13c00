package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Broadcast;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * MAXIMUM and MINIMUM: {@code out = in1 > in2 ? in1 : in2} (MAXIMUM) or {@code in1 < in2 ? in1 : in2}
 * (MINIMUM), elementwise, with the broadcasting of {@link Add} (see {@link Broadcast}); inputs and output
 * share one type; either input may be a constant.
 *
 * <p>8-bit (uint8, int8): TFLite compares and copies the raw values without looking at the quantization, and so
 * does this class (the arena's uint8 → int8 shift keeps the order). Float32: the same comparison in the
 * model's operand order, which decides the result for {@code ±0} and NaN ({@code max(-0, +0)} is {@code +0},
 * {@code max(NaN, x)} is {@code x}, {@code max(x, NaN)} is NaN), where Java's {@code Math.max} would differ.
 */
public final class MaximumMinimum {
    private MaximumMinimum() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(2, 2, 1);
        Tensor in1 = ctx.input(0);
        Tensor in2 = ctx.input(1);
        Tensor out = ctx.output(0);
        ctx.requireType(in1, "input 1", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(in2, "input 2", in1.type());
        ctx.requireType(out, "output", in1.type());
        Broadcast plan = Broadcast.of(ctx, in1.shape(), in2.shape());
        ctx.requireShape(out, "output", plan.outShape());
        Operand a = Operand.of(ctx, plan.swapped() ? in2 : in1);
        Operand b = Operand.of(ctx, plan.swapped() ? in1 : in2);
        boolean maximum = ctx.op().op() == BuiltinOp.MAXIMUM;
        int outOff = ctx.offset(out);
        return in1.type() == TensorType.FLOAT32
                ? new FloatKernel(plan, a, b, outOff, plan.swapped(), maximum)
                : new ByteKernel(plan, a, b, outOff, maximum);
    }

    /** 8-bit kernel: the comparison is symmetric on integers, so the roles' order does not matter. */
    record ByteKernel(Broadcast plan, Operand a, Operand b, int outOff, boolean maximum)
            implements Kernel, Broadcast.Passes {
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
                byte x = sa[pa + i];
                byte y = sb[pb + i];
                arena[po + i] = maximum == x > y ? x : y;
            }
        }

        @Override
        public void scalar(byte[] arena, int n, int ia, int ib, int out) {
            byte x = a.source(arena)[a.offset() + ia];
            byte[] sb = b.source(arena);
            int pb = b.offset() + ib;
            int po = outOff + out;
            for (int i = 0; i < n; i++) {
                byte y = sb[pb + i];
                arena[po + i] = maximum == x > y ? x : y;
            }
        }
    }

    /** Float32 kernel; {@code swapped} when role {@code a} is the model's second input. */
    record FloatKernel(Broadcast plan, Operand a, Operand b, int outOff, boolean swapped, boolean maximum)
            implements Kernel, Broadcast.Passes {
        @Override
        public void eval(byte[] arena) {
            plan.run(arena, this);
        }

        @Override
        public void elementwise(byte[] arena, int n, int ia, int ib, int out) {
            byte[] sa = a.source(arena);
            byte[] sb = b.source(arena);
            for (int i = 0; i < n; i++) {
                float x = ArenaFloats.getFloat(sa, a.offset() + 4 * (ia + i));
                float y = ArenaFloats.getFloat(sb, b.offset() + 4 * (ib + i));
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), swapped ? pick(y, x) : pick(x, y));
            }
        }

        @Override
        public void scalar(byte[] arena, int n, int ia, int ib, int out) {
            float x = ArenaFloats.getFloat(a.source(arena), a.offset() + 4 * ia);
            byte[] sb = b.source(arena);
            for (int i = 0; i < n; i++) {
                float y = ArenaFloats.getFloat(sb, b.offset() + 4 * (ib + i));
                ArenaFloats.setFloat(arena, outOff + 4 * (out + i), swapped ? pick(y, x) : pick(x, y));
            }
        }

        /** TFLite's MaximumOp / MinimumOp on (input 1, input 2). */
        private float pick(float el1, float el2) {
            return maximum ? (el1 > el2 ? el1 : el2) : (el1 < el2 ? el1 : el2);
        }
    }
}
