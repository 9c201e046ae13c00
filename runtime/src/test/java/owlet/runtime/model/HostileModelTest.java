package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.Shared;
import owlet.runtime.api.Interpreter;

/**
 * Malformed, truncated and hostile variants of mobilenet_v1_0.25_128_quant. The requirement: every such
 * file is rejected at load time (by {@link Model#parse} or, for graphs that decode but do not make sense,
 * by {@link Interpreter#create}) with an {@link InvalidModelException} naming the problem; never another
 * exception, a hang, or running out of memory. A file that is accepted must run.
 *
 * <p>Every case runs under {@link #TIMEOUT} in the default test heap. Fields are located by walking the
 * flatbuffer with {@link Fb}, a reader written independently of the one under test; field ids are those
 * listed in {@link ModelReader}.
 */
class HostileModelTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String QUARTER = "mobilenet_v1_0.25_128_quant";

    /** The input tensor's shape vector: length 4, then 1, 128, 128, 3 (little-endian int32). */
    private static final int[] INPUT_SHAPE_PATTERN = {4, 1, 128, 128, 3};

    private static byte[] quarter;
    private static int inputShape;

    @BeforeAll
    static void readModel() throws Exception {
        quarter = Files.readAllBytes(Shared.model(QUARTER));
        inputShape = find(quarter, INPUT_SHAPE_PATTERN);
        // The unmutated model runs a few times before any timed case: the first runs in a JVM load the
        // Vector API's classes and execute its kernels interpreted, which took over 5 s on a loaded CI
        // machine (Temurin 25, load average 10) and failed the first mutant that ran, which was no hang.
        try (Interpreter warm = Interpreter.create(Model.parse(ByteBuffer.wrap(quarter), QUARTER))) {
            for (int i = 0; i < 5; i++) {
                fillInputs(warm, i);
                warm.run();
            }
        }
    }

    /** The harness itself: the unmodified file prepares and runs. */
    @Test
    void unmodifiedModelRuns() {
        Outcome o = attempt(quarter.clone(), "unmodified", true);
        assertEquals(Stage.RAN, o.stage(), o.message());
    }

    // ---- (a) truncation ----

    /**
     * The first 64 lengths one by one, then about 300 cuts spread over the rest of the file. The model
     * carries TFLite metadata: a ZIP of the labels appended after the flatbuffer, which the loader never
     * reads; cuts inside it still parse (and must then prepare or be rejected like any file).
     */
    @Test
    void truncatedFileIsRejectedWithItsLength() {
        int zip = labelsZipStart(quarter);
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int n = 0; n < 64; n++) {
            cuts.add(n);
        }
        Random rnd = new Random(20240501L);
        int span = quarter.length - 64;
        for (int k = 0; k < 300; k++) {
            cuts.add(64 + (int) ((long) span * k / 300) + rnd.nextInt(span / 300));
        }
        for (int n = 1; n <= 8; n++) {
            cuts.add(zip - n);
            cuts.add(quarter.length - n);
        }
        for (int cut : cuts) {
            byte[] d = Arrays.copyOf(quarter, cut);
            String what = "truncated to " + cut + " of " + quarter.length + " bytes";
            Outcome o = attempt(d, what, false);
            if (cut < zip) {
                assertEquals(Stage.LOADER_REJECTED, o.stage(), what);
                assertTrue(o.message().contains(" " + cut + "-byte file"), what + ": message should name the cut: "
                        + o.message());
            }
        }
    }

    /** Where the appended metadata ZIP begins: its local header for imagenet_labels.txt. */
    private static int labelsZipStart(byte[] d) {
        byte[] name = "imagenet_labels.txt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = d.length - 30 - name.length; i >= 0; i--) {
            if (d[i] == 'P' && d[i + 1] == 'K' && d[i + 2] == 3 && d[i + 3] == 4
                    && Arrays.equals(d, i + 30, i + 30 + name.length, name, 0, name.length)) {
                return i;
            }
        }
        throw new AssertionError("no metadata ZIP in " + QUARTER);
    }

    // ---- (b) random single mutations ----

    private static final int MAX_RUNS = 100;

    /**
     * A few hundred seeded single mutations: bit flips, random bytes, and int32 overwrites with boundary
     * values. Three in four land in the flatbuffer outside the weight bytes, in the tables and vectors where
     * a change matters. Each mutant is parsed and prepared; the first {@value #MAX_RUNS} that prepare are
     * also run.
     */
    @Test
    void singleMutationsAreRejectedOrRun() {
        int[] metadata = metadataPositions(quarter);
        Random rnd = new Random(0x0B1E7L);
        int[] counts = new int[Stage.values().length];
        int runs = 0;
        for (int k = 0; k < 400; k++) {
            byte[] d = quarter.clone();
            int pos = rnd.nextInt(4) == 0 ? rnd.nextInt(d.length) : metadata[rnd.nextInt(metadata.length)];
            String what = "mutation #" + k + ": " + mutate(d, pos, rnd);
            Outcome o = attempt(d, what, runs < MAX_RUNS);
            if (o.stage() == Stage.RAN) {
                runs++;
            }
            counts[o.stage().ordinal()]++;
        }
        String summary = Arrays.toString(Stage.values()) + " = " + Arrays.toString(counts);
        assertTrue(counts[Stage.LOADER_REJECTED.ordinal()] > 20, summary);
        assertTrue(counts[Stage.LOADER_REJECTED.ordinal()] < 400, summary);
    }

    private static String mutate(byte[] d, int pos, Random rnd) {
        switch (rnd.nextInt(3)) {
            case 0 -> {
                int bit = rnd.nextInt(8);
                d[pos] ^= (byte) (1 << bit);
                return "bit " + bit + " of byte " + pos + " flipped";
            }
            case 1 -> {
                byte b = (byte) rnd.nextInt(256);
                String was = Integer.toHexString(d[pos] & 0xFF);
                d[pos] = b;
                return "byte " + pos + " 0x" + was + " -> 0x" + Integer.toHexString(b & 0xFF);
            }
            default -> {
                int[] values = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 16, 1 << 30, rnd.nextInt()};
                int v = values[rnd.nextInt(values.length)];
                int at = Math.min(pos & ~3, d.length - 4);
                ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
                return "int32 at " + at + " := " + v;
            }
        }
    }

    // ---- (c) crafted oversize fields ----

    @Test
    void inputShapeIsFoundByPatternAndByStructure() {
        Fb fb = new Fb(quarter);
        assertEquals(fb.vector(fb.tensor(0), 0), inputShape, "shape vector of tensor #0");
        assertTrue(find(quarter, INPUT_SHAPE_PATTERN, inputShape + 1) < 0, "the input shape pattern is unique");
    }

    /** Dims {1, h, w, c} patched into the input shape; the product exceeds the loader's element limit. */
    @ParameterizedTest
    @ValueSource(strings = {"1 2147483647 128 3", "1 65536 65536 3", "65536 65536 65536 65536",
            "2147483647 2147483647 2147483647 2147483647", "1 128 128 1073741824", "1 131072 131072 0",
            "0 2147483647 2147483647 2147483647", "1 0 65536 65536"})
    void absurdInputShapeIsRejected(String dims) {
        byte[] d = withInputShape(dims);
        String m = rejectedByLoader(d, "input shape " + dims);
        assertTrue(m.contains("tensor #0 'input'") && m.contains("elements"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 -1 128 3", "1 128 128 -2147483648", "-1 -1 -1 -1"})
    void negativeDimensionIsRejected(String dims) {
        String m = rejectedByLoader(withInputShape(dims), "input shape " + dims);
        assertTrue(m.contains("tensor #0 'input'") && m.contains("negative dimension"), m);
    }

    /** Shapes the loader accepts (element count fits) but the graph does not: the first conv rejects them. */
    @ParameterizedTest
    @ValueSource(strings = {"1 16384 16384 3", "1 0 128 3", "0 128 128 3", "1 128 128 4", "1 129 128 3",
            "2 128 128 3"})
    void inconsistentInputShapeIsRejectedByPrepare(String dims) {
        byte[] d = withInputShape(dims);
        Outcome o = attempt(d, "input shape " + dims, false);
        assertTrue(o.stage() == Stage.PREPARE_REJECTED || o.stage() == Stage.LOADER_REJECTED, dims + ": " + o);
        assertTrue(o.message().contains("tensor #0") || o.message().contains("op #0 CONV_2D"), o.message());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 1 << 20, 131_400})
    void shapeVectorLengthBeyondTheFileIsRejected(int length) {
        byte[] d = quarter.clone();
        put32(d, inputShape, length);
        String m = rejectedByLoader(d, "shape length " + Integer.toUnsignedString(length));
        assertTrue(m.contains("tensors[0] (tensor).shape (" + Integer.toUnsignedString(length) + " elements)")
                && m.contains("525598-byte file"), m);
    }

    @Test
    void rankAboveTheLimitIsRejected() {
        byte[] d = quarter.clone();
        put32(d, inputShape, 9);
        String m = rejectedByLoader(d, "rank 9");
        assertTrue(m.contains("tensor #0 'input': rank 9 exceeds 8"), m);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7FFFFFFF, 0xFFFFFFFF, 525598, 525597, 525595})
    void rootOffsetPastTheEndIsRejected(int offset) {
        byte[] d = quarter.clone();
        put32(d, 0, offset);
        String m = rejectedByLoader(d, "root offset " + Integer.toUnsignedString(offset));
        assertTrue(m.startsWith("model"), m);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7FFFFFFF, 0x80000000, -600_000, 1, 0})
    void rootVtableOutsideTheFileIsRejected(int soffset) {
        byte[] d = quarter.clone();
        put32(d, new Fb(d).root(), soffset);
        String m = rejectedByLoader(d, "root soffset " + soffset);
        assertTrue(m.startsWith("model"), m);
    }

    @ParameterizedTest
    @ValueSource(ints = {0xFFFF, 6, 3, 2, 0})
    void rootVtableSizeIsChecked(int size) {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        int vtable = fb.root() - fb.i32(fb.root());
        d[vtable] = (byte) size;
        d[vtable + 1] = (byte) (size >> 8);
        Outcome o = attempt(d, "root vtable size " + size, false);
        assertEquals(Stage.LOADER_REJECTED, o.stage(), o.message());
        assertTrue(o.message().startsWith("model"), o.message());
    }

    /** The offset of one element of a vector of tables, patched to point at or past the end of the file. */
    @ParameterizedTest
    @ValueSource(strings = {"subgraphs", "tensors", "operators", "buffers", "operator_codes"})
    void tableOffsetPastTheEndIsRejected(String vectorName) {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        int vector = vectorOfTables(fb, vectorName);
        int element = fb.i32(vector) - 1;
        int at = vector + 4 + 4 * element;
        put32(d, at, d.length - at);
        String m = rejectedByLoader(d, vectorName + "[" + element + "] past the end");
        assertTrue(m.contains(vectorName + "[" + element + "]") && m.contains("past the end"), m);
    }

    private static int vectorOfTables(Fb fb, String name) {
        return switch (name) {
            case "subgraphs" -> fb.vector(fb.root(), 2);
            case "tensors" -> fb.vector(fb.subgraph(), 0);
            case "operators" -> fb.vector(fb.subgraph(), 3);
            case "buffers" -> fb.vector(fb.root(), 4);
            case "operator_codes" -> fb.vector(fb.root(), 1);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"subgraphs", "tensors", "operators", "buffers", "operator_codes"})
    void vectorLengthBeyondTheFileIsRejected(String vectorName) {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        int vector = vectorOfTables(fb, vectorName);
        put32(d, vector, 0x7FFFFFFF);
        String m = rejectedByLoader(d, vectorName + " length 2^31-1");
        assertTrue(m.contains(vectorName + " (2147483647 elements)"), m);
    }

    @Test
    void moreTensorsThanTheLimitAreRejected() {
        int n = ModelReader.MAX_GRAPH_ITEMS + 1;
        byte[] d = new Crafted(quarter).tensors(n, k -> 0, new int[] {1}, 3, 0, 0);
        String m = rejectedByLoader(d, n + " tensors");
        assertEquals("subgraph: " + n + " tensors is more than the limit of " + ModelReader.MAX_GRAPH_ITEMS, m);
    }

    @Test
    void secondSubgraphIsRejected() {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        put32(d, fb.vector(fb.root(), 2), 2);
        String m = rejectedByLoader(d, "2 subgraphs");
        assertTrue(m.startsWith("model: has 2 subgraphs"), m);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 1000, Integer.MAX_VALUE, -1, Integer.MIN_VALUE})
    void opcodeIndexOutOfRangeIsRejected(int index) {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        // Operators using opcode 0 may omit the field (default 0); take the first one that stores it.
        int op = -1;
        int at = -1;
        for (int i = 0; at < 0; i++) {
            op = i;
            at = fb.field(fb.operator(i), 0);
        }
        put32(d, at, index);
        String m = rejectedByLoader(d, "opcode_index " + index);
        assertEquals("op #" + op + ": opcode_index " + index + " is out of range (model has 5 operator codes)", m);
    }

    @ParameterizedTest
    @ValueSource(ints = {89, 5000, Integer.MAX_VALUE, -2, Integer.MIN_VALUE})
    void operatorTensorIndexOutOfRangeIsRejected(int index) {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        put32(d, fb.vector(fb.operator(0), 1) + 4, index);
        String m = rejectedByLoader(d, "op #0 inputs[0] " + index);
        assertEquals("op #0 CONV_2D inputs[0]: tensor index " + index + " is out of range (graph has 89 tensors)", m);

        d = quarter.clone();
        put32(d, fb.vector(fb.operator(2), 2) + 4, index);
        m = rejectedByLoader(d, "op #2 outputs[0] " + index);
        assertTrue(m.startsWith("op #2 CONV_2D outputs[0]: tensor index " + index + " is out of range"), m);
    }

    @Test
    void omittedRequiredInputIsRejectedByPrepare() {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        put32(d, fb.vector(fb.operator(0), 1) + 4, -1);
        Outcome o = attempt(d, "op #0 input -1", false);
        assertEquals(Stage.PREPARE_REJECTED, o.stage(), o.message());
        assertTrue(o.message().startsWith("op #0 CONV_2D"), o.message());
    }

    @ParameterizedTest
    @ValueSource(ints = {89, -1})
    void graphInputIndexOutOfRangeIsRejected(int index) {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        put32(d, fb.vector(fb.subgraph(), 1) + 4, index);
        String m = rejectedByLoader(d, "subgraph input " + index);
        assertEquals("subgraph inputs[0]: tensor index " + index + " is out of range (graph has 89 tensors)", m);
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000_000, -1, Integer.MIN_VALUE})
    void bufferIndexOutOfRangeIsRejected(int index) {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        int filter = filterOfOp0(fb);
        put32(d, fb.field(fb.tensor(filter), 2), index);
        String m = rejectedByLoader(d, "buffer index " + index);
        assertTrue(m.startsWith("tensor #" + filter + " '") && m.contains("buffer index " + index + " is out of range"),
                m);
    }

    @Test
    void bufferOfTheWrongSizeIsRejected() {
        byte[] d = quarter.clone();
        Fb fb = new Fb(d);
        int filter = filterOfOp0(fb);
        int bias = fb.i32(fb.vector(fb.operator(0), 1) + 12);
        put32(d, fb.field(fb.tensor(filter), 2), fb.i32(fb.field(fb.tensor(bias), 2)));
        String m = rejectedByLoader(d, "filter on the bias buffer");
        assertTrue(m.startsWith("tensor #" + filter) && m.contains("holds 32 bytes, but shape [8, 3, 3, 3] of UINT8 "
                + "needs 216"), m);
    }

    // ---- (c') amplification: many references to one large item ----

    private static final int MANY = ModelReader.MAX_GRAPH_ITEMS;
    private static final int PAYLOAD = 1 << 20;

    /**
     * {@value #MANY} tensor tables, all naming the same 1 MiB string. Decoding the name once per tensor
     * would need 16 GiB.
     */
    @Test
    void manyTensorsSharingOneHugeNameAreRejected() {
        byte[] d = new Crafted(quarter).tensors(MANY, k -> 0, new int[] {1}, 3, PAYLOAD, 0);
        String m = rejectedByLoader(d, MANY + " tensors named by one 1 MiB string");
        assertTrue(m.contains("tensors[") && m.contains(".name"), m);
    }

    /** {@value #MANY} activation tensors with the same 262144 per-channel scales (16 GiB decoded naively). */
    @Test
    void manyTensorsSharingHugeQuantizationAreRejected() {
        int channels = PAYLOAD / 4;
        byte[] d = new Crafted(quarter).tensors(MANY, k -> 0, new int[] {channels}, 3, 0, channels);
        String m = rejectedByLoader(d, MANY + " tensors sharing " + channels + " scales");
        assertTrue(m.contains("tensors[") && m.contains(".scale"), m);
    }

    /**
     * {@value #MANY} constant tensors on {@value #MANY} distinct buffer entries that all hold the same
     * 1 MiB of data: copying each would need 16 GiB.
     */
    @Test
    void manyBuffersSharingOneDataVectorAreRejected() {
        byte[] d = new Crafted(quarter).tensorsOnOverlappingBuffers(MANY, PAYLOAD);
        String m = rejectedByLoader(d, MANY + " buffers on one 1 MiB data vector");
        assertTrue(m.contains("tensor #"), m);
    }

    /**
     * {@value #MANY} constant tensors on one buffer index: legal for the loader (TFLite may share a buffer
     * between equal constants) as long as the data is not copied once per tensor. The graph then fails to
     * prepare, since its input is now a constant.
     */
    @Test
    void manyTensorsSharingOneBufferIndexCostOneCopy() throws IOException {
        byte[] base = Files.readAllBytes(Shared.model("tf2_mobilenet_v2_1.0_224_ptq"));
        Fb fb = new Fb(base);
        int biggest = 0;
        int biggestSize = 0;
        for (int i = 0; i < fb.i32(fb.vector(fb.root(), 4)); i++) {
            int data = fb.vector(fb.buffer(i), 0);
            int size = data < 0 ? 0 : fb.i32(data);
            if (size > biggestSize) {
                biggest = i;
                biggestSize = size;
            }
        }
        assertTrue(biggestSize > 1_000_000, "largest buffer " + biggestSize);
        int index = biggest;
        byte[] d = new Crafted(base).tensors(MANY, k -> index, new int[] {biggestSize}, 3, 0, 0);
        Outcome o = attempt(d, MANY + " tensors on buffer #" + index + " of " + biggestSize + " bytes", false);
        assertEquals(Stage.PREPARE_REJECTED, o.stage(), o.message());
        assertTrue(o.message().startsWith("graph input tensor #0"), o.message());
    }

    // ---- helpers ----

    /** How far a file got. */
    enum Stage {
        LOADER_REJECTED, PREPARE_REJECTED, CREATED, RAN
    }

    /** The stage reached, with the rejection message. */
    record Outcome(Stage stage, String message) {
    }

    /**
     * Parses, prepares and (if {@code run}) runs {@code bytes} under {@link #TIMEOUT}. Returns how far it
     * got; an exception other than {@link InvalidModelException}, or one without a real message, fails the
     * test, naming {@code what}.
     */
    private static Outcome attempt(byte[] bytes, String what, boolean run) {
        Outcome o = assertTimeoutPreemptively(TIMEOUT, () -> {
            try {
                return stages(bytes, what, run);
            } catch (RuntimeException | Error e) {
                throw new AssertionError(what + ": threw " + e + " instead of InvalidModelException", e);
            }
        }, what + ": did not finish within " + TIMEOUT);
        assertTrue(o.message().length() > 15, what + ": message too short to name a problem: " + o.message());
        return o;
    }

    private static Outcome stages(byte[] bytes, String what, boolean run) {
        Model m;
        try {
            m = Model.parse(ByteBuffer.wrap(bytes), what);
        } catch (InvalidModelException e) {
            return new Outcome(Stage.LOADER_REJECTED, String.valueOf(e.getMessage()));
        }
        Interpreter interpreter;
        try {
            interpreter = Interpreter.create(m);
        } catch (InvalidModelException e) {
            return new Outcome(Stage.PREPARE_REJECTED, String.valueOf(e.getMessage()));
        }
        if (!run) {
            return new Outcome(Stage.CREATED, "(accepted, not run)");
        }
        fillInputs(interpreter, what.hashCode());
        interpreter.run();
        return new Outcome(Stage.RAN, "(accepted and run)");
    }

    private static String rejectedByLoader(byte[] bytes, String what) {
        Outcome o = attempt(bytes, what, false);
        assertEquals(Stage.LOADER_REJECTED, o.stage(), what + ": " + o.message());
        return o.message();
    }

    private static void fillInputs(Interpreter interpreter, long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < interpreter.model().inputs().length; i++) {
            Tensor t = interpreter.inputTensor(i);
            if (t.type().isQuantized8()) {
                byte[] v = new byte[t.elementCount()];
                rnd.nextBytes(v);
                interpreter.setInput(i, v);
            } else if (t.type() == TensorType.FLOAT32) {
                float[] v = new float[t.elementCount()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = rnd.nextFloat() * 2 - 1;
                }
                interpreter.setInput(i, v);
            }
        }
    }

    private static byte[] withInputShape(String dims) {
        byte[] d = quarter.clone();
        String[] f = dims.split(" ");
        for (int k = 0; k < 4; k++) {
            put32(d, inputShape + 4 + 4 * k, (int) Long.parseLong(f[k]));
        }
        return d;
    }

    private static int filterOfOp0(Fb fb) {
        return fb.i32(fb.vector(fb.operator(0), 1) + 8);
    }

    /**
     * Every byte position of the flatbuffer that is not inside a buffer's data: the tables, vectors, strings
     * and padding (not the metadata ZIP after it).
     */
    private static int[] metadataPositions(byte[] d) {
        Fb fb = new Fb(d);
        boolean[] data = new boolean[d.length];
        Arrays.fill(data, labelsZipStart(d), d.length, true);
        int buffers = fb.vector(fb.root(), 4);
        for (int i = 0; i < fb.i32(buffers); i++) {
            int v = fb.vector(fb.buffer(i), 0);
            if (v >= 0) {
                Arrays.fill(data, v + 4, v + 4 + fb.i32(v), true);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < d.length; p++) {
            if (!data[p]) {
                out.add(p);
            }
        }
        assertTrue(out.size() > 1000 && out.size() < d.length / 2, out.size() + " metadata bytes");
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int find(byte[] d, int[] ints) {
        return find(d, ints, 0);
    }

    private static int find(byte[] d, int[] ints, int from) {
        ByteBuffer pattern = ByteBuffer.allocate(4 * ints.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : ints) {
            pattern.putInt(v);
        }
        byte[] p = pattern.array();
        outer:
        for (int i = from; i + p.length <= d.length; i++) {
            for (int k = 0; k < p.length; k++) {
                if (d[i + k] != p[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void put32(byte[] d, int pos, int v) {
        ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(pos, v);
    }

    /**
     * A minimal flatbuffer walker for locating fields in well-formed files (no checks: the test builds on
     * the unmodified model). Positions are absolute; {@code vector} returns the position of the length word.
     */
    static final class Fb {
        private final ByteBuffer b;

        Fb(byte[] d) {
            this.b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        }

        int i32(int pos) {
            return b.getInt(pos);
        }

        int root() {
            return i32(0);
        }

        /** Absolute position of field {@code id} of the table at {@code table}, or -1 when absent. */
        int field(int table, int id) {
            int vtable = table - i32(table);
            int vsize = b.getShort(vtable) & 0xFFFF;
            if (4 + 2 * id + 2 > vsize) {
                return -1;
            }
            int off = b.getShort(vtable + 4 + 2 * id) & 0xFFFF;
            return off == 0 ? -1 : table + off;
        }

        int deref(int pos) {
            return pos + i32(pos);
        }

        int vector(int table, int id) {
            int f = field(table, id);
            return f < 0 ? -1 : deref(f);
        }

        int element(int vector, int i) {
            return deref(vector + 4 + 4 * i);
        }

        int subgraph() {
            return element(vector(root(), 2), 0);
        }

        int tensor(int i) {
            return element(vector(subgraph(), 0), i);
        }

        int operator(int i) {
            return element(vector(subgraph(), 3), i);
        }

        int buffer(int i) {
            return element(vector(root(), 4), i);
        }
    }

    /**
     * Appends hand-laid tables to a model and repoints its subgraph's tensors (and buffers) there. Flatbuffer
     * offsets only point forward, so everything the new tables reference is appended after them.
     */
    static final class Crafted {
        private final byte[] base;
        private final int start;

        Crafted(byte[] base) {
            this.base = base;
            this.start = (base.length + 15) & ~15;
        }

        /**
         * {@code n} tensor tables: tensor k uses buffer {@code buffer(k)}, the given shape and type code, a name
         * of {@code nameBytes} bytes shared by all (none if 0), and {@code scales} shared per-channel scales
         * (no quantization if 0).
         */
        byte[] tensors(int n, IntUnaryOperator buffer, int[] shape, int type, int nameBytes, int scales) {
            int vtable = start;                           // 14 bytes: size, table size, 5 field offsets
            int vector = vtable + 16;                     // the new tensors vector
            int tables = vector + 4 + 4 * n;              // n tables of 24 bytes
            int shapeVec = tables + 24 * n;
            int name = shapeVec + 4 + 4 * shape.length;
            int quantVtable = (name + 4 + nameBytes + 3) & ~3;
            int quant = quantVtable + 12;
            int scaleVec = quant + 8;
            int end = scaleVec + 4 + 4 * scales;
            ByteBuffer b = grow(end);
            b.putShort(vtable, (short) 14).putShort(vtable + 2, (short) 24);
            b.putShort(vtable + 4, (short) 4);           // shape
            b.putShort(vtable + 6, (short) 20);          // type
            b.putShort(vtable + 8, (short) 12);          // buffer
            b.putShort(vtable + 10, (short) (nameBytes > 0 ? 8 : 0));
            b.putShort(vtable + 12, (short) (scales > 0 ? 16 : 0));
            b.putInt(vector, n);
            for (int k = 0; k < n; k++) {
                int t = tables + 24 * k;
                b.putInt(vector + 4 + 4 * k, t - (vector + 4 + 4 * k));
                b.putInt(t, t - vtable);
                b.putInt(t + 4, shapeVec - (t + 4));
                b.putInt(t + 8, name - (t + 8));
                b.putInt(t + 12, buffer.applyAsInt(k));
                b.putInt(t + 16, quant - (t + 16));
                b.put(t + 20, (byte) type);
            }
            b.putInt(shapeVec, shape.length);
            for (int k = 0; k < shape.length; k++) {
                b.putInt(shapeVec + 4 + 4 * k, shape[k]);
            }
            b.putInt(name, nameBytes);
            for (int k = 0; k < nameBytes; k++) {
                b.put(name + 4 + k, (byte) 'a');
            }
            // QuantizationParameters {min 0, max 1, scale 2}: only scale present.
            b.putShort(quantVtable, (short) 10).putShort(quantVtable + 2, (short) 8).putShort(quantVtable + 8,
                    (short) 4);
            b.putInt(quant, quant - quantVtable);
            b.putInt(quant + 4, scaleVec - (quant + 4));
            b.putInt(scaleVec, scales);
            for (int k = 0; k < scales; k++) {
                b.putFloat(scaleVec + 4 + 4 * k, 0.5f);
            }
            Fb fb = new Fb(b.array());
            int field = fb.field(fb.subgraph(), 0);
            b.putInt(field, vector - field);
            return b.array();
        }

        /**
         * {@code n} UINT8 tensors of shape [dataBytes], tensor k on buffer k + 1 of a new buffers vector whose
         * entries all point at one Buffer table holding {@code dataBytes} bytes.
         */
        byte[] tensorsOnOverlappingBuffers(int n, int dataBytes) {
            byte[] withTensors = new Crafted(base).tensors(n, k -> k + 1, new int[] {dataBytes}, 3, 0, 0);
            Crafted more = new Crafted(withTensors);
            int vtable = more.start;                      // Buffer {data 0}: 6 bytes
            int vector = vtable + 8;
            int table = vector + 4 + 4 * (n + 1);
            int data = table + 8;
            ByteBuffer b = more.grow(data + 4 + dataBytes);
            b.putShort(vtable, (short) 6).putShort(vtable + 2, (short) 8).putShort(vtable + 4, (short) 4);
            b.putInt(vector, n + 1);
            for (int k = 0; k <= n; k++) {
                b.putInt(vector + 4 + 4 * k, table - (vector + 4 + 4 * k));
            }
            b.putInt(table, table - vtable);
            b.putInt(table + 4, data - (table + 4));
            b.putInt(data, dataBytes);
            Fb fb = new Fb(b.array());
            int field = fb.field(fb.root(), 4);
            b.putInt(field, vector - field);
            return b.array();
        }

        private ByteBuffer grow(int end) {
            byte[] d = Arrays.copyOf(base, end);
            return ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

}
