package owlet.quantization.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import owlet.runtime.api.Classifier;
import owlet.runtime.api.Interpreter;
import owlet.runtime.api.Labels;
import owlet.runtime.image.Images;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/** The float V2 made from shared/models/tf2_mobilenet_v2_1.0_224_ptq.tflite by dequantizing it. */
class DequantizerTest {
    /** Reference inputs (shared/reference/ppm/224/) on which the float and int8 V2 are compared. */
    private static final List<String> IMAGES = List.of("cat", "hot_dog", "owl", "parrot",
            "000_n01440764_tench", "500_n03042490_cliff_dwelling");

    private static Model int8;
    private static Model float32;

    static Path shared() {
        return Path.of(System.getProperty("owlet.shared", "../shared"));
    }

    @BeforeAll
    static void dequantizeAndRoundTrip() throws Exception {
        int8 = Model.load(shared().resolve("models/tf2_mobilenet_v2_1.0_224_ptq.tflite"));
        Model f = Dequantizer.dequantize(int8, "v2_float");
        // Through the file format, as owlet dequantize writes it.
        float32 = Model.parse(ByteBuffer.wrap(ModelWriter.toBytes(f)), "v2_float.tflite");
    }

    @Test
    void graphIsFloatThroughout() {
        assertEquals(TensorType.FLOAT32, float32.input(0).type());
        assertEquals(TensorType.FLOAT32, float32.output(0).type());
        for (Operator op : float32.operators()) {
            assertNotEquals(BuiltinOp.QUANTIZE, op.op(), op.describe());
            assertNotEquals(BuiltinOp.DEQUANTIZE, op.op(), op.describe());
        }
        for (Tensor t : float32.tensors()) {
            assertTrue(t.type() == TensorType.FLOAT32 || t.type() == TensorType.INT32 && !t.quantization().isPresent(),
                    t.describe());
        }
        assertEquals(int8.operators().size() - 2, float32.operators().size(), "the two QUANTIZE operators go");
    }

    @Test
    void floatModelClassifiesLikeTheInt8One() throws Exception {
        Classifier f = new Classifier(Interpreter.create(float32), Labels.none());
        Classifier q = new Classifier(Interpreter.create(int8), Labels.none());
        int agree = 0;
        for (String image : IMAGES) {
            byte[] rgb = Images.read(shared().resolve("reference/ppm/224/" + image + ".ppm")).rgb();
            f.fillInput(rgb);
            f.interpreter().run();
            q.fillInput(rgb);
            q.interpreter().run();
            int top = f.ranked(1, 0).get(0).index();
            if (image.equals("cat")) {
                // 282..286: tabby, tiger cat, Persian, Siamese, Egyptian cat.
                assertTrue(top >= 282 && top <= 286, "cat classified as index " + top);
            }
            agree += top == q.ranked(1, 0).get(0).index() ? 1 : 0;
        }
        assertTrue(agree >= IMAGES.size() - 1, "top-1 agreement with the int8 model on " + agree + " of " + IMAGES.size());
    }
}
