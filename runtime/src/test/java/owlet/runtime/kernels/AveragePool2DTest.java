package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class AveragePool2DTest {

    /**
     * The textbook, on original values: the sum of the in-bounds taps divided by their count n with C++
     * division, uint8 {@code (sum + n/2) / n}, int8 the same for {@code sum > 0} else {@code (sum - n/2) / n};
     * then the activation clamp.
     */
    static int[] textbook(PoolCase c) {
        int[] range = TextbookOps.activationRange(c.type(), c.scale(), c.zeroPoint(), c.activation());
        int[] out = new int[c.batches() * c.outH() * c.outW() * c.channels()];
        int o = 0;
        for (int b = 0; b < c.batches(); b++) {
            for (int y = 0; y < c.outH(); y++) {
                for (int x = 0; x < c.outW(); x++) {
                    for (int ch = 0; ch < c.channels(); ch++) {
                        int sum = 0;
                        int n = 0;
                        for (int ky = 0; ky < c.kh(); ky++) {
                            for (int kx = 0; kx < c.kw(); kx++) {
                                int iy = y * c.stride() - c.padTop() + ky;
                                int ix = x * c.stride() - c.padLeft() + kx;
                                if (iy >= 0 && iy < c.inH() && ix >= 0 && ix < c.inW()) {
                                    sum += c.input()[c.inIndex(b, iy, ix, ch)];
                                    n++;
                                }
                            }
                        }
                        int avg;
                        if (c.type() == TensorType.UINT8) {
                            avg = (sum + n / 2) / n;
                        } else {
                            avg = sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
                        }
                        out[o++] = Math.max(range[0], Math.min(range[1], avg));
                    }
                }
            }
        }
        return out;
    }

    private static PoolCase valid2x2(TensorType t, int zp, int[] input, int channels) {
        return new PoolCase(t, 1, 2, 2, channels, 2, 2, 1, Padding.VALID, Activation.NONE, 0.5f, zp, input);
    }

    /**
     * uint8 rounds the original sum: one 2x2 window, three channels (input NHWC, so channel-interleaved).
     * Channel 0 = [127, 128, 127, 128]: 510 / 4 = 127.5 -> 128 (the stored values -1, 0, -1, 0 under the int8
     * rule would give 127). Channel 1 = [1, 2, 2, 1]: 1.5 -> 2. Channel 2 = [0, 0, 0, 1]: 0.25 -> 0.
     */
    @Test
    void uint8RoundsHalfUpOnOriginalValues() throws InvalidModelException {
        int[] input = {127, 1, 0, 128, 2, 0, 127, 2, 0, 128, 1, 1};
        PoolCase c = valid2x2(TensorType.UINT8, 128, input, 3);
        assertArrayEquals(new int[] {128, 2, 0}, c.run(BuiltinOp.AVERAGE_POOL_2D));
    }

    /**
     * int8 rounds ties away from zero: channel 0 = [-1, -2, -1, -2]: -1.5 -> -2; channel 1 = [1, 2, 2, 1]:
     * 1.5 -> 2; channel 2 = [-1, -1, -1, -2]: -1.25 -> -1; channel 3 = [-2, 0, 0, 0]: -0.5 -> -1.
     */
    @Test
    void int8RoundsTiesAwayFromZero() throws InvalidModelException {
        int[] input = {-1, 1, -1, -2, -2, 2, -1, 0, -1, 2, -1, 0, -2, 1, -2, 0};
        PoolCase c = valid2x2(TensorType.INT8, -5, input, 4);
        assertArrayEquals(new int[] {-2, 2, -1, -1}, c.run(BuiltinOp.AVERAGE_POOL_2D));
    }

    private static PoolCase ramp(TensorType t, int n) {
        int[] input = new int[n * n];
        for (int i = 0; i < input.length; i++) {
            input[i] = i + 1;
        }
        return new PoolCase(t, 1, n, n, 1, 3, 3, 2, Padding.SAME, Activation.NONE, 0.5f,
                t == TensorType.UINT8 ? 3 : -5, input);
    }

    @Test
    void sameStride2EvenInput() throws InvalidModelException {
        // 4x4 holding 1..16, 3x3 SAME stride 2: padding 1 after. Windows (sum / taps):
        // 54 / 9 = 6; 45 / 6 = 7.5 -> 8; 72 / 6 = 12; 54 / 4 = 13.5 -> 14.
        for (TensorType t : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            assertArrayEquals(new int[] {6, 8, 12, 14}, ramp(t, 4).run(BuiltinOp.AVERAGE_POOL_2D), t.toString());
        }
    }

    @Test
    void sameStride2OddInput() throws InvalidModelException {
        // 5x5 holding 1..25, padding 1 on each side. Sums / taps: 16/4, 33/6, 28/4, 69/6, 117/9, 87/6, 76/4,
        // 123/6, 88/4 = 4, 5.5, 7, 11.5, 13, 14.5, 19, 20.5, 22 -> halves round up.
        for (TensorType t : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            assertArrayEquals(new int[] {4, 6, 7, 12, 13, 15, 19, 21, 22}, ramp(t, 5).run(BuiltinOp.AVERAGE_POOL_2D),
                    t.toString());
        }
    }

    @Test
    void relu6Clamps() throws InvalidModelException {
        // uint8 scale 0.25, zp 100: RELU6 range [100, 124]. A 1x2 window over 1x1x2x3:
        // [90, 96] -> 93 -> 100; [130, 140] -> 135 -> 124; [110, 111] -> 110.5 -> 111.
        PoolCase c = new PoolCase(TensorType.UINT8, 1, 1, 2, 3, 1, 2, 1, Padding.VALID, Activation.RELU6, 0.25f, 100,
                new int[] {90, 130, 110, 96, 140, 111});
        assertArrayEquals(new int[] {100, 124, 111}, c.run(BuiltinOp.AVERAGE_POOL_2D));
    }

    /**
     * Float, [[-1, 2], [3, 8]], 2x2 SAME stride 1 (padding after): windows average 12/4 = 3, 10/2 = 5,
     * 11/2 = 5.5, 8/1 = 8; RELU6 caps the last at 6.
     */
    @Test
    void floatHandComputed() throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
        Kernel k = h.prepare(BuiltinOp.AVERAGE_POOL_2D,
                new OperatorOptions.Pool2D(Padding.SAME, 1, 1, 2, 2, Activation.RELU6), new int[] {in}, out);
        h.setFloats(in, new float[] {-1, 2, 3, 8});
        h.run(k);
        assertArrayEquals(new float[] {3, 5, 5.5f, 6}, h.getFloats(out));
    }

    @Test
    void randomCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(0xA7E);
        for (int i = 0; i < 200; i++) {
            PoolCase c = PoolCase.random(r);
            c.assertSame(textbook(c), c.run(BuiltinOp.AVERAGE_POOL_2D), "random case " + i);
        }
    }

    /** More channels than the kernel sums at once (V2's pool has 1280): every chunk, the last one short. */
    @Test
    void channelsBeyondOneChunk() throws InvalidModelException {
        Random r = new Random(5);
        int channels = 2 * AveragePool2D.QuantizedKernel.CHUNK + 37;
        for (TensorType t : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            PoolCase c = new PoolCase(t, 2, 3, 4, channels, 3, 2, 1, Padding.SAME, Activation.RELU6, 0.05f,
                    TextbookOps.randomZeroPoint(r, t), TextbookOps.randomValues(r, t, 2 * 3 * 4 * channels));
            c.assertSame(textbook(c), c.run(BuiltinOp.AVERAGE_POOL_2D), t + " with " + channels + " channels");
        }
    }

    @Test
    void randomFloatCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(11);
        for (int i = 0; i < 50; i++) {
            PoolCase c = PoolCase.random(r);
            float[] input = TextbookOps.randomFloats(r, c.input().length, 3f);
            OpHarness h = new OpHarness();
            int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, c.batches(), c.inH(), c.inW(), c.channels());
            int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, c.batches(), c.outH(), c.outW(), c.channels());
            Kernel k = h.prepare(BuiltinOp.AVERAGE_POOL_2D, c.options(), new int[] {in}, out);
            h.setFloats(in, input);
            h.run(k);
            float[] range = TextbookOps.activationRangeFloat(c.activation());
            float[] expected = new float[c.batches() * c.outH() * c.outW() * c.channels()];
            int o = 0;
            for (int b = 0; b < c.batches(); b++) {
                for (int y = 0; y < c.outH(); y++) {
                    for (int x = 0; x < c.outW(); x++) {
                        for (int ch = 0; ch < c.channels(); ch++) {
                            float sum = 0f;
                            int n = 0;
                            for (int ky = 0; ky < c.kh(); ky++) {
                                for (int kx = 0; kx < c.kw(); kx++) {
                                    int iy = y * c.stride() - c.padTop() + ky;
                                    int ix = x * c.stride() - c.padLeft() + kx;
                                    if (iy >= 0 && iy < c.inH() && ix >= 0 && ix < c.inW()) {
                                        sum += input[c.inIndex(b, iy, ix, ch)];
                                        n++;
                                    }
                                }
                            }
                            expected[o++] = TextbookOps.clampFloat(sum / n, range[0], range[1]);
                        }
                    }
                }
            }
            assertArrayEquals(expected, h.getFloats(out), "float case " + i + " (" + c.describe() + ")");
        }
    }

    // ---- prepare-time errors ----

    static InvalidModelException prepareFails(BuiltinOp op, TensorType inType, Quantization inQ, TensorType outType,
                                              Quantization outQ, int[] outShape) {
        OpHarness h = new OpHarness();
        int in = h.tensor(inType, inQ, 1, 4, 4, 2);
        int out = h.tensor(outType, outQ, outShape);
        return assertThrows(InvalidModelException.class, () -> h.prepare(op,
                new OperatorOptions.Pool2D(Padding.SAME, 2, 2, 2, 2, Activation.NONE), new int[] {in}, out));
    }

    @Test
    void rejectsDifferentScale() {
        InvalidModelException e = prepareFails(BuiltinOp.AVERAGE_POOL_2D, TensorType.UINT8, OpHarness.quant(0.5f, 3),
                TensorType.UINT8, OpHarness.quant(0.25f, 3), new int[] {1, 2, 2, 2});
        assertEquals("op #0 AVERAGE_POOL_2D: input and output must have the same quantization (TFLite requires it),"
                + " but input has scale 0.5 zero point 3 and output scale 0.25 zero point 3", e.getMessage());
    }

    @Test
    void rejectsDifferentZeroPoint() {
        InvalidModelException e = prepareFails(BuiltinOp.AVERAGE_POOL_2D, TensorType.INT8, OpHarness.quant(0.5f, -5),
                TensorType.INT8, OpHarness.quant(0.5f, 0), new int[] {1, 2, 2, 2});
        assertTrue(e.getMessage().startsWith("op #0 AVERAGE_POOL_2D: input and output must have the same"),
                e.getMessage());
    }

    @Test
    void acceptsScalesWithinTfliteTolerance() throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 3), 1, 4, 4, 2);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f + 2e-7f, 3), 1, 2, 2, 2);
        h.prepare(BuiltinOp.AVERAGE_POOL_2D, new OperatorOptions.Pool2D(Padding.SAME, 2, 2, 2, 2, Activation.NONE),
                new int[] {in}, out);
    }

    @Test
    void rejectsWrongOutputShape() {
        InvalidModelException e = prepareFails(BuiltinOp.AVERAGE_POOL_2D, TensorType.UINT8, OpHarness.quant(0.5f, 3),
                TensorType.UINT8, OpHarness.quant(0.5f, 3), new int[] {1, 4, 4, 2});
        assertTrue(e.getMessage().startsWith("op #0 AVERAGE_POOL_2D: output "), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected [1, 2, 2, 2]"), e.getMessage());
    }

    @Test
    void rejectsMixedTypes() {
        InvalidModelException e = prepareFails(BuiltinOp.AVERAGE_POOL_2D, TensorType.UINT8, OpHarness.quant(0.5f, 3),
                TensorType.INT8, OpHarness.quant(0.5f, 3), new int[] {1, 2, 2, 2});
        assertTrue(e.getMessage().startsWith("op #0 AVERAGE_POOL_2D: output "), e.getMessage());
    }

    @Test
    void rejectsWindowLargerThanValidInput() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 2, 2, 1);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 0), 1, 1, 1, 1);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> h.prepare(
                BuiltinOp.AVERAGE_POOL_2D, new OperatorOptions.Pool2D(Padding.VALID, 1, 1, 3, 3, Activation.NONE),
                new int[] {in}, out));
        assertEquals("op #0 AVERAGE_POOL_2D: filter 3x3 does not fit the 2x2 input with VALID padding",
                e.getMessage());
    }
}
