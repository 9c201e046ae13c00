package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.QuantizedMultiplier;

class DepthwiseConv2DTest {

    private static OperatorOptions.DepthwiseConv2D options(Padding p, int stride, int depthMultiplier,
                                                           Activation a, int dilation) {
        return new OperatorOptions.DepthwiseConv2D(p, stride, stride, depthMultiplier, a, dilation, dilation);
    }

    /** One quantized depthwise op: shapes, quantization, data in original values. */
    record Case(TensorType type, int batches, int inH, int inW, int inC, int m, int kh, int kw, int stride,
                int dilation, Padding padding, Activation activation, float inScale, int inZp, float[] filterScales,
                int filterZp, float outScale, int outZp, int[] input, int[] filter, int[] bias) {

        int outC() {
            return inC * m;
        }

        int outH() {
            return TextbookOps.outSize(padding, inH, kh, stride, dilation);
        }

        int outW() {
            return TextbookOps.outSize(padding, inW, kw, stride, dilation);
        }

        Quantization filterQuant() {
            return filterScales.length == 1 ? OpHarness.quant(filterScales[0], filterZp)
                    : OpHarness.perChannel(filterScales, 3);
        }

        String describe() {
            return type + " in " + batches + "x" + inH + "x" + inW + "x" + inC + " m=" + m + " k=" + kh + "x" + kw
                    + " stride " + stride + " dilation " + dilation + " " + padding + " " + activation + " inZp "
                    + inZp + " filterZp " + filterZp + " outZp " + outZp + " scales " + filterScales.length;
        }
    }

    /** Prepares and runs the kernel on {@code c}; returns the output in original values. */
    private static int[] run(Case c) throws InvalidModelException {
        return run(c, 0);
    }

    /**
     * Prepares and runs on {@code c} the kernel {@link Ops} chooses ({@code scalarParts} 0), or the scalar
     * kernel (the reference, and what a one-shot runs) split into {@code scalarParts} parts.
     */
    private static int[] run(Case c, int scalarParts) throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(c.type(), OpHarness.quant(c.inScale(), c.inZp()), c.batches(), c.inH(), c.inW(), c.inC());
        int f = h.constant8(c.type(), c.filterQuant(), c.filter(), 1, c.kh(), c.kw(), c.outC());
        int b = c.bias() == null ? -1 : h.constantInts(c.bias(), c.outC());
        int out = h.tensor(c.type(), OpHarness.quant(c.outScale(), c.outZp()), c.batches(), c.outH(), c.outW(),
                c.outC());
        OperatorOptions.DepthwiseConv2D options = options(c.padding(), c.stride(), c.m(), c.activation(), c.dilation());
        if (scalarParts == 0) {
            Kernel k = h.prepare(BuiltinOp.DEPTHWISE_CONV_2D, options, new int[] {in, f, b}, out);
            h.set8(in, c.input());
            h.run(k);
        } else {
            PartitionedKernel k = (PartitionedKernel) DepthwiseConv2D.prepare(h.context(BuiltinOp.DEPTHWISE_CONV_2D,
                    options, new int[] {in, f, b}, new int[] {out}, scalarParts), false);
            h.set8(in, c.input());
            for (int part = 0; part < scalarParts; part++) {
                h.run(k, part, scalarParts);
            }
        }
        return h.get8Ints(out);
    }

    /**
     * The textbook: for every output (b, y, x, ic, mi), the sum over in-bounds taps of
     * (in - inZp) * (filter - filterZp), plus bias, times TFLite's multiplier (legacy float product for uint8,
     * double per channel for int8), plus the output zero point, clamped.
     */
    static int[] textbook(Case c) {
        int outH = c.outH();
        int outW = c.outW();
        int outC = c.outC();
        int padT = TextbookOps.padBefore(c.inH(), c.kh(), c.stride(), c.dilation(), outH);
        int padL = TextbookOps.padBefore(c.inW(), c.kw(), c.stride(), c.dilation(), outW);
        int[] range = TextbookOps.activationRange(c.type(), c.outScale(), c.outZp(), c.activation());
        int[] out = new int[c.batches() * outH * outW * outC];
        int o = 0;
        for (int b = 0; b < c.batches(); b++) {
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    for (int ic = 0; ic < c.inC(); ic++) {
                        for (int mi = 0; mi < c.m(); mi++) {
                            int oc = ic * c.m() + mi;
                            long acc = 0;
                            for (int ky = 0; ky < c.kh(); ky++) {
                                for (int kx = 0; kx < c.kw(); kx++) {
                                    int iy = y * c.stride() - padT + ky * c.dilation();
                                    int ix = x * c.stride() - padL + kx * c.dilation();
                                    if (iy < 0 || iy >= c.inH() || ix < 0 || ix >= c.inW()) {
                                        continue;
                                    }
                                    int iv = c.input()[((b * c.inH() + iy) * c.inW() + ix) * c.inC() + ic];
                                    int fv = c.filter()[(ky * c.kw() + kx) * outC + oc];
                                    acc += (long) (iv - c.inZp()) * (fv - c.filterZp());
                                }
                            }
                            if (c.bias() != null) {
                                acc += c.bias()[oc];
                            }
                            QuantizedMultiplier qm = c.type() == TensorType.UINT8
                                    ? TextbookOps.legacyMultiplier(c.inScale(), c.filterScales()[0], c.outScale())
                                    : TextbookOps.channelMultiplier(c.inScale(),
                                    c.filterScales()[c.filterScales().length == 1 ? 0 : oc], c.outScale());
                            out[o++] = TextbookOps.requantize(acc, qm, c.outZp(), range[0], range[1]);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The kernel {@link Ops} chooses, and the scalar one in 1 to 3 parts, against the textbook. */
    private static void assertMatchesTextbook(Case c, String label) throws InvalidModelException {
        int scalarParts = 1 + Math.floorMod(Arrays.hashCode(c.input()), 3);
        assertMatchesTextbook(c, label, 0);
        assertMatchesTextbook(c, label + ", scalar kernel in " + scalarParts + " parts", scalarParts);
    }

    private static void assertMatchesTextbook(Case c, String label, int scalarParts) throws InvalidModelException {
        int[] expected = textbook(c);
        int[] got = run(c, scalarParts);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != got[i]) {
                int ch = i % c.outC();
                int x = i / c.outC() % c.outW();
                int y = i / c.outC() / c.outW() % c.outH();
                int b = i / c.outC() / c.outW() / c.outH();
                throw new AssertionError(label + " (" + c.describe() + "): output[" + b + "," + y + "," + x + ","
                        + ch + "] = " + got[i] + ", textbook " + expected[i]);
            }
        }
    }

    /**
     * A random case. One in three is "narrow": values within 8 of their zero points and multipliers in
     * [0.05, 1), so outputs stay in range and the multiplier's small right shifts hit exact ties often
     * (the rounding rule shows on negative ties only).
     */
    private static Case randomCase(Random r, TensorType type, int batches, int inH, int inW, int inC, int m,
                                   int kh, int kw, int stride, int dilation, Padding padding) {
        int outC = inC * m;
        boolean narrow = r.nextInt(3) == 0;
        boolean perChannel = type == TensorType.INT8 && r.nextBoolean();
        float inScale = TextbookOps.logUniform(r, 0.005, 0.2);
        float[] filterScales = new float[perChannel ? outC : 1];
        for (int i = 0; i < filterScales.length; i++) {
            filterScales[i] = TextbookOps.logUniform(r, 0.001, 0.05);
        }
        // Aim the multiplier at a useful output spread; now and then above 1 to exercise the left shift.
        double target = narrow ? TextbookOps.logUniform(r, 0.05, 1)
                : r.nextInt(20) == 0 ? 1 + 3 * r.nextDouble() : TextbookOps.logUniform(r, 0.0005, 0.05);
        float outScale = (float) (inScale * filterScales[0] / target);
        int inZp = TextbookOps.randomZeroPoint(r, type);
        int filterZp = type == TensorType.UINT8 ? TextbookOps.randomZeroPoint(r, type) : 0;
        int[] bias = r.nextInt(5) == 0 ? null : new int[outC];
        if (bias != null) {
            for (int i = 0; i < outC; i++) {
                bias[i] = narrow ? r.nextInt(101) - 50 : r.nextInt(40001) - 20000;
            }
        }
        int inCount = batches * inH * inW * inC;
        int[] input = narrow ? TextbookOps.randomValuesNear(r, type, inCount, inZp, 8)
                : TextbookOps.randomValues(r, type, inCount);
        int[] filter = narrow ? TextbookOps.randomValuesNear(r, type, kh * kw * outC, filterZp, 8)
                : TextbookOps.randomValues(r, type, kh * kw * outC);
        return new Case(type, batches, inH, inW, inC, m, kh, kw, stride, dilation, padding,
                TextbookOps.ACTIVATIONS[r.nextInt(4)], inScale, inZp, filterScales, filterZp, outScale,
                TextbookOps.randomZeroPoint(r, type), input, filter, bias);
    }

    // ---- hand-computed cases ----

    /**
     * uint8, input zp 128, filter zp 3, output zp 100; scales 0.5 · 0.5 / 0.25 make the multiplier exactly 1.
     * Input 1x3x3x2 as (in - 128), channel 0 | channel 1:
     * <pre>
     *   1 2 3 | -1  0  1
     *   4 5 6 |  2 -2  3
     *   7 8 9 |  0  1 -1
     * </pre>
     * Filter 1x2x2x2 as (f - 3): channel 0 [[1, 0], [0, 1]], channel 1 [[1, 1], [-1, 2]]; bias [10, -5].
     * VALID: channel 0 = in[y][x] + in[y+1][x+1] + 10 = 16 18 / 22 24; channel 1 = -12 4 / -3 -7.
     */
    private static Case handCase(Activation a) {
        int[] ch0 = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] ch1 = {-1, 0, 1, 2, -2, 3, 0, 1, -1};
        int[] input = new int[18];
        for (int i = 0; i < 9; i++) {
            input[2 * i] = ch0[i] + 128;
            input[2 * i + 1] = ch1[i] + 128;
        }
        // [ky][kx][oc] as (f - 3): (0,0) = [1, 1], (0,1) = [0, 1], (1,0) = [0, -1], (1,1) = [1, 2]
        int[] filter = {4, 4, 3, 4, 3, 2, 4, 5};
        return new Case(TensorType.UINT8, 1, 3, 3, 2, 1, 2, 2, 1, 1, Padding.VALID, a, 0.5f, 128,
                new float[] {0.5f}, 3, 0.25f, 100, input, filter, new int[] {10, -5});
    }

    @Test
    void uint8HandComputed() throws InvalidModelException {
        int[] expected = {116, 88, 118, 104, 122, 97, 124, 93};
        assertArrayEquals(expected, run(handCase(Activation.NONE)));
        assertArrayEquals(expected, textbook(handCase(Activation.NONE)));
    }

    @Test
    void relu6ClampsToZeroPointAndSixOverScale() throws InvalidModelException {
        // RELU6 on scale 0.25, zp 100: [100, 100 + 6 / 0.25] = [100, 124].
        assertArrayEquals(new int[] {116, 100, 118, 104, 122, 100, 124, 100}, run(handCase(Activation.RELU6)));
    }

    /**
     * int8 per-channel with depth multiplier 2 (the option says 1: TFLite derives m from the shapes).
     * Input 1x1x2x2, zp -5, as (in + 5): pixel 0 = [3, -2], pixel 1 = [6, 1]. Filter 1x1x1x4 = [2, -1, 1, 5],
     * channel oc = ic*2 + mi. Scales: input 1, output 0.5, filter [0.5, 0.25, 1, 0.125], so the multipliers are
     * [1, 0.5, 2, 0.25]. Accumulators pixel 0 = [6, -3, -2, -10], pixel 1 = [12, -6, 1, 5].
     * TFLite's rounding, two steps for 0.25 (2^30 with a right shift of 1):
     * <ul>
     *   <li>-3 * 0.5 = -1.5 -> -1: the doubling high multiply's nudge {@code 1 - 2^30} sends negative ties
     *       toward zero;</li>
     *   <li>-10 * 0.25: -5, then -5 / 2 = -2.5 -> -3: the power-of-two division rounds ties away from zero;</li>
     *   <li>5 * 0.25 = 1.25: 2.5 -> 3, then 1.5 -> 2 (double rounding, not 1).</li>
     * </ul>
     * Output zp 10: pixel 0 = [16, 9, 6, 7], pixel 1 = [22, 7, 12, 12].
     */
    @Test
    void int8PerChannelDepthMultiplier2() throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(1f, -5), 1, 1, 2, 2);
        int f = h.constant8(TensorType.INT8, OpHarness.perChannel(new float[] {0.5f, 0.25f, 1f, 0.125f}, 3),
                new int[] {2, -1, 1, 5}, 1, 1, 1, 4);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, 10), 1, 1, 2, 4);
        Kernel k = h.prepare(BuiltinOp.DEPTHWISE_CONV_2D, options(Padding.VALID, 1, 1, Activation.NONE, 1),
                new int[] {in, f}, out);
        h.set8(in, new int[] {-2, -7, 1, -4});
        h.run(k);
        assertArrayEquals(new int[] {16, 9, 6, 7, 22, 7, 12, 12}, h.get8Ints(out));
    }

    /** uint8 input zp 0 holding 1..N row-major, 3x3 filter of ones, multiplier 1: outputs are window sums. */
    private static int[] windowSums(int n, int stride, int dilation, Padding p, int[] filter, float outScale)
            throws InvalidModelException {
        int[] input = new int[n * n];
        for (int i = 0; i < input.length; i++) {
            input[i] = i + 1;
        }
        Case c = new Case(TensorType.UINT8, 1, n, n, 1, 1, 3, 3, stride, dilation, p, Activation.NONE, 0.5f, 0,
                new float[] {0.5f}, 0, outScale, 0, input, filter, null);
        int[] got = run(c);
        assertArrayEquals(textbook(c), got);
        return got;
    }

    private static final int[] ONES = {1, 1, 1, 1, 1, 1, 1, 1, 1};

    @Test
    void sameStride2EvenInput() throws InvalidModelException {
        // 4x4, SAME, stride 2: output 2x2, total padding 1 goes after: windows rows/cols {0..2}, {2..4}.
        //  1  2  3  4
        //  5  6  7  8
        //  9 10 11 12
        // 13 14 15 16
        assertArrayEquals(new int[] {54, 45, 72, 54}, windowSums(4, 2, 1, Padding.SAME, ONES, 0.25f));
    }

    @Test
    void sameStride2OddInput() throws InvalidModelException {
        // 5x5 holding 1..25, SAME, stride 2: output 3x3, padding 1 before and 1 after.
        assertArrayEquals(new int[] {16, 33, 28, 69, 117, 87, 76, 123, 88},
                windowSums(5, 2, 1, Padding.SAME, ONES, 0.25f));
    }

    @Test
    void dilation2() throws InvalidModelException {
        // 5x5 holding 1..25, 3x3 filter 1..9 with dilation 2, VALID: taps at rows and cols 0, 2, 4:
        // 1*1 + 2*3 + 3*5 + 4*11 + 5*13 + 6*15 + 7*21 + 8*23 + 9*25 = 777. Multiplier 0.125 = 2^30 with
        // shift -2: 777 -> 388.5 -> 389 (ties away), then 389 / 4 = 97.25 -> 97.
        int[] filter = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(new int[] {97}, windowSums(5, 1, 2, Padding.VALID, filter, 2f));
    }

    /**
     * Float, depth multiplier 3. Input 1x2x2x1 = [[1, 2], [3, 4]]; filter 1x2x2x3 per (ky, kx) = [oc0, oc1, oc2]:
     * oc0 all 1 (sum 10), oc1 [[1, 0], [0, -1]] (-3), oc2 all 0.5 (5); bias [0, 1, -1] gives [10, -2, 4];
     * RELU6 gives [6, 0, 4].
     */
    @Test
    void floatDepthMultiplier3() throws InvalidModelException {
        for (Activation a : new Activation[] {Activation.NONE, Activation.RELU6}) {
            OpHarness h = new OpHarness();
            int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 1);
            int f = h.constantFloats(new float[] {1, 1, 0.5f, 1, 0, 0.5f, 1, 0, 0.5f, 1, -1, 0.5f}, 1, 2, 2, 3);
            int b = h.constantFloats(new float[] {0, 1, -1}, 3);
            int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 1, 1, 3);
            Kernel k = h.prepare(BuiltinOp.DEPTHWISE_CONV_2D, options(Padding.VALID, 1, 3, a, 1),
                    new int[] {in, f, b}, out);
            h.setFloats(in, new float[] {1, 2, 3, 4});
            h.run(k);
            float[] expected = a == Activation.NONE ? new float[] {10, -2, 4} : new float[] {6, 0, 4};
            assertArrayEquals(expected, h.getFloats(out));
        }
    }

    /**
     * uint8 uses TFLite's legacy multiplier, (double) (inScale * filterScale as float) / outScale, not the
     * all-double one. Searches filter scales near a real MobileNet layer's for an accumulator (fed in as the
     * bias) on which the two round differently, and checks the legacy one wins for uint8 and the all-double
     * one for int8.
     */
    @Test
    void uint8UsesLegacyFloatProductMultiplier() throws InvalidModelException {
        float inScale = 0.023528477f;
        float outScale = 0.2f;
        for (int k = 0; k < 1000; k++) {
            float filterScale = 0.004f + k * 1e-6f;
            QuantizedMultiplier legacy = TextbookOps.legacyMultiplier(inScale, filterScale, outScale);
            QuantizedMultiplier dbl = TextbookOps.channelMultiplier(inScale, filterScale, outScale);
            for (int x = 1; !legacy.equals(dbl) && apply(x, legacy) < 100; x++) {
                if (apply(x, legacy) != apply(x, dbl)) {
                    for (TensorType t : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
                        int zp = t == TensorType.UINT8 ? 128 : 0;
                        Case c = new Case(t, 1, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID, Activation.NONE, inScale, zp,
                                new float[] {filterScale}, 0, outScale, zp, new int[] {zp}, new int[] {1},
                                new int[] {x});
                        int expected = apply(x, t == TensorType.UINT8 ? legacy : dbl) + zp;
                        assertEquals(expected, run(c)[0], t + " accumulator " + x + " filter scale " + filterScale);
                    }
                    return;
                }
            }
        }
        throw new AssertionError("no accumulator separates the two multipliers");
    }

    private static int apply(int x, QuantizedMultiplier m) {
        return FixedPoint.multiplyByQuantizedMultiplier(x, m.multiplier(), m.shift());
    }

    // ---- textbook comparisons ----

    /** Fixed geometries the brief insists on, each in both types, against the textbook. */
    @ParameterizedTest
    @CsvSource({
        // inH, inW, inC, m, k, stride, dilation, padding
        "8, 8, 3, 1, 3, 2, 1, SAME",
        "7, 7, 3, 1, 3, 2, 1, SAME",
        "6, 9, 2, 2, 3, 2, 1, SAME",
        "9, 6, 2, 3, 3, 2, 1, SAME",
        "7, 8, 2, 2, 3, 1, 2, SAME",
        "9, 9, 1, 3, 3, 1, 2, VALID",
        "5, 5, 4, 1, 5, 2, 1, SAME",
        "1, 1, 3, 2, 3, 1, 1, SAME",
    })
    void fixedGeometriesMatchTextbook(int inH, int inW, int inC, int m, int k, int stride, int dilation,
                                      Padding padding) throws InvalidModelException {
        Random r = new Random(inH * 1000 + inW * 100 + m * 10 + stride);
        for (TensorType t : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            for (int rep = 0; rep < 3; rep++) {
                Case c = randomCase(r, t, 1, inH, inW, inC, m, k, k, stride, dilation, padding);
                assertMatchesTextbook(c, "fixed");
            }
        }
    }

    @Test
    void randomCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(0xD3C0DE);
        int cases = 0;
        while (cases < 200) {
            TensorType t = r.nextBoolean() ? TensorType.UINT8 : TensorType.INT8;
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int dilation = 1 + r.nextInt(2);
            Padding p = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            int inH = 1 + r.nextInt(9);
            int inW = 1 + r.nextInt(9);
            int stride = 1 + r.nextInt(2);
            if (TextbookOps.outSize(p, inH, kh, stride, dilation) < 1
                    || TextbookOps.outSize(p, inW, kw, stride, dilation) < 1) {
                continue;
            }
            Case c = randomCase(r, t, 1 + r.nextInt(2), inH, inW, 1 + r.nextInt(4), 1 + r.nextInt(3), kh, kw,
                    stride, dilation, p);
            assertMatchesTextbook(c, "random case " + cases);
            cases++;
        }
    }

    /** Float path: reference summation order (taps in filter order from 0, then bias), so bit-exact. */
    @Test
    void randomFloatCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(42);
        for (int i = 0; i < 50; i++) {
            int inH = 1 + r.nextInt(7);
            int inW = 1 + r.nextInt(7);
            int inC = 1 + r.nextInt(3);
            int m = 1 + r.nextInt(3);
            int k = 1 + r.nextInt(3);
            int stride = 1 + r.nextInt(2);
            int dilation = 1 + r.nextInt(2);
            Padding p = Padding.SAME;
            Activation a = TextbookOps.ACTIVATIONS[r.nextInt(4)];
            int outC = inC * m;
            int outH = TextbookOps.outSize(p, inH, k, stride, dilation);
            int outW = TextbookOps.outSize(p, inW, k, stride, dilation);
            float[] input = TextbookOps.randomFloats(r, inH * inW * inC, 2f);
            float[] filter = TextbookOps.randomFloats(r, k * k * outC, 1f);
            float[] bias = TextbookOps.randomFloats(r, outC, 1f);
            OpHarness h = new OpHarness();
            int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, inH, inW, inC);
            int f = h.constantFloats(filter, 1, k, k, outC);
            int b = h.constantFloats(bias, outC);
            int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, outH, outW, outC);
            Kernel kernel = h.prepare(BuiltinOp.DEPTHWISE_CONV_2D, options(p, stride, m, a, dilation),
                    new int[] {in, f, b}, out);
            h.setFloats(in, input);
            h.run(kernel);
            int padT = TextbookOps.padBefore(inH, k, stride, dilation, outH);
            int padL = TextbookOps.padBefore(inW, k, stride, dilation, outW);
            float[] range = TextbookOps.activationRangeFloat(a);
            float[] expected = new float[outH * outW * outC];
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    for (int oc = 0; oc < outC; oc++) {
                        float acc = 0f;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = y * stride - padT + ky * dilation;
                                int ix = x * stride - padL + kx * dilation;
                                if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                    acc += input[(iy * inW + ix) * inC + oc / m] * filter[(ky * k + kx) * outC + oc];
                                }
                            }
                        }
                        expected[(y * outW + x) * outC + oc] = TextbookOps.clampFloat(acc + bias[oc], range[0],
                                range[1]);
                    }
                }
            }
            assertArrayEquals(expected, h.getFloats(out), "float case " + i);
        }
    }

    // ---- prepare-time errors ----

    private static InvalidModelException prepareFails(TensorType type, int inC, int filterC, int outC,
                                                      Quantization filterQuant, int[] filterShape) {
        OpHarness h = new OpHarness();
        int in = h.tensor(type, OpHarness.quant(0.5f, 0), 1, 4, 4, inC);
        int count = Arrays.stream(filterShape).reduce(1, (a, b) -> a * b);
        int f = h.constant8(type, filterQuant, new int[count], filterShape);
        int out = h.tensor(type, OpHarness.quant(0.5f, 0), 1, 4, 4, outC);
        return assertThrows(InvalidModelException.class, () -> h.prepare(BuiltinOp.DEPTHWISE_CONV_2D,
                options(Padding.SAME, 1, 1, Activation.NONE, 1), new int[] {in, f}, out));
    }

    @Test
    void rejectsFilterChannelsNotAMultipleOfInput() {
        InvalidModelException e = prepareFails(TensorType.UINT8, 2, 5, 5, OpHarness.quant(0.1f, 0),
                new int[] {1, 3, 3, 5});
        assertEquals("op #0 DEPTHWISE_CONV_2D: filter has 5 output channels, not a multiple of the input's 2",
                e.getMessage());
    }

    @Test
    void rejectsOutputChannelMismatch() {
        InvalidModelException e = prepareFails(TensorType.UINT8, 2, 4, 6, OpHarness.quant(0.1f, 0),
                new int[] {1, 3, 3, 4});
        assertTrue(e.getMessage().startsWith("op #0 DEPTHWISE_CONV_2D: output "), e.getMessage());
        assertTrue(e.getMessage().contains("expected [1, 4, 4, 4]"), e.getMessage());
    }

    @Test
    void rejectsPerChannelScaleCountMismatch() {
        InvalidModelException e = prepareFails(TensorType.INT8, 2, 4, 4,
                OpHarness.perChannel(new float[] {0.1f, 0.1f, 0.1f}, 3), new int[] {1, 3, 3, 4});
        assertEquals("op #0 DEPTHWISE_CONV_2D: filter has 3 scales along dimension 3, expected 4 along dimension 3",
                e.getMessage());
    }

    @Test
    void rejectsPerChannelAlongWrongDimension() {
        InvalidModelException e = prepareFails(TensorType.INT8, 1, 1, 1,
                OpHarness.perChannel(new float[] {0.1f, 0.1f, 0.1f}, 1), new int[] {1, 3, 3, 1});
        assertTrue(e.getMessage().startsWith("op #0 DEPTHWISE_CONV_2D: filter has 3 scales along dimension 1"),
                e.getMessage());
    }

    @Test
    void rejectsPerChannelUint8() {
        InvalidModelException e = prepareFails(TensorType.UINT8, 2, 2, 2,
                OpHarness.perChannel(new float[] {0.1f, 0.2f}, 3), new int[] {1, 3, 3, 2});
        assertTrue(e.getMessage().startsWith("op #0 DEPTHWISE_CONV_2D: filter "), e.getMessage());
        assertTrue(e.getMessage().contains("must be quantized per tensor"), e.getMessage());
    }

    @Test
    void rejectsInt8FilterZeroPoint() {
        InvalidModelException e = prepareFails(TensorType.INT8, 2, 2, 2, OpHarness.quant(0.1f, 3),
                new int[] {1, 3, 3, 2});
        assertTrue(e.getMessage().startsWith("op #0 DEPTHWISE_CONV_2D: int8 filter "), e.getMessage());
        assertTrue(e.getMessage().endsWith("has zero point 3; TFLite's int8 scheme requires 0"), e.getMessage());
    }

    @Test
    void rejectsFilterLeadingDimension() {
        InvalidModelException e = prepareFails(TensorType.UINT8, 2, 2, 2, OpHarness.quant(0.1f, 0),
                new int[] {2, 3, 3, 2});
        assertTrue(e.getMessage().startsWith("op #0 DEPTHWISE_CONV_2D: filter "), e.getMessage());
        assertTrue(e.getMessage().contains("has leading dimension 2, expected 1"), e.getMessage());
    }

    @Test
    void rejectsMixedTypes() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 0), 1, 4, 4, 2);
        int f = h.constant8(TensorType.INT8, OpHarness.quant(0.5f, 0), new int[18], 1, 3, 3, 2);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 0), 1, 4, 4, 2);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> h.prepare(
                BuiltinOp.DEPTHWISE_CONV_2D, options(Padding.SAME, 1, 1, Activation.NONE, 1), new int[] {in, f},
                out));
        assertTrue(e.getMessage().startsWith("op #0 DEPTHWISE_CONV_2D: filter "), e.getMessage());
    }
}
