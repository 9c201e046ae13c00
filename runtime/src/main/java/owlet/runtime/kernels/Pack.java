package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * PACK: stacks {@code values_count} inputs of one shape and type along a new dimension {@code axis}
 * (negative counts from the end of the output's rank, {@code rank(input) + 1}). The output's shape is the inputs'
 * with {@code values_count} inserted at {@code axis}; for each index of the dimensions before {@code axis} it
 * holds input 0's block, input 1's, and so on. Float32, int32, uint8, int8; 8-bit inputs must be quantized as
 * the output (no rescaling, as in TFLite).
 */
public final class Pack {
    private Pack() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        OperatorOptions.Pack o = ctx.options(OperatorOptions.Pack.class);
        int n = ctx.inputCount();
        if (o.valuesCount() != n || n < 1) {
            throw ctx.fail("values_count " + o.valuesCount() + " does not match the " + n + " inputs");
        }
        ctx.requireArity(n, n, 1);
        Tensor first = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(first, "input 0", TensorType.FLOAT32, TensorType.INT32, TensorType.UINT8, TensorType.INT8);
        int rank = first.rank();
        int axis = o.axis() < 0 ? o.axis() + rank + 1 : o.axis();
        if (axis < 0 || axis > rank) {
            throw ctx.fail("axis " + o.axis() + " is out of range for inputs of rank " + rank);
        }
        int[] shape = new int[rank + 1];
        for (int d = 0, s = 0; d <= rank; d++) {
            shape[d] = d == axis ? n : first.dim(s++);
        }
        ctx.requireType(out, "output", first.type());
        ctx.requireShape(out, "output", shape);
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= first.dim(d);
        }
        int block = first.byteSize() / Math.max(outer, 1);
        int outOff = ctx.offset(out);
        int[] from = new int[n];
        int[] fromStep = new int[n];
        int[] to = new int[n];
        int[] toStep = new int[n];
        int[] bytes = new int[n];
        for (int i = 0; i < n; i++) {
            Tensor t = ctx.input(i);
            String role = "input " + i;
            ctx.requireType(t, role, first.type());
            if (!Arrays.equals(t.shape(), first.shape())) {
                throw ctx.fail(role + " " + t.describe() + " has shape " + Arrays.toString(t.shape())
                        + ", unlike input 0 " + Arrays.toString(first.shape()));
            }
            SameQuantization.require(ctx, t, role, out, "output");
            from[i] = ctx.offset(t);
            fromStep[i] = block;
            to[i] = outOff + i * block;
            toStep[i] = n * block;
            bytes[i] = block;
        }
        return new SlabCopy(outer, from, fromStep, to, toStep, bytes);
    }
}
