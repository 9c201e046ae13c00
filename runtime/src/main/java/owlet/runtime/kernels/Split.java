package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * SPLIT and SPLIT_V: cut the input along {@code axis} into consecutive pieces, one per output. SPLIT's inputs
 * are {@code (axis, input)} and it makes {@code num_splits} equal pieces; SPLIT_V's are
 * {@code (input, size_splits, axis)}, with one size per output of which at most one may be -1 (the rest of the
 * dimension). {@code axis} (a scalar) and {@code size_splits} must be int32 constants; a negative axis counts
 * from the end. {@code num_splits} must equal the number of outputs. Float32, int32, uint8, int8; 8-bit outputs
 * must be quantized as the input.
 */
public final class Split {
    private Split() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        OperatorOptions.Split o = ctx.options(OperatorOptions.Split.class);
        boolean v = ctx.op().op() == BuiltinOp.SPLIT_V;
        int n = ctx.op().outputs().length;
        ctx.requireArity(v ? 3 : 2, v ? 3 : 2, n);
        if (o.numSplits() != n || n < 1) {
            throw ctx.fail("num_splits " + o.numSplits() + " does not match the " + n + " outputs");
        }
        Tensor in = ctx.input(v ? 0 : 1);
        Tensor axisTensor = ctx.input(v ? 2 : 0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.INT32, TensorType.UINT8, TensorType.INT8);
        int rank = in.rank();
        int[] axisValue = constantInts(ctx, axisTensor, "axis");
        if (axisValue.length != 1) {
            throw ctx.fail("axis " + axisTensor.describe() + " must hold one value, holds " + axisValue.length);
        }
        int axis = axisValue[0] < 0 ? axisValue[0] + rank : axisValue[0];
        if (axis < 0 || axis >= rank) {
            throw ctx.fail("axis " + axisValue[0] + " is out of range for input rank " + rank);
        }
        int dim = in.dim(axis);
        int[] sizes = v ? splitSizes(ctx, ctx.input(1), n, dim) : equalSizes(ctx, n, dim);
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= in.dim(d);
        }
        int inner = in.type().bytes();
        for (int d = axis + 1; d < rank; d++) {
            inner *= in.dim(d);
        }
        int inOff = ctx.offset(in);
        int[] from = new int[n];
        int[] fromStep = new int[n];
        int[] to = new int[n];
        int[] toStep = new int[n];
        int[] bytes = new int[n];
        int start = 0;
        for (int i = 0; i < n; i++) {
            Tensor t = ctx.output(i);
            String role = "output " + i;
            int[] shape = in.shape().clone();
            shape[axis] = sizes[i];
            ctx.requireType(t, role, in.type());
            ctx.requireShape(t, role, shape);
            SameQuantization.require(ctx, in, "the input", t, role);
            from[i] = inOff + start * inner;
            fromStep[i] = dim * inner;
            to[i] = ctx.offset(t);
            toStep[i] = sizes[i] * inner;
            bytes[i] = sizes[i] * inner;
            start += sizes[i];
        }
        return new SlabCopy(outer, from, fromStep, to, toStep, bytes);
    }

    private static int[] equalSizes(OpContext ctx, int n, int dim) throws InvalidModelException {
        if (dim % n != 0) {
            throw ctx.fail("dimension " + dim + " along the axis does not divide into num_splits " + n);
        }
        int[] sizes = new int[n];
        Arrays.fill(sizes, dim / n);
        return sizes;
    }

    private static int[] splitSizes(OpContext ctx, Tensor t, int n, int dim) throws InvalidModelException {
        int[] sizes = constantInts(ctx, t, "size_splits");
        if (t.rank() != 1 || sizes.length != n) {
            throw ctx.fail("size_splits " + t.describe() + " must be a vector of " + n + " sizes (one per output)");
        }
        int inferred = -1;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (sizes[i] == -1 && inferred < 0) {
                inferred = i;
            } else if (sizes[i] < 0) {
                throw ctx.fail("size_splits[" + i + "] = " + sizes[i]
                        + " is negative (only one size may be -1, meaning the rest)");
            } else {
                sum += sizes[i];
            }
        }
        if (inferred >= 0 && sum <= dim) {
            sizes = sizes.clone();
            sizes[inferred] = (int) (dim - sum);
            sum = dim;
        }
        if (sum != dim) {
            throw ctx.fail("size_splits " + Arrays.toString(sizes) + " add up to " + sum
                    + ", not the dimension " + dim + " along the axis");
        }
        return sizes;
    }

    /** An int32 constant's values. */
    static int[] constantInts(OpContext ctx, Tensor t, String role) throws InvalidModelException {
        ctx.requireType(t, role, TensorType.INT32);
        if (!t.isConstant()) {
            throw ctx.fail(role + " " + t.describe() + " must be a constant (computed at run time is not supported)");
        }
        if (t.data().length != t.byteSize()) {
            throw ctx.fail(role + " " + t.describe() + " holds " + t.data().length + " bytes, expected " + t.byteSize());
        }
        return Quant8.int32s(t);
    }
}
