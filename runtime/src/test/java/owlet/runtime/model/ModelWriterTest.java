package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.api.Interpreter;
import owlet.runtime.image.Images;

/**
 * Every shared model, written and read back, is the same graph and gives the same output bytes; every
 * builtin options table the reader decodes survives a write and a read.
 */
class ModelWriterTest {
    /** Reference inputs the round-tripped models are run on (shared/reference/ppm/S/). */
    private static final List<String> IMAGES = List.of("cat", "owl");

    static Stream<String> models() {
        return Shared.MODELS.stream();
    }

    @ParameterizedTest
    @MethodSource("models")
    void roundTripKeepsGraphAndOutputs(String name) throws Exception {
        Model original = Model.load(Shared.model(name));
        byte[] bytes = ModelWriter.toBytes(original);
        assertEquals("TFL3", new String(bytes, 4, 4, StandardCharsets.US_ASCII), "file identifier");
        Model copy = Model.parse(ByteBuffer.wrap(bytes), name);
        assertSameGraph(original, copy);

        Interpreter a = Interpreter.create(original);
        Interpreter b = Interpreter.create(copy);
        int size = original.input(0).dim(1);
        byte[] outA = new byte[original.output(0).elementCount()];
        byte[] outB = new byte[outA.length];
        for (String image : IMAGES) {
            byte[] rgb = Images.read(Shared.root().resolve("reference/ppm/" + size + "/" + image + ".ppm")).rgb();
            a.setInput(0, rgb);
            b.setInput(0, rgb);
            a.run();
            b.run();
            a.output(0, outA);
            b.output(0, outB);
            assertArrayEquals(outA, outB, name + " on " + image);
        }
    }

    @Test
    void writingTwiceGivesTheSameBytes() throws Exception {
        Model m = Model.load(Shared.model(Shared.MODELS.get(0)));
        byte[] once = ModelWriter.toBytes(m);
        byte[] twice = ModelWriter.toBytes(Model.parse(ByteBuffer.wrap(once), "copy"));
        assertArrayEquals(once, twice);
    }

    /**
     * One options record for every operator whose options table {@link Schema} knows. Each field differs
     * from its default and, where the types allow, from the other fields of its table, so that a field
     * written under one id and read under another shows.
     */
    static Stream<Arguments> optionsOfEveryTable() {
        return Stream.of(
                Arguments.of(BuiltinOp.CONV_2D,
                        new OperatorOptions.Conv2D(Padding.VALID, 2, 3, Activation.RELU6, 4, 5)),
                Arguments.of(BuiltinOp.DEPTHWISE_CONV_2D,
                        new OperatorOptions.DepthwiseConv2D(Padding.VALID, 2, 3, 4, Activation.RELU, 5, 6)),
                Arguments.of(BuiltinOp.AVERAGE_POOL_2D,
                        new OperatorOptions.Pool2D(Padding.VALID, 2, 3, 4, 5, Activation.RELU6)),
                Arguments.of(BuiltinOp.MAX_POOL_2D,
                        new OperatorOptions.Pool2D(Padding.VALID, 3, 2, 5, 4, Activation.RELU_N1_TO_1)),
                Arguments.of(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.RELU, 2, true)),
                Arguments.of(BuiltinOp.FULLY_CONNECTED,
                        new OperatorOptions.FullyConnected(Activation.NONE, 0, false, true)),
                Arguments.of(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(0.75f)),
                Arguments.of(BuiltinOp.CONCATENATION, new OperatorOptions.Concatenation(3, Activation.RELU)),
                Arguments.of(BuiltinOp.ADD, new OperatorOptions.Elementwise(Activation.RELU)),
                Arguments.of(BuiltinOp.MUL, new OperatorOptions.Elementwise(Activation.RELU_N1_TO_1)),
                Arguments.of(BuiltinOp.SUB, new OperatorOptions.Elementwise(Activation.RELU6)),
                Arguments.of(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {2, -1})),
                Arguments.of(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(null)),
                Arguments.of(BuiltinOp.SQUEEZE, new OperatorOptions.Squeeze(new int[] {0, 2})),
                Arguments.of(BuiltinOp.MEAN, new OperatorOptions.Reducer(true)),
                Arguments.of(BuiltinOp.PACK, new OperatorOptions.Pack(3, 1)),
                Arguments.of(BuiltinOp.UNPACK, new OperatorOptions.Unpack(4, 2)),
                Arguments.of(BuiltinOp.SPLIT, new OperatorOptions.Split(2)),
                Arguments.of(BuiltinOp.SPLIT_V, new OperatorOptions.Split(3)),
                Arguments.of(BuiltinOp.STRIDED_SLICE, new OperatorOptions.StridedSlice(1, 2, 4, 8, 16, true)),
                Arguments.of(BuiltinOp.CAST, new OperatorOptions.Cast(1, 9)),
                Arguments.of(BuiltinOp.RESIZE_BILINEAR, new OperatorOptions.Resize(true, false)),
                Arguments.of(BuiltinOp.RESIZE_BILINEAR, new OperatorOptions.Resize(false, true)),
                Arguments.of(BuiltinOp.RESIZE_NEAREST_NEIGHBOR, new OperatorOptions.Resize(true, false)),
                Arguments.of(BuiltinOp.RESIZE_NEAREST_NEIGHBOR, new OperatorOptions.Resize(false, true)),
                Arguments.of(BuiltinOp.LOGISTIC, new OperatorOptions.None()));
    }

    @Test
    void everyOptionsTableHasARoundTripCase() {
        Set<BuiltinOp> withTable = EnumSet.noneOf(BuiltinOp.class);
        for (BuiltinOp op : BuiltinOp.values()) {
            if (Schema.optionsOf(op) != null) {
                withTable.add(op);
            }
        }
        Set<BuiltinOp> tested = optionsOfEveryTable().map(a -> (BuiltinOp) a.get()[0])
                .filter(op -> Schema.optionsOf(op) != null)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(BuiltinOp.class)));
        assertEquals(withTable, tested, "operators with an options table, against those optionsOfEveryTable covers");
    }

    @ParameterizedTest
    @MethodSource("optionsOfEveryTable")
    void optionsSurviveWriteAndRead(BuiltinOp op, OperatorOptions options) throws Exception {
        ModelBuilder b = new ModelBuilder("options");
        int in = b.tensor("in", TensorType.FLOAT32, 1, 4);
        int out = b.tensor("out", TensorType.FLOAT32, 1, 4);
        b.operator(op, options, new int[] {in}, out);
        Model copy = Model.parse(ByteBuffer.wrap(ModelWriter.toBytes(b.inputs(in).outputs(out).build())), "m.tflite");
        Operator read = copy.operators().get(0);
        assertEquals(op, read.op());
        assertEquals(options.getClass(), read.options().getClass());
        for (RecordComponent c : options.getClass().getRecordComponents()) {
            Object written = c.getAccessor().invoke(options);
            Object back = c.getAccessor().invoke(read.options());
            assertTrue(Objects.deepEquals(written, back), op + " " + Schema.optionsOf(op).name() + "." + c.getName()
                    + ": wrote " + show(written) + ", read " + show(back));
        }
    }

    private static String show(Object o) {
        return o instanceof int[] a ? Arrays.toString(a) : String.valueOf(o);
    }

    static void assertSameGraph(Model a, Model b) {
        assertEquals(a.description(), b.description());
        assertArrayEquals(a.inputs(), b.inputs());
        assertArrayEquals(a.outputs(), b.outputs());
        assertEquals(a.tensors().size(), b.tensors().size());
        for (int i = 0; i < a.tensors().size(); i++) {
            Tensor x = a.tensor(i);
            Tensor y = b.tensor(i);
            String where = x.describe();
            assertEquals(x.name(), y.name(), where);
            assertEquals(x.type(), y.type(), where);
            assertArrayEquals(x.shape(), y.shape(), where);
            assertArrayEquals(x.data(), y.data(), where);
            assertArrayEquals(x.quantization().scales(), y.quantization().scales(), where);
            assertArrayEquals(x.quantization().zeroPoints(), y.quantization().zeroPoints(), where);
            assertEquals(x.quantization().quantizedDimension(), y.quantization().quantizedDimension(), where);
        }
        assertEquals(a.operators().size(), b.operators().size());
        for (int i = 0; i < a.operators().size(); i++) {
            Operator x = a.operators().get(i);
            Operator y = b.operators().get(i);
            assertEquals(x.code(), y.code(), x.describe());
            assertEquals(x.version(), y.version(), x.describe());
            assertArrayEquals(x.inputs(), y.inputs(), x.describe());
            assertArrayEquals(x.outputs(), y.outputs(), x.describe());
            assertEquals(describe(x.options()), describe(y.options()), x.describe());
        }
    }

    /** Records print arrays by identity; print their contents instead. */
    private static String describe(OperatorOptions o) {
        if (o instanceof OperatorOptions.Reshape r) {
            return "Reshape" + Arrays.toString(r.newShape());
        } else if (o instanceof OperatorOptions.Squeeze s) {
            return "Squeeze" + Arrays.toString(s.squeezeDims());
        }
        return o.toString();
    }
}
