package owlet.quantization.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.TensorType;

/** The paper's layer types and weights, on a graph built with or without weight bytes. */
class PaperLayersTest {

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** input [1,2,2,1] -> CONV_2D 1x1 (bias 1) -> FULLY_CONNECTED to 2 units (no bias) -> SOFTMAX. */
    private static Model tiny(boolean withWeights) {
        ModelBuilder b = new ModelBuilder("tiny");
        int in = b.tensor("in", TensorType.FLOAT32, 1, 2, 2, 1);
        int filter = withWeights ? b.constant("f", TensorType.FLOAT32, new int[] {1, 1, 1, 1}, floats(2))
                : b.tensor("f", TensorType.FLOAT32, 1, 1, 1, 1);
        int bias = withWeights ? b.constant("b", TensorType.FLOAT32, new int[] {1}, floats(1))
                : b.tensor("b", TensorType.FLOAT32, 1);
        int conv = b.tensor("conv", TensorType.FLOAT32, 1, 2, 2, 1);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1),
                new int[] {in, filter, bias}, conv);
        int w = withWeights ? b.constant("w", TensorType.FLOAT32, new int[] {2, 4}, floats(1, 1, 1, 1, 0, 0, 0, 0))
                : b.tensor("w", TensorType.FLOAT32, 2, 4);
        int logits = b.tensor("logits", TensorType.FLOAT32, 1, 2);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false),
                new int[] {conv, w, -1}, logits);
        int prob = b.tensor("prob", TensorType.FLOAT32, 1, 2);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {logits}, prob);
        return b.inputs(in).outputs(prob).build();
    }

    @Test
    void weightsWithoutBytesAreStillWeights() {
        Model costOnly = tiny(false);
        Model full = tiny(true);
        for (int i = 0; i < 2; i++) {
            assertEquals(PaperLayers.weights(full, full.operators().get(i)),
                    PaperLayers.weights(costOnly, costOnly.operators().get(i)));
        }
        assertEquals(1, PaperLayers.weights(costOnly, costOnly.operators().get(0)));
        assertEquals(8, PaperLayers.weights(costOnly, costOnly.operators().get(1)));
        assertEquals(0, PaperLayers.weights(costOnly, costOnly.operators().get(2)));
    }

    @Test
    void layerTypesAreThePapersRowNames() {
        Model costOnly = tiny(false);
        assertEquals("Conv 1x1", PaperLayers.type(costOnly, costOnly.operators().get(0)));
        assertEquals("Fully connected", PaperLayers.type(costOnly, costOnly.operators().get(1)));
        assertNull(PaperLayers.type(costOnly, costOnly.operators().get(2)));
    }
}
