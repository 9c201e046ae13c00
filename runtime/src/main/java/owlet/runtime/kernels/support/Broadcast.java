package owlet.runtime.kernels.support;

import java.util.Arrays;
import owlet.runtime.model.InvalidModelException;

/**
 * TFLite's "fivefold" broadcast of a binary elementwise op ({@code ProcessBroadcastShapes} and
 * {@code BinaryBroadcastFiveFold} in optimized_ops). Both shapes are right-aligned (missing leading dims are
 * 1). Equal shapes run as one elementwise pass. Otherwise input {@code a} is the one with a 1 at the innermost
 * dimension where the shapes differ, {@code b} the other, and the output is walked as
 * {@code [y0][y1][y2][y3][y4]} with {@code a} of size {@code y0*y1*y2*y4} (broadcast over y3) and {@code b}
 * of size {@code y0*y2*y3*y4} (broadcast over y1). When {@code y4 > 1} the inner step is an elementwise pass
 * of {@code y4} elements; otherwise it is one element of {@code a} against {@code y3} elements of
 * {@code b}. Following TFLite's walk keeps the role assignment (which input's parameters go with which
 * operand).
 *
 * <p>Shapes the fivefold walk cannot take (such as {@code [1,4,1,3]} against {@code [1,1,5,1]}) go, as in
 * TFLite, to a generic broadcast of up to 6 dimensions (BroadcastAdd6DSlow and its kin), which visits the
 * output in order and applies the same per-element arithmetic. Here it is a list of inner runs computed at
 * prepare ({@code runs}: start of {@code a}, of {@code b} and of the output per run), each run along the
 * innermost dimension: elementwise when both inputs have it, else the input with size 1 there plays {@code a}
 * in a scalar pass.
 *
 * @param swapped true when the model's second input plays role {@code a}
 * @param outShape the broadcast output shape, rank = the larger input rank
 */
public record Broadcast(boolean elementwise, boolean swapped, int y0, int y1, int y2, int y3, int y4, int[] outShape,
                 int[] runs) {
    /** Most dimensions of a generic broadcast, as TFLite's 6D kernels. */
    private static final int MAX_GENERIC_RANK = 6;


    /** Number of output elements. */
    public int size() {
        int n = 1;
        for (int d : outShape) {
            n *= d;
        }
        return n;
    }

    public static Broadcast of(OpContext ctx, int[] shape0, int[] shape1) throws InvalidModelException {
        int rank = Math.max(shape0.length, shape1.length);
        int[] e0 = extend(shape0, rank);
        int[] e1 = extend(shape1, rank);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            if (e0[i] != e1[i] && e0[i] != 1 && e1[i] != 1) {
                throw ctx.fail("input shapes " + Arrays.toString(shape0) + " and " + Arrays.toString(shape1)
                        + " are not broadcastable (dimension " + i + " of the right-aligned shapes: " + e0[i]
                        + " vs " + e1[i] + ")");
            }
            out[i] = Math.max(e0[i], e1[i]);
        }
        if (Arrays.equals(e0, e1)) {
            int n = 1;
            for (int d : e0) {
                n *= d;
            }
            return new Broadcast(true, false, 1, 1, 1, 1, n, out, null);
        }
        boolean swapped = false;
        for (int i = rank - 1; i >= 0; i--) {
            if (e0[i] != e1[i]) {
                swapped = e0[i] != 1;
                break;
            }
        }
        int[] a = swapped ? e1 : e0;
        int[] b = swapped ? e0 : e1;
        int[] y = {1, 1, 1, 1, 1};
        int i = rank - 1;
        for (; i >= 0 && a[i] == b[i]; i--) {
            y[4] *= b[i];
        }
        for (; i >= 0 && a[i] == 1; i--) {
            y[3] *= b[i];
        }
        for (; i >= 0 && a[i] == b[i]; i--) {
            y[2] *= a[i];
        }
        for (; i >= 0 && b[i] == 1; i--) {
            y[1] *= a[i];
        }
        for (; i >= 0 && a[i] == b[i]; i--) {
            y[0] *= b[i];
        }
        if (i >= 0) {
            return generic(ctx, shape0, shape1, e0, e1, out);
        }
        return new Broadcast(false, swapped, y[0], y[1], y[2], y[3], y[4], out, null);
    }

    /** The generic broadcast's runs; {@code y4} is the run length, {@code y3} 1 for elementwise runs. */
    private static Broadcast generic(OpContext ctx, int[] shape0, int[] shape1, int[] e0, int[] e1, int[] out)
            throws InvalidModelException {
        int rank = out.length;
        if (rank > MAX_GENERIC_RANK) {
            throw ctx.fail("broadcasting shapes " + Arrays.toString(shape0) + " and " + Arrays.toString(shape1)
                    + " has " + rank + " dimensions; TFLite's generic broadcast takes at most " + MAX_GENERIC_RANK);
        }
        int last = rank - 1;
        boolean swapped = e0[last] != 1 && e1[last] == 1;
        boolean elementwise = e0[last] == e1[last];
        int[] a = swapped ? e1 : e0;
        int[] b = swapped ? e0 : e1;
        int[] aStride = strides(a);
        int[] bStride = strides(b);
        int inner = out[last];
        int runCount = 1;
        for (int d = 0; d < last; d++) {
            runCount *= out[d];
        }
        int[] runs = new int[3 * runCount];
        int[] index = new int[rank];
        for (int r = 0; r < runCount; r++) {
            int ia = 0;
            int ib = 0;
            for (int d = 0; d < last; d++) {
                ia += index[d] * aStride[d];
                ib += index[d] * bStride[d];
            }
            runs[3 * r] = ia;
            runs[3 * r + 1] = ib;
            runs[3 * r + 2] = r * inner;
            for (int d = last - 1; d >= 0; d--) {
                if (++index[d] < out[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return new Broadcast(false, swapped, 0, 0, 0, elementwise ? 1 : 0, inner, out, runs);
    }

    /** Row-major element strides, 0 along dimensions of size 1 (broadcast). */
    private static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = shape[d] == 1 ? 0 : step;
            step *= shape[d];
        }
        return s;
    }

    private static int[] extend(int[] shape, int rank) {
        int[] e = new int[rank];
        Arrays.fill(e, 1);
        System.arraycopy(shape, 0, e, rank - shape.length, shape.length);
        return e;
    }

    /** The inner passes of a binary op, in output order. */
    public interface Passes {
        /** {@code n} elements of {@code a} against {@code n} elements of {@code b}; indexes are element indexes. */
        void elementwise(byte[] arena, int n, int a, int b, int out);

        /** Element {@code a} against {@code n} elements of {@code b}. */
        void scalar(byte[] arena, int n, int a, int b, int out);
    }

    /** Walks the output as TFLite does, calling {@code p} once per inner pass. */
    public void run(byte[] arena, Passes p) {
        if (runs != null) {
            for (int r = 0; r < runs.length; r += 3) {
                if (y3 == 1) {
                    p.elementwise(arena, y4, runs[r], runs[r + 1], runs[r + 2]);
                } else {
                    p.scalar(arena, y4, runs[r], runs[r + 1], runs[r + 2]);
                }
            }
            return;
        }
        if (elementwise) {
            p.elementwise(arena, y4, 0, 0, 0);
            return;
        }
        int a = 0;
        int bReset = 0;
        int out = 0;
        if (y4 > 1) {
            for (int i0 = 0; i0 < y0; i0++) {
                int b = bReset;
                for (int i1 = 0; i1 < y1; i1++) {
                    b = bReset;
                    for (int i2 = 0; i2 < y2; i2++) {
                        for (int i3 = 0; i3 < y3; i3++) {
                            p.elementwise(arena, y4, a, b, out);
                            b += y4;
                            out += y4;
                        }
                        a += y4;
                    }
                }
                bReset = b;
            }
        } else {
            for (int i0 = 0; i0 < y0; i0++) {
                int b = bReset;
                for (int i1 = 0; i1 < y1; i1++) {
                    b = bReset;
                    for (int i2 = 0; i2 < y2; i2++) {
                        p.scalar(arena, y3, a, b, out);
                        b += y3;
                        out += y3;
                        a++;
                    }
                }
                bReset = b;
            }
        }
    }
}
