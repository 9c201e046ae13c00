package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

class MaxPool2DTest {

    /** The textbook, on original values: the maximum of the in-bounds taps, then the activation clamp. */
    static int[] textbook(PoolCase c) {
        int[] range = TextbookOps.activationRange(c.type(), c.scale(), c.zeroPoint(), c.activation());
        int[] out = new int[c.batches() * c.outH() * c.outW() * c.channels()];
        int o = 0;
        for (int b = 0; b < c.batches(); b++) {
            for (int y = 0; y < c.outH(); y++) {
                for (int x = 0; x < c.outW(); x++) {
                    for (int ch = 0; ch < c.channels(); ch++) {
                        int max = Integer.MIN_VALUE;
                        for (int ky = 0; ky < c.kh(); ky++) {
                            for (int kx = 0; kx < c.kw(); kx++) {
                                int iy = y * c.stride() - c.padTop() + ky;
                                int ix = x * c.stride() - c.padLeft() + kx;
                                if (iy >= 0 && iy < c.inH() && ix >= 0 && ix < c.inW()) {
                                    max = Math.max(max, c.input()[c.inIndex(b, iy, ix, ch)]);
                                }
                            }
                        }
                        out[o++] = Math.max(range[0], Math.min(range[1], max));
                    }
                }
            }
        }
        return out;
    }

    /**
     * One 2x2 window, both types. uint8 channels [0, 1, 0, 0] and [255, 200, 3, 128]: 1 and 255 (the stored
     * values -128..127 keep their order). int8 channels [-7, -3, -128, -9] and [127, -128, 0, 5]: -3 and 127
     * (padding never wins: the maximum of negative taps stays negative).
     */
    @Test
    void handComputed() throws InvalidModelException {
        PoolCase u = new PoolCase(TensorType.UINT8, 1, 2, 2, 2, 2, 2, 1, Padding.VALID, Activation.NONE, 0.5f, 128,
                new int[] {0, 255, 1, 200, 0, 3, 0, 128});
        assertArrayEquals(new int[] {1, 255}, u.run(BuiltinOp.MAX_POOL_2D));
        PoolCase s = new PoolCase(TensorType.INT8, 1, 2, 2, 2, 2, 2, 1, Padding.VALID, Activation.NONE, 0.5f, -5,
                new int[] {-7, 127, -3, -128, -128, 0, -9, 5});
        assertArrayEquals(new int[] {-3, 127}, s.run(BuiltinOp.MAX_POOL_2D));
    }

    /** Negative ramp -1..-N*N (int8), 3x3 SAME stride 2: each output is the window's smallest-index tap. */
    private static PoolCase negativeRamp(int n) {
        int[] input = new int[n * n];
        for (int i = 0; i < input.length; i++) {
            input[i] = -1 - i;
        }
        return new PoolCase(TensorType.INT8, 1, n, n, 1, 3, 3, 2, Padding.SAME, Activation.NONE, 0.5f, -5, input);
    }

    @Test
    void sameStride2EvenInput() throws InvalidModelException {
        // 4x4 holding -1..-16, padding 1 after: windows start at rows/cols 0 and 2 -> -1, -3, -9, -11.
        assertArrayEquals(new int[] {-1, -3, -9, -11}, negativeRamp(4).run(BuiltinOp.MAX_POOL_2D));
    }

    @Test
    void sameStride2OddInput() throws InvalidModelException {
        // 5x5 holding -1..-25, padding 1 on each side: windows start at rows/cols -1, 1, 3 -> in-bounds
        // starts 0, 1, 3.
        assertArrayEquals(new int[] {-1, -2, -4, -6, -7, -9, -16, -17, -19},
                negativeRamp(5).run(BuiltinOp.MAX_POOL_2D));
    }

    @Test
    void relu6Clamps() throws InvalidModelException {
        // uint8 scale 0.25, zp 100: RELU6 range [100, 124]. 1x2 windows over 1x1x2x3:
        // max(90, 96) = 96 -> 100; max(130, 140) -> 124; max(110, 111) = 111.
        PoolCase c = new PoolCase(TensorType.UINT8, 1, 1, 2, 3, 1, 2, 1, Padding.VALID, Activation.RELU6, 0.25f, 100,
                new int[] {90, 130, 110, 96, 140, 111});
        assertArrayEquals(new int[] {100, 124, 111}, c.run(BuiltinOp.MAX_POOL_2D));
    }

    /**
     * Float, 2x2 SAME stride 1 (padding after): [[-4, -2], [-3, -5]] gives -2, -2, -3, -5 (padding is never a
     * tap); [[-4, 7], [-3, -5]] with RELU6 gives 7, 7, -3, -5 clamped to 6, 6, 0, 0.
     */
    @Test
    void floatHandComputed() throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
        Kernel k = h.prepare(BuiltinOp.MAX_POOL_2D,
                new OperatorOptions.Pool2D(Padding.SAME, 1, 1, 2, 2, Activation.NONE), new int[] {in}, out);
        h.setFloats(in, new float[] {-4, -2, -3, -5});
        h.run(k);
        assertArrayEquals(new float[] {-2, -2, -3, -5}, h.getFloats(out));
        OpHarness h6 = new OpHarness();
        int in6 = h6.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
        int out6 = h6.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
        Kernel k6 = h6.prepare(BuiltinOp.MAX_POOL_2D,
                new OperatorOptions.Pool2D(Padding.SAME, 1, 1, 2, 2, Activation.RELU6), new int[] {in6}, out6);
        h6.setFloats(in6, new float[] {-4, 7, -3, -5});
        h6.run(k6);
        assertArrayEquals(new float[] {6, 6, 0, 0}, h6.getFloats(out6));
    }

    @Test
    void randomCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(0x3AA);
        for (int i = 0; i < 200; i++) {
            PoolCase c = PoolCase.random(r);
            c.assertSame(textbook(c), c.run(BuiltinOp.MAX_POOL_2D), "random case " + i);
        }
    }

    @Test
    void randomFloatCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(12);
        for (int i = 0; i < 50; i++) {
            PoolCase c = PoolCase.random(r);
            float[] input = TextbookOps.randomFloats(r, c.input().length, 3f);
            OpHarness h = new OpHarness();
            int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, c.batches(), c.inH(), c.inW(), c.channels());
            int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, c.batches(), c.outH(), c.outW(), c.channels());
            Kernel k = h.prepare(BuiltinOp.MAX_POOL_2D, c.options(), new int[] {in}, out);
            h.setFloats(in, input);
            h.run(k);
            float[] range = TextbookOps.activationRangeFloat(c.activation());
            float[] expected = new float[c.batches() * c.outH() * c.outW() * c.channels()];
            int o = 0;
            for (int b = 0; b < c.batches(); b++) {
                for (int y = 0; y < c.outH(); y++) {
                    for (int x = 0; x < c.outW(); x++) {
                        for (int ch = 0; ch < c.channels(); ch++) {
                            float max = -Float.MAX_VALUE;
                            for (int ky = 0; ky < c.kh(); ky++) {
                                for (int kx = 0; kx < c.kw(); kx++) {
                                    int iy = y * c.stride() - c.padTop() + ky;
                                    int ix = x * c.stride() - c.padLeft() + kx;
                                    if (iy >= 0 && iy < c.inH() && ix >= 0 && ix < c.inW()) {
                                        max = Math.max(max, input[c.inIndex(b, iy, ix, ch)]);
                                    }
                                }
                            }
                            expected[o++] = TextbookOps.clampFloat(max, range[0], range[1]);
                        }
                    }
                }
            }
            assertArrayEquals(expected, h.getFloats(out), "float case " + i + " (" + c.describe() + ")");
        }
    }

    // ---- prepare-time errors ----

    @Test
    void rejectsDifferentScale() {
        InvalidModelException e = AveragePool2DTest.prepareFails(BuiltinOp.MAX_POOL_2D, TensorType.INT8,
                OpHarness.quant(0.5f, -5), TensorType.INT8, OpHarness.quant(0.25f, -5), new int[] {1, 2, 2, 2});
        assertEquals("op #0 MAX_POOL_2D: input and output must have the same quantization (TFLite requires it),"
                + " but input has scale 0.5 zero point -5 and output scale 0.25 zero point -5", e.getMessage());
    }

    @Test
    void rejectsDifferentZeroPoint() {
        InvalidModelException e = AveragePool2DTest.prepareFails(BuiltinOp.MAX_POOL_2D, TensorType.UINT8,
                OpHarness.quant(0.5f, 128), TensorType.UINT8, OpHarness.quant(0.5f, 3), new int[] {1, 2, 2, 2});
        assertTrue(e.getMessage().startsWith("op #0 MAX_POOL_2D: input and output must have the same"),
                e.getMessage());
    }

    @Test
    void rejectsUnquantizedOutput() {
        InvalidModelException e = AveragePool2DTest.prepareFails(BuiltinOp.MAX_POOL_2D, TensorType.UINT8,
                OpHarness.quant(0.5f, 128), TensorType.UINT8, Quantization.NONE, new int[] {1, 2, 2, 2});
        assertTrue(e.getMessage().startsWith("op #0 MAX_POOL_2D: output "), e.getMessage());
    }
}
