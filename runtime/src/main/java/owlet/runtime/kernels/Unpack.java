package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * UNPACK: the inverse of {@link Pack}, splitting the input along {@code axis} (negative counts from the end)
 * into {@code num} outputs, one per index of that dimension, each with the dimension removed. {@code num} must
 * equal the dimension and the operator's output count. Float32, int32, uint8, int8; 8-bit outputs must be
 * quantized as the input.
 */
public final class Unpack {
    private Unpack() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        OperatorOptions.Unpack o = ctx.options(OperatorOptions.Unpack.class);
        int outputs = ctx.op().outputs().length;
        ctx.requireArity(1, 1, outputs);
        Tensor in = ctx.input(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.INT32, TensorType.UINT8, TensorType.INT8);
        int rank = in.rank();
        int axis = o.axis() < 0 ? o.axis() + rank : o.axis();
        if (axis < 0 || axis >= rank) {
            throw ctx.fail("axis " + o.axis() + " is out of range for input rank " + rank);
        }
        int n = in.dim(axis);
        if (o.num() != n || outputs != n) {
            throw ctx.fail("num " + o.num() + " and the " + outputs + " outputs must both equal dimension " + axis
                    + " of the input " + Arrays.toString(in.shape()));
        }
        int[] shape = new int[rank - 1];
        for (int d = 0, s = 0; d < rank; d++) {
            if (d != axis) {
                shape[s++] = in.dim(d);
            }
        }
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= in.dim(d);
        }
        int block = in.byteSize() / Math.max(outer * n, 1);
        int inOff = ctx.offset(in);
        int[] from = new int[n];
        int[] fromStep = new int[n];
        int[] to = new int[n];
        int[] toStep = new int[n];
        int[] bytes = new int[n];
        for (int i = 0; i < n; i++) {
            Tensor t = ctx.output(i);
            String role = "output " + i;
            ctx.requireType(t, role, in.type());
            ctx.requireShape(t, role, shape);
            SameQuantization.require(ctx, in, "the input", t, role);
            from[i] = inOff + i * block;
            fromStep[i] = n * block;
            to[i] = ctx.offset(t);
            toStep[i] = block;
            bytes[i] = block;
        }
        return new SlabCopy(outer, from, fromStep, to, toStep, bytes);
    }
}
