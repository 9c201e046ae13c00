package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;

/**
 * Loading the shared models: counts and facts of each file, graph-wide invariants the loader promises,
 * and files that are not models at all.
 */
class ModelLoadTest {

    /** name, tensors, operators, input side, input scale, input zero point. */
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("mobilenet_v1_0.25_128_quant", 89, 31, 128, 0.0078125f, 128),
                Arguments.of("mobilenet_v1_0.5_160_quant", 89, 31, 160, 0.0078125f, 128),
                Arguments.of("mobilenet_v1_0.75_192_quant", 89, 31, 192, 0.0078125f, 128),
                Arguments.of("mobilenet_v2_1.0_224_quant", 174, 66, 224, 0.0078125f, 128),
                Arguments.of("tf2_mobilenet_v2_1.0_224_ptq", 177, 68, 224, 0.007843138f, 127));
    }

    @ParameterizedTest
    @MethodSource("models")
    void sharedModelLoads(String name, int tensors, int operators, int side, float inScale, int inZp)
            throws Exception {
        Model m = Model.load(Shared.model(name));
        assertEquals(name + ".tflite", m.source());
        assertEquals(tensors, m.tensors().size(), name + " tensors");
        assertEquals(operators, m.operators().size(), name + " operators");
        assertArrayEquals(new int[] {0}, m.inputs(), name + " inputs");
        assertArrayEquals(new int[] {tensors - 1}, m.outputs(), name + " outputs");

        Tensor in = m.input(0);
        assertEquals(TensorType.UINT8, in.type());
        assertArrayEquals(new int[] {1, side, side, 3}, in.shape());
        assertEquals(inScale, in.quantization().scale());
        assertEquals(inZp, in.quantization().zeroPoint());
        assertFalse(in.isConstant());

        Tensor out = m.output(0);
        assertEquals(TensorType.UINT8, out.type());
        assertArrayEquals(new int[] {1, 1001}, out.shape());
        assertEquals(1f / 256, out.quantization().scale());
        assertEquals(0, out.quantization().zeroPoint());
        Operator last = m.operators().get(operators - 1);
        assertArrayEquals(new int[] {tensors - 1}, last.outputs(), name + ": the last op writes the output");
    }

    /** What the loader promises every consumer, whatever the model. */
    @ParameterizedTest
    @MethodSource("models")
    void graphInvariantsHold(String name) throws Exception {
        Model m = Model.load(Shared.model(name));
        for (int i = 0; i < m.tensors().size(); i++) {
            Tensor t = m.tensor(i);
            assertEquals(i, t.index(), "index of " + t.describe());
            assertNotNull(t.name());
            if (t.isConstant()) {
                assertEquals(t.byteSize(), t.data().length, "constant bytes of " + t.describe());
            }
            Quantization q = t.quantization();
            assertEquals(q.scales().length, q.zeroPoints().length, "quantization of " + t.describe());
            if (q.isPerChannel()) {
                assertEquals(t.dim(q.quantizedDimension()), q.scales().length, "channels of " + t.describe());
            }
        }
        for (int i = 0; i < m.operators().size(); i++) {
            Operator op = m.operators().get(i);
            assertEquals(i, op.index());
            assertNotNull(op.op(), op.describe() + " is a builtin Owlet knows");
            assertEquals(1, op.outputs().length, op.describe() + " outputs");
            for (int t : op.inputs()) {
                assertTrue(t >= -1 && t < m.tensors().size(), op.describe() + " input " + t);
            }
        }
    }

    @Test
    void mobilenetV1QuarterFacts() throws Exception {
        Model m = Model.load(Shared.model("mobilenet_v1_0.25_128_quant"));
        assertEquals("MLIR Converted.", m.description());
        assertEquals(Map.of("CONV_2D", 15, "DEPTHWISE_CONV_2D", 13, "AVERAGE_POOL_2D", 1, "RESHAPE", 1, "SOFTMAX", 1),
                histogram(m));
        assertEquals("input", m.input(0).name());
        assertEquals("MobilenetV1/Predictions/Reshape_1", m.output(0).name());

        // op #0: the 3x3 stride-2 stem, 8 output channels at 0.25 width.
        Operator stem = m.operators().get(0);
        assertEquals(BuiltinOp.CONV_2D, stem.op());
        assertEquals(3, stem.inputs().length);
        OperatorOptions.Conv2D o = (OperatorOptions.Conv2D) stem.options();
        assertEquals(Padding.SAME, o.padding());
        assertEquals(2, o.strideW());
        assertEquals(2, o.strideH());
        assertEquals(Activation.RELU6, o.activation());
        Tensor filter = m.tensor(stem.inputs()[1]);
        assertArrayEquals(new int[] {8, 3, 3, 3}, filter.shape());
        assertEquals(TensorType.UINT8, filter.type());
        assertTrue(filter.isConstant());
        Tensor bias = m.tensor(stem.inputs()[2]);
        assertEquals(TensorType.INT32, bias.type());
        assertArrayEquals(new int[] {8}, bias.shape());
        assertArrayEquals(new int[] {1, 64, 64, 8}, m.tensor(stem.outputs()[0]).shape());

        Operator last = m.operators().get(30);
        assertEquals(BuiltinOp.SOFTMAX, last.op());
        assertEquals(m.outputs()[0], last.outputs()[0]);
    }

    @Test
    void tf2MobilenetV2HasPerChannelInt8Weights() throws Exception {
        Model m = Model.load(Shared.model("tf2_mobilenet_v2_1.0_224_ptq"));
        assertEquals(BuiltinOp.QUANTIZE, m.operators().get(0).op(), "uint8 input is requantized to int8 first");
        assertEquals(BuiltinOp.QUANTIZE, m.operators().get(m.operators().size() - 1).op(), "last op");
        assertEquals(TensorType.INT8, m.tensor(m.operators().get(0).outputs()[0]).type());

        int perChannelConvs = 0;
        for (Operator op : m.operators()) {
            if (op.op() != BuiltinOp.CONV_2D) {
                continue;
            }
            Tensor filter = m.tensor(op.inputs()[1]);
            assertEquals(TensorType.INT8, filter.type(), op.describe());
            Quantization q = filter.quantization();
            assertTrue(q.isPerChannel(), op.describe() + " filter is per-channel");
            assertEquals(0, q.quantizedDimension(), op.describe() + " quantized_dimension");
            assertEquals(filter.dim(0), q.scales().length, op.describe());
            for (long z : q.zeroPoints()) {
                assertEquals(0, z, op.describe() + ": int8 weights are symmetric");
            }
            perChannelConvs++;
        }
        assertEquals(36, perChannelConvs);
        // Depthwise filters [1, H, W, C] are per-channel along the last dimension.
        Operator dw = m.operators().stream().filter(o -> o.op() == BuiltinOp.DEPTHWISE_CONV_2D).findFirst()
                .orElseThrow();
        assertEquals(3, m.tensor(dw.inputs()[1]).quantization().quantizedDimension());
    }

    @Test
    void emptyFileIsNotAModel(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.tflite"));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Model.load(empty));
        assertEquals(empty + ": not a TensorFlow Lite model (no 'TFL3' identifier at byte 4)", e.getMessage());
    }

    static Stream<Path> notModels() {
        return Stream.of(Shared.labels(), Shared.root().resolve("models/LICENSE-coral-test-data"),
                Shared.root().resolve("images/owl.jpg"), Shared.root().resolve("images/cat.bmp"));
    }

    @ParameterizedTest
    @MethodSource("notModels")
    void otherFilesAreNotModels(Path file) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Model.load(file));
        assertEquals(file + ": not a TensorFlow Lite model (no 'TFL3' identifier at byte 4)", e.getMessage());
    }

    @Test
    void shortTextIsNotAModel() {
        for (String text : List.of("x", "hello, world", "TFL3TFL3TFL3", "\0\0\0\0\0\0\0\0")) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            InvalidModelException e = assertThrows(InvalidModelException.class, () -> Model.parse(b, "text"),
                    "'" + text + "'");
            assertTrue(e.getMessage().startsWith("model"), e.getMessage());
        }
    }

    @Test
    void missingFileIsNoSuchFile(@TempDir Path dir) {
        Path missing = dir.resolve("nothing-here.tflite");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Model.load(missing));
        assertTrue(e.getMessage().contains("nothing-here.tflite"), e.getMessage());
    }

    @Test
    void parseLeavesTheCallersBufferAlone() throws Exception {
        byte[] bytes = Files.readAllBytes(Shared.model("mobilenet_v1_0.25_128_quant"));
        ByteBuffer buf = ByteBuffer.wrap(bytes).position(0);
        Model m = Model.parse(buf, "memory");
        assertEquals(0, buf.position());
        assertEquals("memory", m.source());
    }

    private static Map<String, Integer> histogram(Model m) {
        Map<String, Integer> h = new TreeMap<>();
        for (Operator op : m.operators()) {
            h.merge(op.name(), 1, Integer::sum);
        }
        return h;
    }
}
