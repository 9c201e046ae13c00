package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;

/**
 * ROUND (float32 only, as in TFLite): to the nearest integer, ties to even, computed as TFLite's RoundToNearest
 * does: {@code f = floor(x)}, {@code d = x - f}; {@code f} when {@code d < 0.5} or ({@code d == 0.5} and
 * {@code f} even), else {@code f + 1}. That gives {@code +0} (not {@code -0}) for {@code -0.5 <= x < 0}, unlike
 * {@code Math.rint}; NaN and infinities pass through.
 */
public final class Round {
    private Round() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32);
        ctx.requireType(out, "output", TensorType.FLOAT32);
        ctx.requireShape(out, "output", in.shape());
        return new RoundKernel(in.elementCount(), ctx.offset(in), ctx.offset(out));
    }

    /** TFLite's RoundToNearest on one value. */
    static float roundToNearest(float x) {
        float f = (float) Math.floor(x);
        float d = x - f;
        if (d < 0.5f || (d == 0.5f && CRound.truncate(f) % 2 == 0)) {
            return f;
        }
        return f + 1f;
    }

    record RoundKernel(int n, int inOff, int outOff) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            for (int i = 0; i < n; i++) {
                ArenaFloats.setFloat(arena, outOff + 4 * i, roundToNearest(ArenaFloats.getFloat(arena, inOff + 4 * i)));
            }
        }
    }
}
