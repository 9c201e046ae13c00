package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

class StridedSliceTest {
    private static OperatorOptions.StridedSlice masks(int begin, int end, int ellipsis, int newAxis, int shrink) {
        return new OperatorOptions.StridedSlice(begin, end, ellipsis, newAxis, shrink, false);
    }

    /** x[r][c] = 10r + c on a [4, 6] int8 input; the output is compared with Python-style slicing by hand. */
    private static int[] slice(int[] begin, int[] end, int[] strides, OperatorOptions.StridedSlice o, int... outShape)
            throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 4, 6);
        int b = h.constantInts(begin, begin.length);
        int e = h.constantInts(end, end.length);
        int s = h.constantInts(strides, strides.length);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), outShape);
        Kernel k = h.prepare(BuiltinOp.STRIDED_SLICE, o, new int[] {in, b, e, s}, out);
        int[] x = new int[24];
        for (int i = 0; i < 24; i++) {
            x[i] = 10 * (i / 6) + i % 6;
        }
        h.set8(in, x);
        h.run(k);
        return h.get8Ints(out);
    }

    @Test
    void slicesLikePython() throws Exception {
        // x[1:3, ::2]
        assertArrayEquals(new int[] {10, 12, 14, 20, 22, 24},
                slice(new int[] {1, 0}, new int[] {3, 0}, new int[] {1, 2}, masks(0, 2, 0, 0, 0), 2, 3));
        // x[::-2, -1] (shrink the columns)
        assertArrayEquals(new int[] {35, 15},
                slice(new int[] {0, -1}, new int[] {0, 0}, new int[] {-2, 1}, masks(1, 1, 0, 0, 2), 2));
        // x[..., 4:] (ellipsis over the rows)
        assertArrayEquals(new int[] {4, 5, 14, 15, 24, 25, 34, 35},
                slice(new int[] {0, 4}, new int[] {0, 100}, new int[] {1, 1}, masks(0, 0, 1, 0, 0), 4, 2));
        // x[2, None, 1:4:2] (a new axis)
        assertArrayEquals(new int[] {21, 23},
                slice(new int[] {2, 0, 1}, new int[] {3, 0, 4}, new int[] {1, 1, 2}, masks(0, 0, 0, 2, 1), 1, 2));
        // x[-100:100:1, 5:1:-3] (clamped bounds, a negative stride)
        assertArrayEquals(new int[] {5, 2, 15, 12, 25, 22, 35, 32},
                slice(new int[] {-100, 5}, new int[] {100, 1}, new int[] {1, -3}, masks(0, 0, 0, 0, 0), 4, 2));
    }

    private static void assertRejected(String start, int[] begin, int[] end, int[] strides,
                                       OperatorOptions.StridedSlice o, int... outShape) {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> slice(begin, end, strides, o, outShape));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void rejectsHostileValues() {
        int[] b = {0, 0};
        int[] e = {4, 6};
        assertRejected("op #0 STRIDED_SLICE: strides[1] is 0", b, e, new int[] {1, 0}, masks(0, 0, 0, 0, 0), 4, 6);
        assertRejected("op #0 STRIDED_SLICE: ellipsis_mask 3 has more than one bit", b, e, new int[] {1, 1},
                masks(0, 0, 3, 0, 0), 4, 6);
        assertRejected("op #0 STRIDED_SLICE: a mask has bits beyond the 2 entries", b, e, new int[] {1, 1},
                masks(4, 0, 0, 0, 0), 4, 6);
        assertRejected("op #0 STRIDED_SLICE: offset = true", b, e, new int[] {1, 1},
                new OperatorOptions.StridedSlice(0, 0, 0, 0, 0, true), 4, 6);
        assertRejected("op #0 STRIDED_SLICE: shrink_axis index 9 is outside dimension 0", new int[] {9, 0}, e,
                new int[] {1, 1}, masks(0, 0, 0, 0, 1), 6);
        assertRejected("op #0 STRIDED_SLICE: begin, end and strides must be vectors of one length", b,
                new int[] {4}, new int[] {1, 1}, masks(0, 0, 0, 0, 0), 4, 6);
        assertRejected("op #0 STRIDED_SLICE: output ", b, e, new int[] {1, 1}, masks(0, 0, 0, 0, 0), 4, 5);
        assertRejected("op #0 STRIDED_SLICE: begin has 3 entries for 2 dimensions", new int[] {0, 0, 0},
                new int[] {1, 1, 1}, new int[] {1, 1, 1}, masks(0, 0, 0, 0, 0), 1, 1);
    }

    @Test
    void rejectsBeginComputedAtRunTime() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int b = h.tensor(TensorType.INT32, Quantization.NONE, 1);
        int e = h.constantInts(new int[] {4}, 1);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        InvalidModelException ex = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.STRIDED_SLICE, masks(0, 0, 0, 0, 0), new int[] {in, b, e, e}, out));
        assertTrue(ex.getMessage().startsWith("op #0 STRIDED_SLICE: begin "), ex.getMessage());
    }
}
