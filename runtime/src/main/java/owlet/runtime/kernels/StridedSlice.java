package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * STRIDED_SLICE with constant {@code begin}, {@code end} and {@code strides} (int32 vectors of one length),
 * following TFLite 2.18's kernel. The masks are first turned into a dense spec over the "effective" dimensions
 * (the input's plus one of size 1 per new axis): the dimensions an ellipsis covers are taken whole (at most one
 * ellipsis; a new axis at an ellipsis position is ignored); a new axis is the range {@code [0, 1)} of its size-1
 * dimension; dimensions past the spec are taken whole. Then per effective dimension, as TFLite's StartForAxis
 * and StopForAxis: a begin_mask (end_mask) bit replaces begin (end) with the extreme for the stride's direction;
 * a negative index counts from the end; positive strides clamp to {@code [0, size]}, negative ones to
 * {@code [-1, size - 1]}; a shrink_axis bit takes the one element at {@code begin} and drops the dimension.
 * The output has {@code ceil((end - begin) / stride)} (at least 0) elements along each kept dimension, visited
 * from {@code begin} by {@code stride}. At most 5 effective dimensions, as TFLite; the {@code offset} option
 * (end relative to begin) is not supported. Any element type; 8-bit input and output must be quantized alike.
 */
public final class StridedSlice {
    private StridedSlice() {
    }

    private static final int MAX_DIMS = 5;

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(4, 4, 1);
        OperatorOptions.StridedSlice o = ctx.options(OperatorOptions.StridedSlice.class);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.INT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", in.type());
        SameQuantization.require(ctx, in, "the input", out, "output");
        if (o.offset()) {
            throw ctx.fail("offset = true (end relative to begin) is not supported");
        }
        int[] begin = Split.constantInts(ctx, ctx.input(1), "begin");
        int[] end = Split.constantInts(ctx, ctx.input(2), "end");
        int[] strides = Split.constantInts(ctx, ctx.input(3), "strides");
        int n = begin.length;
        if (ctx.input(1).rank() != 1 || end.length != n || strides.length != n) {
            throw ctx.fail("begin, end and strides must be vectors of one length, have " + begin.length + ", "
                    + end.length + " and " + strides.length + " values");
        }
        for (int i = 0; i < n; i++) {
            if (strides[i] == 0) {
                throw ctx.fail("strides[" + i + "] is 0");
            }
        }
        if (Integer.bitCount(o.ellipsisMask()) > 1) {
            throw ctx.fail("ellipsis_mask " + o.ellipsisMask() + " has more than one bit set");
        }
        int rank = in.rank();
        if (n > MAX_DIMS + rank || ((o.beginMask() | o.endMask() | o.ellipsisMask() | o.newAxisMask()
                | o.shrinkAxisMask()) >>> Math.max(n, 0)) != 0) {
            throw ctx.fail("a mask has bits beyond the " + n + " entries of begin (masks " + o.beginMask() + ", "
                    + o.endMask() + ", " + o.ellipsisMask() + ", " + o.newAxisMask() + ", " + o.shrinkAxisMask() + ")");
        }
        Dense d = dense(ctx, o, in.shape(), begin, end, strides);
        int dims = d.shape.length;
        int[] count = new int[dims];
        int[] first = new int[dims];
        int[] kept = new int[dims];
        int keptRank = 0;
        for (int i = 0; i < dims; i++) {
            int size = d.shape[i];
            int start = startForAxis(d, i, size);
            boolean shrink = (d.shrinkMask & (1 << i)) != 0;
            int stop = shrink ? start + 1 : stopForAxis(d, i, size);
            if (shrink && (start < 0 || start >= size)) {
                throw ctx.fail("shrink_axis index " + d.begin[i] + " is outside dimension " + i + " of size " + size);
            }
            long exact = Math.max(0, Math.floorDiv((long) stop - start + (d.strides[i] > 0 ? d.strides[i] - 1
                    : d.strides[i] + 1), d.strides[i]));
            int asTfLite = Math.max(0, (int) Math.ceil((stop - start) / (float) d.strides[i]));
            if (exact != asTfLite) {
                throw ctx.fail("dimension " + i + " (" + size + ") is too large for TFLite's float shape arithmetic");
            }
            count[i] = asTfLite;
            first[i] = start;
            if (!shrink) {
                kept[keptRank++] = asTfLite;
            }
        }
        ctx.requireShape(out, "output", Arrays.copyOf(kept, keptRank));
        int[] inStride = new int[dims];
        int s = 1;
        for (int i = dims - 1; i >= 0; i--) {
            inStride[i] = s;
            s *= d.shape[i];
        }
        return new SliceKernel(ctx.offset(in), ctx.offset(out), in.type().bytes(), count, first, d.strides, inStride,
                out.elementCount());
    }

    /** The spec over the effective dimensions. */
    private record Dense(int[] shape, int[] begin, int[] end, int[] strides, int beginMask, int endMask,
                         int shrinkMask) {
    }

    private static Dense dense(OpContext ctx, OperatorOptions.StridedSlice o, int[] inShape, int[] begin, int[] end,
                               int[] strides) throws InvalidModelException {
        int n = begin.length;
        int rank = inShape.length;
        int addAxes = 0;
        for (int i = 0; i < n; i++) {
            if ((o.ellipsisMask() & (1 << i)) == 0 && (o.newAxisMask() & (1 << i)) != 0) {
                addAxes++;
            }
        }
        int dims = rank + addAxes;
        if (dims > MAX_DIMS) {
            throw ctx.fail("input rank " + rank + " plus " + addAxes + " new axes exceeds TFLite's 5 dimensions");
        }
        if (n > dims) {
            throw ctx.fail("begin has " + n + " entries for " + dims + " dimensions");
        }
        int ellipsisMask = 0;
        int newAxisMask = 0;
        int ellipsisStart = dims;
        int expanded = 0;
        for (int i = 0; i < dims;) {
            if ((o.ellipsisMask() & (1 << i)) != 0) {
                ellipsisStart = i;
                int stop = Math.max(i + 1, Math.min(i + 1 + addAxes + rank - n, dims));
                expanded = stop - ellipsisStart - 1;
                for (; i < stop; i++) {
                    ellipsisMask |= 1 << i;
                }
                continue;
            }
            if ((o.newAxisMask() & (1 << (i - expanded))) != 0) {
                newAxisMask |= 1 << i;
            }
            i++;
        }
        int[] shape = new int[dims];
        int[] b = new int[dims];
        int[] e = new int[dims];
        int[] st = new int[dims];
        int beginMask = 0;
        int endMask = 0;
        int shrinkMask = 0;
        int addedEllipsis = 0;
        int addedAxes = 0;
        for (int i = 0; i < dims; i++) {
            if ((ellipsisMask & (1 << i)) != 0) {
                addedEllipsis = Math.max(0, i - ellipsisStart);
                beginMask |= 1 << i;
                endMask |= 1 << i;
                st[i] = 1;
                shape[i] = dimOf(ctx, inShape, i - addedAxes);
            } else if ((newAxisMask & (1 << i)) != 0) {
                e[i] = 1;
                st[i] = 1;
                shape[i] = 1;
                addedAxes++;
            } else if (i >= n + expanded) {
                beginMask |= 1 << i;
                endMask |= 1 << i;
                st[i] = 1;
                shape[i] = dimOf(ctx, inShape, i - addedAxes);
            } else {
                int k = i - addedEllipsis;
                b[i] = begin[k];
                e[i] = end[k];
                st[i] = strides[k];
                beginMask |= (o.beginMask() >> k & 1) << i;
                endMask |= (o.endMask() >> k & 1) << i;
                shrinkMask |= (o.shrinkAxisMask() >> k & 1) << i;
                shape[i] = dimOf(ctx, inShape, i - addedAxes);
            }
        }
        return new Dense(shape, b, e, st, beginMask, endMask, shrinkMask);
    }

    private static int dimOf(OpContext ctx, int[] shape, int i) throws InvalidModelException {
        if (i < 0 || i >= shape.length) {
            throw ctx.fail("the masks address input dimension " + i + " of a rank-" + shape.length + " input");
        }
        return shape[i];
    }

    private static int startForAxis(Dense d, int axis, int size) {
        if (size == 0) {
            return 0;
        }
        int start = d.begin[axis];
        if ((d.beginMask & (1 << axis)) != 0) {
            start = d.strides[axis] > 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        }
        if (start < 0) {
            start += size;
        }
        return d.strides[axis] > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
    }

    private static int stopForAxis(Dense d, int axis, int size) {
        if (size == 0) {
            return 0;
        }
        int stop = d.end[axis];
        if ((d.endMask & (1 << axis)) != 0) {
            stop = d.strides[axis] > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        }
        if (stop < 0) {
            stop += size;
        }
        return d.strides[axis] > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * Walks the output in order: five nested loops over the effective dimensions, padded in front with
     * single-element ones.
     */
    record SliceKernel(int inOff, int outOff, int elementBytes, int[] count, int[] first, int[] step, int[] inStride,
                       int total) implements Kernel {
        SliceKernel {
            int pad = MAX_DIMS - count.length;
            count = pad(count, pad, 1);
            first = pad(first, pad, 0);
            step = pad(step, pad, 0);
            inStride = pad(inStride, pad, 0);
        }

        private static int[] pad(int[] a, int pad, int fill) {
            int[] p = new int[MAX_DIMS];
            Arrays.fill(p, 0, pad, fill);
            System.arraycopy(a, 0, p, pad, a.length);
            return p;
        }

        @Override
        public void eval(byte[] arena) {
            if (total == 0) {
                return;
            }
            int eb = elementBytes;
            int o = outOff;
            for (int i0 = 0; i0 < count[0]; i0++) {
                int p0 = (first[0] + i0 * step[0]) * inStride[0];
                for (int i1 = 0; i1 < count[1]; i1++) {
                    int p1 = p0 + (first[1] + i1 * step[1]) * inStride[1];
                    for (int i2 = 0; i2 < count[2]; i2++) {
                        int p2 = p1 + (first[2] + i2 * step[2]) * inStride[2];
                        for (int i3 = 0; i3 < count[3]; i3++) {
                            int p3 = p2 + (first[3] + i3 * step[3]) * inStride[3];
                            for (int i4 = 0; i4 < count[4]; i4++) {
                                int p4 = p3 + (first[4] + i4 * step[4]) * inStride[4];
                                System.arraycopy(arena, inOff + p4 * eb, arena, o, eb);
                                o += eb;
                            }
                        }
                    }
                }
            }
        }
    }
}
