package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.api.Interpreter;
import owlet.runtime.image.Images;

/** Every shared model, written and read back, is the same graph and gives the same output bytes. */
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
