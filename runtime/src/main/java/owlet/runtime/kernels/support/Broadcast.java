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
 * operand) and the rejection of shapes TFLite would send to its generic broadcast.
 *
 * @param swapped true when the model's second input plays role {@code a}
 * @param outShape the broadcast output shape, rank = the larger input rank
 */
public record Broadcast(boolean elementwise, boolean swapped, int y0, int y1, int y2, int y3, int y4, int[] outShape) {

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
            return new Broadcast(true, false, 1, 1, 1, 1, n, out);
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
            throw ctx.fail("broadcasting shapes " + Arrays.toString(shape0) + " and " + Arrays.toString(shape1)
                    + " needs TFLite's generic (slow) broadcast, which Owlet does not implement; supported: equal"
                    + " shapes, a scalar, or one input repeated along leading dimensions (e.g. [1,1,1,C])");
        }
        return new Broadcast(false, swapped, y[0], y[1], y[2], y[3], y[4], out);
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
