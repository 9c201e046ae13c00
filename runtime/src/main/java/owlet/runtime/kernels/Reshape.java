package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;

/**
 * RESHAPE and SQUEEZE: the output holds the input's elements unchanged, in the same row-major order, under
 * the output tensor's shape (which the model file records; a RESHAPE's shape input or new_shape option and a
 * SQUEEZE's squeeze_dims only ever produce that shape). Any type; input and output must have the same type
 * and element count. Quantization parameters are not checked: TFLite copies the bytes whatever they are.
 *
 * <p>Eval is one {@code System.arraycopy}, or nothing when the arena planner placed both tensors at the same
 * offset.
 */
public final class Reshape {
    private Reshape() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 2, 1);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(out, "output", in.type());
        if (in.elementCount() != out.elementCount()) {
            throw ctx.fail("input " + in.describe() + " has " + in.elementCount() + " elements but output "
                    + out.describe() + " has " + out.elementCount() + " (shapes " + Arrays.toString(in.shape())
                    + " and " + Arrays.toString(out.shape()) + ")");
        }
        int from = ctx.offset(in);
        int to = ctx.offset(out);
        int bytes = in.byteSize();
        if (from == to || bytes == 0) {
            return arena -> { };
        }
        return new Copy(from, to, bytes);
    }

    /** Copies {@code bytes} bytes within the arena. */
    record Copy(int from, int to, int bytes) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            System.arraycopy(arena, from, arena, to, bytes);
        }
    }
}
