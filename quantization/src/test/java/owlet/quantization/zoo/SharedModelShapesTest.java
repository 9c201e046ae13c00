package owlet.quantization.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import owlet.runtime.model.OpCost;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;

/**
 * The builders give the same operators, shapes, strides and costs as TensorFlow's exported models in
 * ../shared/models (1001 classes). Those files compute the classifier as CONV_2D 1x1 on the pooled
 * [1, 1, 1, C] tensor followed by RESHAPE to [1, K]; the builders emit one FULLY_CONNECTED [K, C]. The
 * comparison maps that pair to the FULLY_CONNECTED explicitly; everything else must match op for op.
 */
class SharedModelShapesTest {

    private static Path shared(String file) {
        Path p = Path.of(System.getProperty("owlet.shared", "../shared"), "models", file);
        assumeTrue(Files.isRegularFile(p), () -> p + " is missing");
        return p;
    }

    /** One line per op: name, strides, and the shapes of all inputs and outputs. */
    static List<String> signature(Model m) {
        List<String> lines = new ArrayList<>();
        List<Operator> ops = m.operators();
        for (int i = 0; i < ops.size(); i++) {
            Operator op = ops.get(i);
            int[] filter = op.inputs().length > 1 && op.inputs()[1] >= 0 ? m.tensor(op.inputs()[1]).shape() : null;
            int[] in = m.tensor(op.inputs()[0]).shape();
            if (op.op() == BuiltinOp.CONV_2D && filter != null && filter[1] == 1 && filter[2] == 1
                    && in[1] == 1 && in[2] == 1 && i + 1 < ops.size() && ops.get(i + 1).op() == BuiltinOp.RESHAPE) {
                // TensorFlow's classifier: CONV_2D 1x1 [K,1,1,C] on [1,1,1,C], then RESHAPE to [1,K].
                Operator reshape = ops.get(i + 1);
                lines.add("FULLY_CONNECTED " + shape(in) + " " + shape(new int[] {filter[0], filter[3]}) + " "
                        + shape(m.tensor(op.inputs()[2]).shape()) + " -> " + shape(m.tensor(reshape.outputs()[0]).shape()));
                i++;
                continue;
            }
            StringBuilder b = new StringBuilder(op.name());
            if (op.options() instanceof OperatorOptions.Conv2D c) {
                b.append(" s").append(c.strideH()).append(c.strideW()).append(' ').append(c.padding());
            } else if (op.options() instanceof OperatorOptions.DepthwiseConv2D d) {
                b.append(" s").append(d.strideH()).append(d.strideW()).append(' ').append(d.padding());
            }
            for (int t : op.inputs()) {
                b.append(' ').append(t < 0 ? "-" : shape(m.tensor(t).shape()));
            }
            b.append(" ->");
            for (int t : op.outputs()) {
                b.append(' ').append(shape(m.tensor(t).shape()));
            }
            lines.add(b.toString());
        }
        return lines;
    }

    private static String shape(int[] s) {
        return Arrays.toString(s).replace(" ", "");
    }

    private static void assertSameGraph(Model expected, Model built) {
        assertEquals(String.join("\n", signature(expected)), String.join("\n", signature(built)));
        long macs = 0;
        long params = 0;
        for (Operator op : built.operators()) {
            macs += OpCost.of(built, op).multAdds();
            params += OpCost.of(built, op).params();
        }
        long tfMacs = 0;
        long tfParams = 0;
        for (Operator op : expected.operators()) {
            tfMacs += OpCost.of(expected, op).multAdds();
            tfParams += OpCost.of(expected, op).params();
        }
        assertEquals(tfMacs, macs);
        assertEquals(tfParams, params);
    }

    @ParameterizedTest
    @CsvSource({"0.25, 128", "0.5, 160", "0.75, 192"})
    void mobileNetV1(double alpha, int resolution) throws Exception {
        NetConfig config = NetConfig.of(alpha, resolution).withClasses(1001);
        Model tf = Model.load(shared("mobilenet_v1_" + config.suffix() + "_quant.tflite"));
        assertSameGraph(tf, MobileNetV1.build(config));
    }

    @ParameterizedTest
    @CsvSource({"mobilenet_v2_1.0_224_quant.tflite"})
    void mobileNetV2(String file) throws Exception {
        assertSameGraph(Model.load(shared(file)), MobileNetV2.build(NetConfig.of(1.0, 224).withClasses(1001)));
    }
}
