package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/** PACK, UNPACK, SPLIT and SPLIT_V against index arithmetic on row-major arrays, and their option checks. */
class PackUnpackSplitTest {
    private static final int[] SHAPE = {2, 3, 4};

    /** Row-major index of {@code idx} in {@code shape}. */
    private static int flat(int[] shape, int[] idx) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + idx[d];
        }
        return f;
    }

    private static int[] unflat(int[] shape, int f) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = f % shape[d];
            f /= shape[d];
        }
        return idx;
    }

    /** out[.., i, ..] (i at axis) = input i; checked on every output element, 8-bit uint8. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, -1, -4})
    void packPlacesEachInputAtItsIndex(int axis) throws Exception {
        Random r = new Random(axis + 10);
        int n = 3;
        int a = axis < 0 ? axis + 4 : axis;
        int[] outShape = new int[4];
        for (int d = 0, s = 0; d < 4; d++) {
            outShape[d] = d == a ? n : SHAPE[s++];
        }
        OpHarness h = new OpHarness();
        Quantization q = OpHarness.quant(0.5f, 3);
        int[] ins = new int[n];
        int[][] values = new int[n][];
        for (int i = 0; i < n; i++) {
            ins[i] = h.tensor(TensorType.UINT8, q, SHAPE);
        }
        int o = h.tensor(TensorType.UINT8, q, outShape);
        Kernel k = h.prepare(BuiltinOp.PACK, new OperatorOptions.Pack(n, axis), ins, o);
        for (int i = 0; i < n; i++) {
            values[i] = TextbookOps.randomValues(r, TensorType.UINT8, 24);
            h.set8(ins[i], values[i]);
        }
        h.run(k);
        int[] got = h.get8Ints(o);
        for (int f = 0; f < got.length; f++) {
            int[] idx = unflat(outShape, f);
            int[] inIdx = new int[3];
            for (int d = 0, s = 0; d < 4; d++) {
                if (d != a) {
                    inIdx[s++] = idx[d];
                }
            }
            assertTrue(values[idx[a]][flat(SHAPE, inIdx)] == got[f], "axis " + axis + " element " + f);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1})
    void unpackTakesEachIndexOfTheAxis(int axis) throws Exception {
        int a = axis < 0 ? axis + 3 : axis;
        int n = SHAPE[a];
        int[] partShape = new int[2];
        for (int d = 0, s = 0; d < 3; d++) {
            if (d != a) {
                partShape[s++] = SHAPE[d];
            }
        }
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, SHAPE);
        int[] outs = new int[n];
        for (int i = 0; i < n; i++) {
            outs[i] = h.tensor(TensorType.FLOAT32, Quantization.NONE, partShape);
        }
        Kernel k = h.prepare(BuiltinOp.UNPACK, new OperatorOptions.Unpack(n, axis), new int[] {in}, outs);
        float[] x = new float[24];
        for (int i = 0; i < 24; i++) {
            x[i] = i * 1.5f - 7;
        }
        h.setFloats(in, x);
        h.run(k);
        for (int i = 0; i < n; i++) {
            float[] got = h.getFloats(outs[i]);
            for (int f = 0; f < got.length; f++) {
                int[] p = unflat(partShape, f);
                int[] idx = new int[3];
                for (int d = 0, s = 0; d < 3; d++) {
                    idx[d] = d == a ? i : p[s++];
                }
                assertTrue(x[flat(SHAPE, idx)] == got[f], "axis " + axis + " output " + i + " element " + f);
            }
        }
    }

    /** SPLIT into halves and SPLIT_V into {1, -1 (= 2), 1} along axis 2, int8. */
    @Test
    void splitAndSplitVCutConsecutivePieces() throws Exception {
        OpHarness h = new OpHarness();
        Quantization q = OpHarness.quant(0.1f, -4);
        int in = h.tensor(TensorType.INT8, q, SHAPE);
        int axis = h.constantInts(new int[] {-1});
        int h0 = h.tensor(TensorType.INT8, q, 2, 3, 2);
        int h1 = h.tensor(TensorType.INT8, q, 2, 3, 2);
        Kernel split = h.prepare(BuiltinOp.SPLIT, new OperatorOptions.Split(2), new int[] {axis, in}, h0, h1);
        int sizes = h.constantInts(new int[] {1, -1, 1}, 3);
        int p0 = h.tensor(TensorType.INT8, q, 2, 3, 1);
        int p1 = h.tensor(TensorType.INT8, q, 2, 3, 2);
        int p2 = h.tensor(TensorType.INT8, q, 2, 3, 1);
        Kernel splitV = h.prepare(BuiltinOp.SPLIT_V, new OperatorOptions.Split(3), new int[] {in, sizes, axis},
                p0, p1, p2);
        int[] x = new int[24];
        for (int i = 0; i < 24; i++) {
            x[i] = i * 5 - 60;
        }
        h.set8(in, x);
        h.run(split);
        h.run(splitV);
        int[][] want = new int[5][];
        int[][] widths = {{0, 2}, {2, 2}, {0, 1}, {1, 2}, {3, 1}};
        for (int p = 0; p < 5; p++) {
            int w = widths[p][1];
            want[p] = new int[6 * w];
            for (int row = 0; row < 6; row++) {
                for (int j = 0; j < w; j++) {
                    want[p][row * w + j] = x[row * 4 + widths[p][0] + j];
                }
            }
        }
        int[] tensors = {h0, h1, p0, p1, p2};
        for (int p = 0; p < 5; p++) {
            assertArrayEquals(want[p], h.get8Ints(tensors[p]), "piece " + p);
        }
    }

    private static void assertRejected(String start, ThrowingPrepare p) {
        InvalidModelException e = assertThrows(InvalidModelException.class, p::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @FunctionalInterface
    private interface ThrowingPrepare {
        void run() throws Exception;
    }

    @Test
    void rejectsHostileOptions() {
        OpHarness h = new OpHarness();
        Quantization q = OpHarness.quant(0.1f, 0);
        int a = h.tensor(TensorType.INT8, q, SHAPE);
        int b = h.tensor(TensorType.INT8, q, SHAPE);
        int other = h.tensor(TensorType.INT8, OpHarness.quant(0.2f, 0), SHAPE);
        int packed = h.tensor(TensorType.INT8, q, 2, 2, 3, 4);
        assertRejected("op #0 PACK: axis 5 is out of range", () ->
                h.prepare(BuiltinOp.PACK, new OperatorOptions.Pack(2, 5), new int[] {a, b}, packed));
        assertRejected("op #0 PACK: axis -5 is out of range", () ->
                h.prepare(BuiltinOp.PACK, new OperatorOptions.Pack(2, -5), new int[] {a, b}, packed));
        assertRejected("op #0 PACK: values_count 3 does not match", () ->
                h.prepare(BuiltinOp.PACK, new OperatorOptions.Pack(3, 0), new int[] {a, b}, packed));
        assertRejected("op #0 PACK: output ", () ->
                h.prepare(BuiltinOp.PACK, new OperatorOptions.Pack(2, 0), new int[] {a, other}, packed));
        int[] parts = {h.tensor(TensorType.INT8, q, 3, 4), h.tensor(TensorType.INT8, q, 3, 4)};
        assertRejected("op #0 UNPACK: num 3 and the 2 outputs", () ->
                h.prepare(BuiltinOp.UNPACK, new OperatorOptions.Unpack(3, 0), new int[] {a}, parts));
        assertRejected("op #0 UNPACK: axis 3 is out of range", () ->
                h.prepare(BuiltinOp.UNPACK, new OperatorOptions.Unpack(2, 3), new int[] {a}, parts));
        int axis2 = h.constantInts(new int[] {2});
        int axis9 = h.constantInts(new int[] {9});
        int axisVar = h.tensor(TensorType.INT32, Quantization.NONE);
        int[] thirds = {h.tensor(TensorType.INT8, q, 2, 3, 1), h.tensor(TensorType.INT8, q, 2, 3, 1),
            h.tensor(TensorType.INT8, q, 2, 3, 1)};
        assertRejected("op #0 SPLIT: dimension 4 along the axis does not divide into num_splits 3", () ->
                h.prepare(BuiltinOp.SPLIT, new OperatorOptions.Split(3), new int[] {axis2, a}, thirds));
        assertRejected("op #0 SPLIT: num_splits 2 does not match the 3 outputs", () ->
                h.prepare(BuiltinOp.SPLIT, new OperatorOptions.Split(2), new int[] {axis2, a}, thirds));
        assertRejected("op #0 SPLIT: axis 9 is out of range", () ->
                h.prepare(BuiltinOp.SPLIT, new OperatorOptions.Split(3), new int[] {axis9, a}, thirds));
        assertRejected("op #0 SPLIT: axis ", () ->
                h.prepare(BuiltinOp.SPLIT, new OperatorOptions.Split(3), new int[] {axisVar, a}, thirds));
        int twoUnknown = h.constantInts(new int[] {-1, -1, 2}, 3);
        int negative = h.constantInts(new int[] {-2, 3, 3}, 3);
        int wrongSum = h.constantInts(new int[] {1, 1, 1}, 3);
        for (int sizes : new int[] {twoUnknown, negative}) {
            assertRejected("op #0 SPLIT_V: size_splits[", () ->
                    h.prepare(BuiltinOp.SPLIT_V, new OperatorOptions.Split(3), new int[] {a, sizes, axis2}, thirds));
        }
        assertRejected("op #0 SPLIT_V: size_splits [1, 1, 1] add up to 3, not the dimension 4", () ->
                h.prepare(BuiltinOp.SPLIT_V, new OperatorOptions.Split(3), new int[] {a, wrongSum, axis2}, thirds));
        int[] badQuant = {h.tensor(TensorType.INT8, q, 2, 3, 2), h.tensor(TensorType.INT8, OpHarness.quant(0.1f, 5), 2, 3, 2)};
        assertRejected("op #0 SPLIT: output 1 ", () ->
                h.prepare(BuiltinOp.SPLIT, new OperatorOptions.Split(2), new int[] {axis2, a}, badQuant));
    }
}
