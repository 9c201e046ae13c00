package owlet.quantization.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Issue #16's operators against TensorFlow Lite itself: small graphs built with {@link ModelBuilder}, written
 * with {@link ModelWriter}, run by both on the same inputs (every byte or byte pair for 8-bit operators, random
 * and special values for float ones); the output bytes must be equal (floats: equal bits, or both NaN).
 */
class OperatorsMatchTfLiteTest {
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.3f, -0.3f,
        5.999f, 6f, 6.5f, -7f, 1e-30f, -1e-30f, 3e9f, -3e9f, 8388609.5f, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    private static Quantization q(float scale, int zp) {
        return new Quantization(new float[] {scale}, new long[] {zp}, 0);
    }

    private static int lo(TensorType t) {
        return t == TensorType.UINT8 ? 0 : -128;
    }

    /** Every byte pair: [256, 256] inputs holding the row index and the column index (original values). */
    private static byte[][] everyBytePair(TensorType t) {
        byte[] a = new byte[65536];
        byte[] b = new byte[65536];
        for (int i = 0; i < 65536; i++) {
            a[i] = (byte) (lo(t) + (i >> 8));
            b[i] = (byte) (lo(t) + (i & 0xFF));
        }
        return new byte[][] {a, b};
    }

    private static byte[] everyByte() {
        byte[] x = new byte[256];
        for (int i = 0; i < 256; i++) {
            x[i] = (byte) i;
        }
        return x;
    }

    static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static byte[] intBytes(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private static float[] floats(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[raw.length / 4];
        for (int i = 0; i < f.length; i++) {
            f[i] = b.getFloat();
        }
        return f;
    }

    /** Runs {@code m} in Owlet and TFLite on raw input bytes and compares every output. */
    static void assertSame(Model m, String what, byte[]... inputs) throws Exception {
        assertClose(m, what, 0, inputs);
    }

    /**
     * Like {@link #assertSame}, but float outputs may differ from TFLite's by {@code tolerance} relative to
     * {@code max(1, |TFLite's value|)} (for float kernels whose summation order TFLite does not fix).
     */
    static void assertClose(Model m, String what, double tolerance, byte[]... inputs) throws Exception {
        byte[] file = ModelWriter.toBytes(m);
        Model parsed = Model.parse(ByteBuffer.wrap(file), what);
        int outputs = parsed.outputs().length;
        byte[][] mine = new byte[outputs][];
        try (Interpreter owlet = Interpreter.create(parsed)) {
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = parsed.input(i);
                if (t.type() == TensorType.FLOAT32) {
                    owlet.setInput(i, floats(inputs[i]));
                } else {
                    owlet.setInput(i, inputs[i]);
                }
            }
            owlet.run();
            for (int i = 0; i < outputs; i++) {
                Tensor t = parsed.output(i);
                if (t.type() == TensorType.FLOAT32) {
                    float[] f = new float[t.elementCount()];
                    owlet.outputAsFloat(i, f);
                    mine[i] = floatBytes(f);
                } else {
                    mine[i] = new byte[t.elementCount()];
                    owlet.output(i, mine[i]);
                }
            }
        }
        byte[][] theirs;
        try (TfLite tflite = new TfLite(file)) {
            theirs = tflite.runRaw(inputs, outputs);
        }
        for (int i = 0; i < outputs; i++) {
            boolean isFloat = parsed.output(i).type() == TensorType.FLOAT32;
            assertEquals(theirs[i].length, mine[i].length, what + ": output " + i + " length");
            for (int k = 0; k < mine[i].length; k += isFloat ? 4 : 1) {
                if (isFloat) {
                    float a = ByteBuffer.wrap(theirs[i], k, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
                    float b = ByteBuffer.wrap(mine[i], k, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
                    boolean close = tolerance > 0 && Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a));
                    if (Float.floatToIntBits(a) != Float.floatToIntBits(b) && !close) {
                        fail(what + ": output " + i + " element " + k / 4 + ": TFLite " + a + " (0x"
                                + Integer.toHexString(Float.floatToRawIntBits(a)) + "), Owlet " + b + " (0x"
                                + Integer.toHexString(Float.floatToRawIntBits(b)) + ")" + inputsAt(inputs, k / 4));
                    }
                } else if (theirs[i][k] != mine[i][k]) {
                    fail(what + ": output " + i + " element " + k + ": TFLite " + theirs[i][k] + ", Owlet " + mine[i][k]);
                }
            }
        }
    }

    private static String inputsAt(byte[][] inputs, int k) {
        StringBuilder s = new StringBuilder();
        for (byte[] in : inputs) {
            if (4 * k + 4 <= in.length) {
                s.append(", input ").append(ByteBuffer.wrap(in, 4 * k, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
            }
        }
        return s.toString();
    }

    // ---- SUB ----

    @ParameterizedTest
    @CsvSource({
        "INT8, NONE, 0.02, -5, 0.03, 7, 0.04, 3",
        "UINT8, NONE, 0.02, 123, 0.03, 135, 0.04, 131",
        "INT8, RELU6, 0.05, 0, 0.05, 0, 0.05, -128",
        "UINT8, RELU, 0.5, 0, 0.25, 255, 0.7, 10",
        "INT8, RELU_N1_TO_1, 0.01, 10, 0.013, -20, 0.009, 0",
        "INT8, NONE, 0.1, 0, 0.1, 0, 0.1, 0",
        "UINT8, NONE, 1.0e-3, 128, 7.0e-4, 100, 2.0e-3, 128",
    })
    void subEveryBytePair(TensorType type, Activation act, float s1, int z1, float s2, int z2, float so, int zo)
            throws Exception {
        ModelBuilder b = new ModelBuilder("SUB").description("single-op test");
        int a = b.tensor("a", type, new int[] {256, 256}, q(s1, z1), null);
        int c = b.tensor("b", type, new int[] {256, 256}, q(s2, z2), null);
        int out = b.tensor("out", type, new int[] {256, 256}, q(so, zo), null);
        b.operator(BuiltinOp.SUB, new OperatorOptions.Elementwise(act), new int[] {a, c}, out);
        byte[][] x = everyBytePair(type);
        assertSame(b.inputs(a, c).outputs(out).build(), "SUB " + type + " " + act, x[0], x[1]);
    }

    /** Broadcasts both ways round: a constant vector minus a map, a map minus a constant vector. */
    @ParameterizedTest
    @CsvSource({"INT8, false", "INT8, true", "UINT8, false", "UINT8, true"})
    void subBroadcastsEitherWay(TensorType type, boolean constantFirst) throws Exception {
        ModelBuilder b = new ModelBuilder("SUB").description("single-op test");
        int in = b.tensor("in", type, new int[] {1, 16, 16}, q(0.031f, lo(type) + 100), null);
        byte[] grid = new byte[16];
        for (int i = 0; i < 16; i++) {
            grid[i] = (byte) (i * 17 + 3);
        }
        int c = b.tensor("c", type, new int[] {16}, q(0.017f, lo(type) + 140), grid);
        int out = b.tensor("out", type, new int[] {1, 16, 16}, q(0.05f, lo(type) + 128), null);
        b.operator(BuiltinOp.SUB, new OperatorOptions.Elementwise(Activation.NONE),
                constantFirst ? new int[] {c, in} : new int[] {in, c}, out);
        byte[] x = new byte[256];
        for (int i = 0; i < 256; i++) {
            x[i] = (byte) ((i / 16) * 17 + 5);
        }
        assertSame(b.inputs(in).outputs(out).build(), "SUB " + type + " constant first " + constantFirst, x);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"NONE", "RELU", "RELU6", "RELU_N1_TO_1"})
    void subFloat(Activation act) throws Exception {
        for (boolean vectorFirst : new boolean[] {false, true}) {
            ModelBuilder b = new ModelBuilder("SUB").description("single-op test");
            int x = b.tensor("x", TensorType.FLOAT32, 2, 13, 26);
            int v = b.tensor("v", TensorType.FLOAT32, 26);
            int out = b.tensor("out", TensorType.FLOAT32, 2, 13, 26);
            b.operator(BuiltinOp.SUB, new OperatorOptions.Elementwise(act),
                    vectorFirst ? new int[] {v, x} : new int[] {x, v}, out);
            float[] xs = new float[2 * 13 * 26];
            float[] vs = new float[26];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = SPECIAL[i % SPECIAL.length] * (i < SPECIAL.length ? 1 : (i % 7) * 0.37f + 0.1f);
            }
            for (int i = 0; i < vs.length; i++) {
                vs[i] = SPECIAL[(i * 5) % SPECIAL.length];
            }
            assertSame(b.inputs(x, v).outputs(out).build(), "SUB float " + act + " vector first " + vectorFirst,
                    floatBytes(xs), floatBytes(vs));
        }
    }

    // ---- MAXIMUM, MINIMUM ----

    @ParameterizedTest
    @CsvSource({"MAXIMUM, INT8", "MAXIMUM, UINT8", "MINIMUM, INT8", "MINIMUM, UINT8"})
    void maxMinEveryBytePair(BuiltinOp op, TensorType type) throws Exception {
        ModelBuilder b = new ModelBuilder(op.name()).description("single-op test");
        int a = b.tensor("a", type, new int[] {256, 256}, q(0.1f, lo(type) + 3), null);
        int c = b.tensor("b", type, new int[] {256, 256}, q(0.1f, lo(type) + 3), null);
        int out = b.tensor("out", type, new int[] {256, 256}, q(0.1f, lo(type) + 3), null);
        b.operator(op, new OperatorOptions.None(), new int[] {a, c}, out);
        byte[][] x = everyBytePair(type);
        assertSame(b.inputs(a, c).outputs(out).build(), op + " " + type, x[0], x[1]);
    }

    /** Every pair of special values (±0, NaN, infinities) in both orders, and a broadcast either way round. */
    @ParameterizedTest
    @CsvSource({"MAXIMUM", "MINIMUM"})
    void maxMinFloat(BuiltinOp op) throws Exception {
        int n = SPECIAL.length;
        float[] xs = new float[n * n];
        float[] ys = new float[n * n];
        for (int i = 0; i < n * n; i++) {
            xs[i] = SPECIAL[i / n];
            ys[i] = SPECIAL[i % n];
        }
        ModelBuilder b = new ModelBuilder(op.name()).description("single-op test");
        int x = b.tensor("x", TensorType.FLOAT32, n, n);
        int y = b.tensor("y", TensorType.FLOAT32, n, n);
        int out = b.tensor("out", TensorType.FLOAT32, n, n);
        b.operator(op, new OperatorOptions.None(), new int[] {x, y}, out);
        assertSame(b.inputs(x, y).outputs(out).build(), op + " float", floatBytes(xs), floatBytes(ys));
        for (boolean vectorFirst : new boolean[] {false, true}) {
            ModelBuilder bb = new ModelBuilder(op.name()).description("single-op test");
            int m = bb.tensor("m", TensorType.FLOAT32, n, n);
            int v = bb.tensor("v", TensorType.FLOAT32, n);
            int o = bb.tensor("out", TensorType.FLOAT32, n, n);
            bb.operator(op, new OperatorOptions.None(), vectorFirst ? new int[] {v, m} : new int[] {m, v}, o);
            assertSame(bb.inputs(m, v).outputs(o).build(), op + " float broadcast, vector first " + vectorFirst,
                    floatBytes(xs), floatBytes(SPECIAL));
        }
    }

    // ---- RELU, RELU6, RELU_N1_TO_1 ----

    @ParameterizedTest
    @CsvSource({
        "RELU, INT8, 0.05, -20, 0.05, -20",
        "RELU, UINT8, 0.05, 100, 0.03, 7",
        "RELU, INT8, 0.1, 10, 0.02, -128",       // input/output ratio 5: left shift, saturation
        "RELU6, INT8, 0.05, 0, 0.0235294, -128",
        "RELU6, UINT8, 0.1, 128, 0.0235294, 0",
        "RELU6, INT8, 0.01, -100, 0.5, 3",
        "RELU_N1_TO_1, INT8, 0.01, 0, 0.0078431, 0",
        "RELU_N1_TO_1, UINT8, 0.02, 140, 0.0078431, 128",
        "RELU_N1_TO_1, INT8, 0.3, 5, 0.001, -1",
    })
    void reluEveryByte(BuiltinOp op, TensorType type, float sIn, int zIn, float sOut, int zOut) throws Exception {
        ModelBuilder b = new ModelBuilder(op.name()).description("single-op test");
        int in = b.tensor("in", type, new int[] {1, 256}, q(sIn, zIn), null);
        int out = b.tensor("out", type, new int[] {1, 256}, q(sOut, zOut), null);
        b.operator(op, new OperatorOptions.None(), new int[] {in}, out);
        assertSame(b.inputs(in).outputs(out).build(), op + " " + type + " " + sIn + "/" + zIn + " -> " + sOut + "/" + zOut,
                everyByte());
    }

    @ParameterizedTest
    @CsvSource({"RELU", "RELU6", "RELU_N1_TO_1"})
    void reluFloat(BuiltinOp op) throws Exception {
        ModelBuilder b = new ModelBuilder(op.name()).description("single-op test");
        int in = b.tensor("in", TensorType.FLOAT32, SPECIAL.length);
        int out = b.tensor("out", TensorType.FLOAT32, SPECIAL.length);
        b.operator(op, new OperatorOptions.None(), new int[] {in}, out);
        assertSame(b.inputs(in).outputs(out).build(), op + " float", floatBytes(SPECIAL));
    }

    // ---- ROUND ----

    @Test
    void roundFloat() throws Exception {
        Random r = new Random(16);
        float[] xs = new float[SPECIAL.length + 400];
        System.arraycopy(SPECIAL, 0, xs, 0, SPECIAL.length);
        for (int i = SPECIAL.length; i < xs.length; i++) {
            xs[i] = i % 2 == 0 ? (r.nextInt(40) - 20) * 0.25f : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9)));
        }
        ModelBuilder b = new ModelBuilder("ROUND").description("single-op test");
        int in = b.tensor("in", TensorType.FLOAT32, xs.length);
        int out = b.tensor("out", TensorType.FLOAT32, xs.length);
        b.operator(BuiltinOp.ROUND, new OperatorOptions.None(), new int[] {in}, out);
        assertSame(b.inputs(in).outputs(out).build(), "ROUND", floatBytes(xs));
    }

    // ---- CAST ----

    @ParameterizedTest
    @CsvSource({"UINT8, INT8", "INT8, UINT8", "UINT8, FLOAT32", "INT8, FLOAT32"})
    void castFromBytes(TensorType from, TensorType to) throws Exception {
        ModelBuilder b = new ModelBuilder("CAST").description("single-op test");
        int in = b.tensor("in", from, new int[] {256}, q(0.1f, lo(from) + 7), null);
        int out = b.tensor("out", to, new int[] {256}, to == TensorType.FLOAT32 ? Quantization.NONE
                : q(0.2f, lo(to) + 9), null);
        b.operator(BuiltinOp.CAST, new OperatorOptions.Cast(from.code(), to.code()), new int[] {in}, out);
        assertSame(b.inputs(in).outputs(out).build(), "CAST " + from + " -> " + to, everyByte());
    }

    /** float → int32 → float, and float → int32 → uint8 / int8 (the int32 in between is not a graph tensor). */
    @ParameterizedTest
    @CsvSource({"FLOAT32", "UINT8", "INT8"})
    void castThroughInt32(TensorType last) throws Exception {
        Random r = new Random(53);
        float[] xs = new float[SPECIAL.length + 300];
        System.arraycopy(SPECIAL, 0, xs, 0, SPECIAL.length);
        for (int i = SPECIAL.length; i < xs.length; i++) {
            xs[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(11)));
        }
        ModelBuilder b = new ModelBuilder("CAST").description("single-op test");
        int in = b.tensor("in", TensorType.FLOAT32, xs.length);
        int mid = b.tensor("mid", TensorType.INT32, xs.length);
        int out = b.tensor("out", last, new int[] {xs.length},
                last == TensorType.FLOAT32 ? Quantization.NONE : q(1f, 0), null);
        b.operator(BuiltinOp.CAST, new OperatorOptions.Cast(0, 0), new int[] {in}, mid);
        b.operator(BuiltinOp.CAST, new OperatorOptions.Cast(TensorType.INT32.code(), last.code()), new int[] {mid}, out);
        assertSame(b.inputs(in).outputs(out).build(), "CAST float -> int32 -> " + last, floatBytes(xs));
    }

    // ---- PACK, UNPACK, SPLIT, SPLIT_V ----

    private static byte[] randomBytes(Random r, int n) {
        byte[] x = new byte[n];
        r.nextBytes(x);
        return x;
    }

    @ParameterizedTest
    @CsvSource({"0, INT8", "1, UINT8", "2, FLOAT32", "3, INT8", "-1, FLOAT32", "-4, UINT8"})
    void packAndUnpack(int axis, TensorType type) throws Exception {
        Random r = new Random(83 + axis);
        int[] shape = {2, 3, 5};
        int[] packed = new int[4];
        int rankAxis = axis < 0 ? axis + 4 : axis;
        for (int d = 0, s = 0; d < 4; d++) {
            packed[d] = d == rankAxis ? 3 : shape[s++];
        }
        Quantization qz = type == TensorType.FLOAT32 ? Quantization.NONE : q(0.07f, lo(type) + 11);
        ModelBuilder b = new ModelBuilder("PACK").description("single-op test");
        int[] ins = new int[3];
        byte[][] data = new byte[3][];
        for (int i = 0; i < 3; i++) {
            ins[i] = b.tensor("in" + i, type, shape, qz, null);
            data[i] = type == TensorType.FLOAT32 ? floatBytes(randomFloats(r, 30)) : randomBytes(r, 30);
        }
        int out = b.tensor("packed", type, packed, qz, null);
        b.operator(BuiltinOp.PACK, new OperatorOptions.Pack(3, axis), ins, out);
        // Unpack the packed tensor again along the same axis, and along another one.
        int other = (rankAxis + 1) % 4;
        int[] parts = new int[packed[other]];
        int[] partShape = new int[3];
        for (int d = 0, s = 0; d < 4; d++) {
            if (d != other) {
                partShape[s++] = packed[d];
            }
        }
        for (int i = 0; i < parts.length; i++) {
            parts[i] = b.tensor("part" + i, type, partShape, qz, null);
        }
        b.operator(BuiltinOp.UNPACK, new OperatorOptions.Unpack(parts.length, other), new int[] {out}, parts);
        int[] outs = new int[parts.length + 1];
        outs[0] = out;
        System.arraycopy(parts, 0, outs, 1, parts.length);
        assertSame(b.inputs(ins).outputs(outs).build(), "PACK/UNPACK axis " + axis + " " + type, data);
    }

    @ParameterizedTest
    @CsvSource({"0, INT8", "1, UINT8", "2, FLOAT32", "-1, INT8", "-3, FLOAT32"})
    void splitAndSplitV(int axis, TensorType type) throws Exception {
        Random r = new Random(49 + axis);
        int[] shape = {4, 6, 12};
        int a = axis < 0 ? axis + 3 : axis;
        Quantization qz = type == TensorType.FLOAT32 ? Quantization.NONE : q(0.07f, lo(type) + 11);
        ModelBuilder b = new ModelBuilder("SPLIT").description("single-op test");
        int in = b.tensor("in", type, shape, qz, null);
        int axisT = b.constant("axis", TensorType.INT32, new int[0], intBytes(new int[] {axis}));
        int[] halves = new int[2];
        for (int i = 0; i < 2; i++) {
            int[] s = shape.clone();
            s[a] /= 2;
            halves[i] = b.tensor("half" + i, type, s, qz, null);
        }
        b.operator(BuiltinOp.SPLIT, new OperatorOptions.Split(2), new int[] {axisT, in}, halves);
        int[] sizes = {1, -1, shape[a] - 3};
        int sizesT = b.constant("sizes", TensorType.INT32, new int[] {3}, intBytes(sizes));
        int[] pieces = new int[3];
        int[] real = {1, 2, shape[a] - 3};
        for (int i = 0; i < 3; i++) {
            int[] s = shape.clone();
            s[a] = real[i];
            pieces[i] = b.tensor("piece" + i, type, s, qz, null);
        }
        b.operator(BuiltinOp.SPLIT_V, new OperatorOptions.Split(3), new int[] {in, sizesT, axisT}, pieces);
        int[] outs = {halves[0], halves[1], pieces[0], pieces[1], pieces[2]};
        int n = 4 * 6 * 12;
        byte[] data = type == TensorType.FLOAT32 ? floatBytes(randomFloats(r, n)) : randomBytes(r, n);
        assertSame(b.inputs(in).outputs(outs).build(), "SPLIT/SPLIT_V axis " + axis + " " + type, data);
    }

    private static float[] randomFloats(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    // ---- LOGISTIC and CONCATENATION on SSD head shapes ----

    /** SSD MobileNet's class scores: [1, 1917, 91] through LOGISTIC, every byte present many times. */
    @ParameterizedTest
    @CsvSource({"INT8, 0.08, 20", "UINT8, 0.11, 190"})
    void logisticOnSsdScores(TensorType type, float scale, int zp) throws Exception {
        ModelBuilder b = new ModelBuilder("LOGISTIC").description("single-op test");
        int in = b.tensor("in", type, new int[] {1, 1917, 91}, q(scale, zp), null);
        int out = b.tensor("out", type, new int[] {1, 1917, 91}, q(1f / 256, lo(type)), null);
        b.operator(BuiltinOp.LOGISTIC, new OperatorOptions.None(), new int[] {in}, out);
        assertSame(b.inputs(in).outputs(out).build(), "LOGISTIC SSD " + type, randomBytes(new Random(14), 1917 * 91));
    }

    /** SSD's box predictors from six feature maps concatenated along the anchors: [1, n_i, 1, 4] on axis 1. */
    @ParameterizedTest
    @CsvSource({"INT8, false", "UINT8, false", "UINT8, true", "FLOAT32, false"})
    void concatenationOnSsdBoxes(TensorType type, boolean rescale) throws Exception {
        int[] anchors = {1083, 600, 150, 54, 24, 6};
        Random r = new Random(2);
        ModelBuilder b = new ModelBuilder("CONCATENATION").description("single-op test");
        Quantization outQ = type == TensorType.FLOAT32 ? Quantization.NONE : q(0.05f, lo(type) + 130);
        List<byte[]> data = new ArrayList<>();
        int[] ins = new int[anchors.length];
        int total = 0;
        for (int i = 0; i < anchors.length; i++) {
            Quantization qi = rescale ? q(0.03f + 0.01f * i, lo(type) + 120 + i) : outQ;
            ins[i] = b.tensor("box" + i, type, new int[] {1, anchors[i], 1, 4}, qi, null);
            data.add(type == TensorType.FLOAT32 ? floatBytes(randomFloats(r, anchors[i] * 4))
                    : randomBytes(r, anchors[i] * 4));
            total += anchors[i];
        }
        int out = b.tensor("boxes", type, new int[] {1, total, 1, 4}, outQ, null);
        b.operator(BuiltinOp.CONCATENATION, new OperatorOptions.Concatenation(1, Activation.NONE), ins, out);
        assertSame(b.inputs(ins).outputs(out).build(), "CONCATENATION SSD " + type + " rescale " + rescale,
                data.toArray(new byte[0][]));
    }

    // ---- STRIDED_SLICE ----

    private static int[] ints(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(" ");
        int[] v = new int[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Integer.parseInt(parts[i]);
        }
        return v;
    }

    /** Input [2, 3, 4, 5]; begin, end, strides, masks (begin, end, ellipsis, new axis, shrink) and output shape. */
    @ParameterizedTest
    @CsvSource({
        "0 1 0 0, 2 3 4 5, 1 1 1 1, 0, 0, 0, 0, 0, 2 2 4 5",
        "0 -2 1 0, 0 0 -1 5, 1 1 2 2, 1, 7, 0, 0, 0, 2 2 2 3",
        "1 2 3 4, 0 0 0 0, -1 -1 -2 -3, 0, 0, 0, 0, 0, 1 2 2 2",
        "1 2 3 4, 0 0 0 0, -1 -1 -2 -3, 0, 15, 0, 0, 0, 2 3 2 2",
        "1 0 2 0, 2 3 3 5, 1 1 1 1, 0, 0, 0, 0, 5, 3 5",
        "0 1, 0 3, 1 2, 0, 0, 1, 0, 0, 2 3 4 1",
        "1 0 2, 2 0 4, 1 1 1, 0, 0, 2, 0, 0, 1 3 4 2",
        "0 0 0, 1 0 2, 1 1 1, 0, 0, 0, 2, 0, 1 1 2 4 5",
        "1, 2, 1, 0, 0, 0, 0, 0, 1 3 4 5",
        "-10 1 -100 2, 10 3 3 100, 1 1 1 1, 0, 0, 0, 0, 0, 2 2 3 3",
        "-1 -1 0 -2, 0 0 4 0, 1 1 3 1, 0, 0, 0, 0, 11, 2",
    })
    void stridedSlice(String begin, String end, String strides, int beginMask, int endMask, int ellipsisMask,
                      int newAxisMask, int shrinkMask, String outShape) throws Exception {
        for (TensorType type : new TensorType[] {TensorType.INT8, TensorType.UINT8, TensorType.FLOAT32}) {
            int[] b = ints(begin);
            Quantization qz = type == TensorType.FLOAT32 ? Quantization.NONE : q(0.2f, lo(type) + 50);
            ModelBuilder mb = new ModelBuilder("STRIDED_SLICE").description("single-op test");
            int in = mb.tensor("in", type, new int[] {2, 3, 4, 5}, qz, null);
            int bt = mb.constant("begin", TensorType.INT32, new int[] {b.length}, intBytes(b));
            int et = mb.constant("end", TensorType.INT32, new int[] {b.length}, intBytes(ints(end)));
            int st = mb.constant("strides", TensorType.INT32, new int[] {b.length}, intBytes(ints(strides)));
            int out = mb.tensor("out", type, ints(outShape), qz, null);
            mb.operator(BuiltinOp.STRIDED_SLICE, new OperatorOptions.StridedSlice(beginMask, endMask, ellipsisMask,
                    newAxisMask, shrinkMask, false), new int[] {in, bt, et, st}, out);
            byte[] data = type == TensorType.FLOAT32 ? floatBytes(randomFloats(new Random(45), 120))
                    : everyByte();
            if (type != TensorType.FLOAT32) {
                data = java.util.Arrays.copyOf(data, 120);
            }
            assertSame(mb.inputs(in).outputs(out).build(), "STRIDED_SLICE " + type + " " + begin + " / " + end + " / "
                    + strides + " masks " + beginMask + "," + endMask + "," + ellipsisMask + "," + newAxisMask + ","
                    + shrinkMask, data);
        }
    }

    // ---- RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR ----

    /** A [2, 5, 7, 3] input resized to each size with each corner rule; 8-bit holds every byte value. */
    @ParameterizedTest
    @CsvSource({
        "RESIZE_BILINEAR, INT8", "RESIZE_BILINEAR, UINT8", "RESIZE_BILINEAR, FLOAT32",
        "RESIZE_NEAREST_NEIGHBOR, INT8", "RESIZE_NEAREST_NEIGHBOR, UINT8", "RESIZE_NEAREST_NEIGHBOR, FLOAT32",
    })
    void resize(BuiltinOp op, TensorType type) throws Exception {
        int[][] sizes = {{10, 14}, {3, 4}, {8, 11}, {1, 1}, {13, 2}, {5, 7}, {17, 29}};
        boolean[][] corners = {{false, false}, {true, false}, {false, true}};
        Random r = new Random(23);
        int n = 2 * 5 * 7 * 3;
        byte[] data = type == TensorType.FLOAT32 ? floatBytes(randomFloats(r, n)) : randomBytes(r, n);
        Quantization qz = type == TensorType.FLOAT32 ? Quantization.NONE : q(0.3f, lo(type) + 77);
        for (int[] size : sizes) {
            for (boolean[] c : corners) {
                ModelBuilder b = new ModelBuilder(op.name()).description("single-op test");
                int in = b.tensor("in", type, new int[] {2, 5, 7, 3}, qz, null);
                int sz = b.constant("size", TensorType.INT32, new int[] {2}, intBytes(size));
                int out = b.tensor("out", type, new int[] {2, size[0], size[1], 3}, qz, null);
                b.operator(op, new OperatorOptions.Resize(c[0], c[1]), new int[] {in, sz}, out);
                // Float bilinear: TFLite's optimized kernel sums in its own order, so a few ulps apart.
                double tolerance = op == BuiltinOp.RESIZE_BILINEAR && type == TensorType.FLOAT32 ? 1e-6 : 0;
                assertClose(b.inputs(in).outputs(out).build(), op + " " + type + " to " + size[0] + "x" + size[1]
                        + " align_corners " + c[0] + " half_pixel_centers " + c[1], tolerance, data);
            }
        }
    }

    // ---- Generic broadcasting (shapes the fivefold walk cannot take) ----

    @ParameterizedTest
    @CsvSource({
        "ADD, INT8", "ADD, UINT8", "ADD, FLOAT32", "MUL, INT8", "MUL, UINT8", "MUL, FLOAT32",
        "SUB, INT8", "SUB, UINT8", "SUB, FLOAT32", "MAXIMUM, INT8", "MINIMUM, FLOAT32",
    })
    void genericBroadcast(BuiltinOp op, TensorType type) throws Exception {
        int[][][] shapes = {
            {{1, 4, 1, 3}, {1, 1, 5, 1}, {1, 4, 5, 3}},
            {{1, 1, 5, 1}, {1, 4, 1, 3}, {1, 4, 5, 3}},
            {{2, 1, 3}, {4, 1}, {2, 4, 3}},
            {{3, 1, 1, 2}, {1, 2, 2, 1}, {3, 2, 2, 2}},
            {{2, 1, 2, 1, 3}, {2, 1, 3, 1}, {2, 2, 2, 3, 3}},
        };
        Random r = new Random(6);
        for (int[][] s : shapes) {
            ModelBuilder b = new ModelBuilder(op.name()).description("single-op test");
            boolean f = type == TensorType.FLOAT32;
            int x = b.tensor("x", type, s[0], f ? Quantization.NONE : q(0.04f, lo(type) + 120), null);
            int y = b.tensor("y", type, s[1], f ? Quantization.NONE : q(0.03f, lo(type) + 130), null);
            int out = b.tensor("out", type, s[2], f ? Quantization.NONE : q(0.05f, lo(type) + 125), null);
            OperatorOptions o = op == BuiltinOp.MAXIMUM || op == BuiltinOp.MINIMUM ? new OperatorOptions.None()
                    : new OperatorOptions.Elementwise(Activation.NONE);
            b.operator(op, o, new int[] {x, y}, out);
            int nx = b.tensor(x).elementCount();
            int ny = b.tensor(y).elementCount();
            byte[] dx = f ? floatBytes(randomFloats(r, nx)) : randomBytes(r, nx);
            byte[] dy = f ? floatBytes(randomFloats(r, ny)) : randomBytes(r, ny);
            assertSame(b.inputs(x, y).outputs(out).build(), op + " " + type + " " + java.util.Arrays.toString(s[0])
                    + " with " + java.util.Arrays.toString(s[1]), dx, dy);
        }
    }
}
