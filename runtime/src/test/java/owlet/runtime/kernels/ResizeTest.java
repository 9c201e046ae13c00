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

/** RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on a 1×2×2×1 image worked by hand, and their checks. */
class ResizeTest {
    private static final OperatorOptions.Resize PLAIN = new OperatorOptions.Resize(false, false);
    private static final OperatorOptions.Resize ALIGN = new OperatorOptions.Resize(true, false);
    private static final OperatorOptions.Resize HALF = new OperatorOptions.Resize(false, true);

    private static int[] run8(BuiltinOp op, TensorType type, OperatorOptions.Resize o, int[] image, int h, int w)
            throws Exception {
        OpHarness hs = new OpHarness();
        int in = hs.tensor(type, OpHarness.quant(0.5f, 0), 1, 2, 2, 1);
        int size = hs.constantInts(new int[] {h, w}, 2);
        int out = hs.tensor(type, OpHarness.quant(0.5f, 0), 1, h, w, 1);
        Kernel k = hs.prepare(op, o, new int[] {in, size}, out);
        hs.set8(in, image);
        hs.run(k);
        return hs.get8Ints(out);
    }

    /**
     * 2×2 → 3×3 without flags: source rows 0, 2/3, 4/3 (clamped to 1). uint8 rounds in float with +0.5; int8 in
     * 10-bit fixed point, scale round(1024·2/3) = 683.
     */
    @Test
    void bilinearWeightsNeighboursByDistance() throws Exception {
        int[] image = {0, 90, 30, 120};
        // Row 0: 0, 60 (0 + 90·2/3), 90; row 1 at y = 2/3: 20, 80, 110; row 2 (y clamps to 1): 30, 90, 120.
        assertArrayEquals(new int[] {0, 60, 90, 20, 80, 110, 30, 90, 120},
                run8(BuiltinOp.RESIZE_BILINEAR, TensorType.UINT8, PLAIN, image, 3, 3));
        // int8, negated values: the fixed-point weights give the same magnitudes, rounded away from zero.
        int[] negated = {0, -90, -30, -120};
        assertArrayEquals(new int[] {0, -60, -90, -20, -80, -110, -30, -90, -120},
                run8(BuiltinOp.RESIZE_BILINEAR, TensorType.INT8, PLAIN, negated, 3, 3));
        // align_corners: corners kept, the middle is the mean.
        assertArrayEquals(new int[] {0, 45, 90, 15, 60, 105, 30, 75, 120},
                run8(BuiltinOp.RESIZE_BILINEAR, TensorType.UINT8, ALIGN, image, 3, 3));
    }

    @Test
    void nearestPicksTheSourcePixelByRule() throws Exception {
        int[] image = {1, 2, 3, 4};
        // Plain 2 → 3: floor(i·2/3) = 0, 0, 1.
        assertArrayEquals(new int[] {1, 1, 2, 1, 1, 2, 3, 3, 4},
                run8(BuiltinOp.RESIZE_NEAREST_NEIGHBOR, TensorType.INT8, PLAIN, image, 3, 3));
        // align_corners: round(i·1/2) = 0, 1 (0.5 away from zero), 1.
        assertArrayEquals(new int[] {1, 2, 2, 3, 4, 4, 3, 4, 4},
                run8(BuiltinOp.RESIZE_NEAREST_NEIGHBOR, TensorType.UINT8, ALIGN, image, 3, 3));
        // half_pixel_centers: floor((i + 0.5)·2/3) = 0, 1, 1.
        assertArrayEquals(new int[] {1, 2, 2, 3, 4, 4, 3, 4, 4},
                run8(BuiltinOp.RESIZE_NEAREST_NEIGHBOR, TensorType.INT8, HALF, image, 3, 3));
    }

    @Test
    void bilinearFloatUpsamplesTwice() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 1, 2, 1);
        int size = h.constantInts(new int[] {1, 4}, 2);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 1, 4, 1);
        Kernel k = h.prepare(BuiltinOp.RESIZE_BILINEAR, PLAIN, new int[] {in, size}, out);
        h.setFloats(in, new float[] {1f, 3f});
        h.run(k);
        assertArrayEquals(new float[] {1f, 2f, 3f, 3f}, h.getFloats(out));
    }

    private static void assertRejected(String start, OperatorOptions.Resize o, int[] inShape, int[] size,
                                       boolean constantSize, float outScale, int... outShape) {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), inShape);
        int s = constantSize ? h.constantInts(size, size.length) : h.tensor(TensorType.INT32, Quantization.NONE, 2);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(outScale, 0), outShape);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.RESIZE_BILINEAR, o, new int[] {in, s}, out));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void rejectsHostileOptions() {
        int[] img = {1, 2, 2, 1};
        assertRejected("op #0 RESIZE_BILINEAR: align_corners and half_pixel_centers are both set",
                new OperatorOptions.Resize(true, true), img, new int[] {4, 4}, true, 0.5f, 1, 4, 4, 1);
        assertRejected("op #0 RESIZE_BILINEAR: size must hold two positive values", PLAIN, img, new int[] {0, 4},
                true, 0.5f, 1, 1, 4, 1);
        assertRejected("op #0 RESIZE_BILINEAR: size must hold two positive values", PLAIN, img, new int[] {4},
                true, 0.5f, 1, 4, 4, 1);
        assertRejected("op #0 RESIZE_BILINEAR: size ", PLAIN, img, new int[] {4, 4}, false, 0.5f, 1, 4, 4, 1);
        assertRejected("op #0 RESIZE_BILINEAR: input ", PLAIN, new int[] {2, 2, 1}, new int[] {4, 4}, true, 0.5f,
                4, 4, 1);
        assertRejected("op #0 RESIZE_BILINEAR: output ", PLAIN, img, new int[] {4, 4}, true, 0.5f, 1, 4, 5, 1);
        assertRejected("op #0 RESIZE_BILINEAR: output ", PLAIN, img, new int[] {4, 4}, true, 0.25f, 1, 4, 4, 1);
    }
}
