package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.kernels.support.Geometry;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.kernels.vector.ConvGemmVariant;
import owlet.runtime.kernels.vector.Depthwise3x3Variant;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * Every optimized kernel against its reference kernel on random shapes and quantization: odd sizes, stride
 * 2 with SAME padding, channel counts that are not a multiple of the vector width, int8 (per-tensor and
 * per-channel) and uint8, every fused activation the models use. Both kernels are prepared from the same
 * op over the same arena; the optimized one also runs split into three parts and into {@link #MAX_PARTS}
 * (more parts than rows or pixels on the small shapes: some parts are empty). The output bytes must be
 * identical. Each op once with the kernel its rule chooses, and once with every variant forced on the
 * shapes that variant takes.
 */
class OptimizedKernelsTest {
    private static final int CASES = 300;
    /** Shapes per variant when every variant is forced, whether or not the rule would choose it. */
    private static final int VARIANT_CASES = 100;
    /** The most parts a kernel is prepared for: as an interpreter on two threads splits an operator. */
    private static final int MAX_PARTS = 8;
    private static final Activation[] ACTIVATIONS = {Activation.NONE, Activation.RELU, Activation.RELU6};

    @BeforeAll
    static void vectorApiPresent() {
        assumeTrue(VectorSupport.ENABLED, "Vector API kernels are off: " + VectorSupport.describe());
    }

    static Stream<Integer> seeds() {
        return IntStream.range(0, CASES).boxed();
    }

    /** Every CONV_2D variant, on the first {@link #VARIANT_CASES} shapes of a test. */
    static Stream<Arguments> convVariants() {
        return Arrays.stream(ConvGemmVariant.values())
                .flatMap(v -> IntStream.range(0, VARIANT_CASES).mapToObj(seed -> Arguments.of(v, seed)));
    }

    /** Every 3×3 DEPTHWISE_CONV_2D variant, on the first {@link #VARIANT_CASES} shapes. */
    static Stream<Arguments> depthwise3x3Variants() {
        return Arrays.stream(Depthwise3x3Variant.values())
                .flatMap(v -> IntStream.range(0, VARIANT_CASES).mapToObj(seed -> Arguments.of(v, seed)));
    }

    /**
     * One random op with its reference kernel, ready to be compared with an optimized kernel prepared
     * from {@code ctx}.
     */
    private record Case(OpHarness harness, OpContext ctx, Kernel reference, int in, int out, Quant q, Random r,
                        String what) {
        void compare(Kernel optimized) {
            OptimizedKernelsTest.compare(harness, reference, optimized, in, out, q, r, what);
        }

        /** {@code optimized} is null when the variant does not take the shape: skipped, not failed. */
        void compareVariant(Kernel optimized, Enum<?> variant) {
            assumeTrue(optimized != null, variant + " does not take " + what);
            OptimizedKernelsTest.compare(harness, reference, optimized, in, out, q, r, what + ", " + variant);
        }
    }

    /**
     * One random weighted op: type, per-channel or not, quantization, activation, data; with
     * {@code extreme}, data and filter zero points only at the ends of the type's range.
     */
    private record Quant(TensorType type, boolean perChannel, Activation activation, boolean extreme) {
        static Quant random(Random r) {
            TensorType type = r.nextBoolean() ? TensorType.UINT8 : TensorType.INT8;
            return new Quant(type, type == TensorType.INT8 && r.nextBoolean(), ACTIVATIONS[r.nextInt(ACTIVATIONS.length)],
                    false);
        }

        /** This quantization with values at the ends of the range only. */
        Quant extremes() {
            return new Quant(type, perChannel, activation, true);
        }

        int zeroPoint(Random r) {
            int lo = type == TensorType.UINT8 ? 0 : -128;
            return extreme ? lo + 255 * r.nextInt(2) : lo + r.nextInt(256);
        }

        Quantization filter(Random r, int channels, int dim) {
            if (perChannel) {
                float[] s = new float[channels];
                for (int c = 0; c < channels; c++) {
                    s[c] = 0.001f + r.nextFloat() * 0.02f;
                }
                return OpHarness.perChannel(s, dim);
            }
            return OpHarness.quant(0.001f + r.nextFloat() * 0.02f, type == TensorType.INT8 ? 0 : zeroPoint(r));
        }

        int[] values(Random r, int n) {
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = zeroPoint(r);
            }
            return v;
        }
    }

    private static int[] bias(Random r, int n) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            b[i] = r.nextInt(40_001) - 20_000;
        }
        return b;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void pointwiseConvMatchesReference(int seed) throws InvalidModelException {
        Case c = pointwiseConv(seed);
        c.compare(Conv2D.prepare(c.ctx(), true));
    }

    @ParameterizedTest
    @MethodSource("convVariants")
    void pointwiseConvVariantsMatchReference(ConvGemmVariant variant, int seed) throws InvalidModelException {
        Case c = pointwiseConv(seed);
        c.compareVariant(Conv2D.prepare(c.ctx(), variant), variant);
    }

    private static Case pointwiseConv(int seed) throws InvalidModelException {
        Random r = new Random(1000 + seed);
        Quant q = Quant.random(r);
        int batches = 1 + r.nextInt(2);
        int h = 1 + r.nextInt(9);
        int w = 1 + r.nextInt(9);
        int inC = 1 + r.nextInt(seed % 10 == 0 ? 300 : 70);
        int outC = 1 + r.nextInt(70);
        OpHarness harness = new OpHarness();
        int in = harness.tensor(q.type(), OpHarness.quant(0.01f + r.nextFloat() * 0.1f, q.zeroPoint(r)), batches, h, w, inC);
        int f = harness.constant8(q.type(), q.filter(r, outC, 0), q.values(r, outC * inC), outC, 1, 1, inC);
        int b = harness.constantInts(bias(r, outC), outC);
        int out = harness.tensor(q.type(), OpHarness.quant(0.02f + r.nextFloat() * 0.3f, q.zeroPoint(r)), batches, h, w, outC);
        OperatorOptions.Conv2D options = new OperatorOptions.Conv2D(Padding.SAME, 1, 1, q.activation(), 1, 1);
        OpContext ctx = harness.context(BuiltinOp.CONV_2D, options, new int[] {in, f, b}, new int[] {out}, MAX_PARTS);
        String what = "seed " + seed + ": " + q + " " + batches + "x" + h + "x" + w + "x" + inC + " -> " + outC;
        return new Case(harness, ctx, Conv2D.prepare(ctx, false), in, out, q, r, what);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void convMatchesReference(int seed) throws InvalidModelException {
        Case c = conv(seed);
        c.compare(Conv2D.prepare(c.ctx(), true));
    }

    @ParameterizedTest
    @MethodSource("convVariants")
    void convVariantsMatchReference(ConvGemmVariant variant, int seed) throws InvalidModelException {
        Case c = conv(seed);
        c.compareVariant(Conv2D.prepare(c.ctx(), variant), variant);
    }

    private static Case conv(int seed) throws InvalidModelException {
        Random r = new Random(3000 + seed);
        Quant q = Quant.random(r);
        int batches = 1 + r.nextInt(2);
        int h = 1 + r.nextInt(11);
        int w = 1 + r.nextInt(11);
        int inC = 1 + r.nextInt(seed % 3 == 0 ? 3 : 20);
        int outC = 1 + r.nextInt(40);
        int kh = 1 + r.nextInt(3);
        int kw = 1 + r.nextInt(3);
        int stride = 1 + r.nextInt(2);
        int dilation = r.nextInt(5) == 0 ? 2 : 1;
        Padding padding = r.nextInt(4) == 0 ? Padding.VALID : Padding.SAME;
        if (padding == Padding.VALID && (h < (kh - 1) * dilation + 1 || w < (kw - 1) * dilation + 1)) {
            padding = Padding.SAME;
        }
        int outH = Geometry.outputSize(padding, h, kh, stride, dilation);
        int outW = Geometry.outputSize(padding, w, kw, stride, dilation);
        OpHarness harness = new OpHarness();
        int in = harness.tensor(q.type(), OpHarness.quant(0.01f + r.nextFloat() * 0.1f, q.zeroPoint(r)), batches, h, w, inC);
        int f = harness.constant8(q.type(), q.filter(r, outC, 0), q.values(r, outC * kh * kw * inC), outC, kh, kw, inC);
        int b = harness.constantInts(bias(r, outC), outC);
        int out = harness.tensor(q.type(), OpHarness.quant(0.02f + r.nextFloat() * 0.3f, q.zeroPoint(r)), batches, outH, outW, outC);
        OperatorOptions.Conv2D options = new OperatorOptions.Conv2D(padding, stride, stride, q.activation(), dilation,
                dilation);
        OpContext ctx = harness.context(BuiltinOp.CONV_2D, options, new int[] {in, f, b}, new int[] {out}, MAX_PARTS);
        String what = "seed " + seed + ": " + q + " " + batches + "x" + h + "x" + w + "x" + inC + " -> " + outC + " k "
                + kh + "x" + kw + " stride " + stride + " dilation " + dilation + " " + padding;
        return new Case(harness, ctx, Conv2D.prepare(ctx, false), in, out, q, r, what);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void depthwise3x3MatchesReference(int seed) throws InvalidModelException {
        Case c = depthwise3x3(seed);
        c.compare(DepthwiseConv2D.prepare(c.ctx(), true));
    }

    @ParameterizedTest
    @MethodSource("depthwise3x3Variants")
    void depthwise3x3VariantsMatchReference(Depthwise3x3Variant variant, int seed) throws InvalidModelException {
        Case c = depthwise3x3(seed);
        c.compareVariant(DepthwiseConv2D.prepare(c.ctx(), variant), variant);
    }

    /** Channel counts that are and are not multiples of 2L, for L = 4 and 8 (the sliding walk's pairs). */
    private static final int[] EXTREME_CHANNELS = {4, 8, 12, 16, 24, 40, 48};

    /**
     * Every 3×3 DEPTHWISE_CONV_2D variant with inputs and weights at the ends of their range: products of
     * ±32640 and sums of nine near ±2^18 (the 16-bit lanes of {@code Depthwise3x3SlidingWindow}).
     */
    static Stream<Arguments> depthwise3x3ExtremeCases() {
        return Arrays.stream(Depthwise3x3Variant.values())
                .flatMap(v -> IntStream.range(0, 3 * EXTREME_CHANNELS.length).mapToObj(seed -> Arguments.of(v, seed)));
    }

    @ParameterizedTest
    @MethodSource("depthwise3x3ExtremeCases")
    void depthwise3x3ExtremeValuesMatchReference(Depthwise3x3Variant variant, int seed) throws InvalidModelException {
        Case c = depthwise3x3(seed, true);
        c.compareVariant(DepthwiseConv2D.prepare(c.ctx(), variant), variant);
    }

    private static Case depthwise3x3(int seed) throws InvalidModelException {
        return depthwise3x3(seed, false);
    }

    private static Case depthwise3x3(int seed, boolean extreme) throws InvalidModelException {
        Random r = new Random(2000 + seed);
        Quant q = extreme ? Quant.random(r).extremes() : Quant.random(r);
        int batches = 1 + r.nextInt(2);
        int h = 1 + r.nextInt(12);
        int w = 1 + r.nextInt(12);
        // A quarter with a multiple of 16 channels: whole channel blocks at every vector width (the row walks).
        int c = extreme ? EXTREME_CHANNELS[seed % EXTREME_CHANNELS.length]
                : seed % 4 == 3 ? 16 * (1 + r.nextInt(4)) : 1 + r.nextInt(seed % 10 == 0 ? 200 : 40);
        int stride = 1 + r.nextInt(2);
        Padding padding = r.nextInt(4) == 0 ? Padding.VALID : Padding.SAME;
        if (padding == Padding.VALID && (h < 3 || w < 3)) {
            padding = Padding.SAME;
        }
        int outH = Geometry.outputSize(padding, h, 3, stride, 1);
        int outW = Geometry.outputSize(padding, w, 3, stride, 1);
        OpHarness harness = new OpHarness();
        float inScale = 0.01f + r.nextFloat() * 0.1f;
        int in = harness.tensor(q.type(), OpHarness.quant(inScale, q.zeroPoint(r)), batches, h, w, c);
        int f = harness.constant8(q.type(), q.filter(r, c, 3), q.values(r, 9 * c), 1, 3, 3, c);
        int b = harness.constantInts(bias(r, c), c);
        // Extreme sums are about ±1e5 (nine products of ±32640, random signs): an output scale of about
        // 1e-3 of the accumulator's (input scale · filter scale, the latter 0.011 on average) keeps many
        // outputs off the clamp, and the output zero point in the middle of the range.
        float outScale = extreme ? inScale * 0.011f * 1000 * (0.5f + r.nextFloat()) : 0.02f + r.nextFloat() * 0.3f;
        int outZp = extreme ? (q.type() == TensorType.UINT8 ? 128 : 0) : q.zeroPoint(r);
        int out = harness.tensor(q.type(), OpHarness.quant(outScale, outZp), batches, outH, outW, c);
        OperatorOptions.DepthwiseConv2D options = new OperatorOptions.DepthwiseConv2D(padding, stride, stride, 1,
                q.activation(), 1, 1);
        OpContext ctx = harness.context(BuiltinOp.DEPTHWISE_CONV_2D, options, new int[] {in, f, b}, new int[] {out}, MAX_PARTS);
        String what = "seed " + seed + ": " + q + " " + batches + "x" + h + "x" + w + "x" + c + " stride " + stride + " "
                + padding;
        return new Case(harness, ctx, DepthwiseConv2D.prepare(ctx, false), in, out, q, r, what);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void addMatchesReference(int seed) throws InvalidModelException {
        Random r = new Random(4000 + seed);
        Quant q = Quant.random(r);
        int h = 1 + r.nextInt(9);
        int w = 1 + r.nextInt(9);
        int c = 1 + r.nextInt(seed % 10 == 0 ? 200 : 40);
        OpHarness harness = new OpHarness();
        int a = harness.tensor(q.type(), OpHarness.quant(0.01f + r.nextFloat() * 0.2f, q.zeroPoint(r)), 1, h, w, c);
        int b = harness.tensor(q.type(), OpHarness.quant(0.01f + r.nextFloat() * 0.2f, q.zeroPoint(r)), 1, h, w, c);
        int out = harness.tensor(q.type(), OpHarness.quant(0.02f + r.nextFloat() * 0.3f, q.zeroPoint(r)), 1, h, w, c);
        OpContext ctx = harness.context(BuiltinOp.ADD, new OperatorOptions.Elementwise(q.activation()),
                new int[] {a, b}, new int[] {out}, MAX_PARTS);
        String what = "seed " + seed + ": " + q + " 1x" + h + "x" + w + "x" + c;
        // compare() fills input b (with the rest of the arena) with random bytes, input a with values.
        compare(harness, Add.prepare(ctx, false), Add.prepare(ctx, true), a, out, q, r, what);
    }

    private static void compare(OpHarness harness, Kernel reference, Kernel optimized, int in, int out, Quant q,
                                Random r, String what) {
        assertNotEquals(reference.getClass(), optimized.getClass(), what + ": no optimized kernel was chosen");
        // Random bytes between the tensors and in the arena's tail: a vector kernel may read past its input
        // into lanes it discards; those bytes must not reach the output, and nothing outside it is written.
        harness.scribble(r);
        harness.set8(in, q.values(r, harness.get(in).elementCount()));
        harness.run(reference);
        int[] expected = harness.get8Ints(out);
        harness.set8(out, new int[expected.length]);
        byte[] before = harness.arenaCopy();
        harness.run(optimized);
        assertArrayEquals(expected, harness.get8Ints(out), what + ", one part");
        assertEquals(-1, harness.firstWriteOutside(before, out), what + ": wrote outside its output");
        PartitionedKernel split = (PartitionedKernel) optimized;
        for (int parts : new int[] {3, MAX_PARTS}) {
            harness.set8(out, new int[expected.length]);
            for (int part = parts - 1; part >= 0; part--) {
                harness.run(split, part, parts);
            }
            assertArrayEquals(expected, harness.get8Ints(out), what + ", " + parts + " parts");
            assertEquals(-1, harness.firstWriteOutside(before, out), what + ": wrote outside its output (" + parts
                    + " parts)");
        }
    }
}
