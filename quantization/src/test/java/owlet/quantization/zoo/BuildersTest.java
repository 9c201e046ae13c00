package owlet.quantization.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import owlet.quantization.cost.CostReport;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;

/** Weights attach or not without changing the graph; built graphs run where the runtime has the ops. */
class BuildersTest {

    /** Runs a float graph on a fixed input and returns its softmax output. */
    private static float[] run(Model model) throws Exception {
        Interpreter interpreter = Interpreter.create(model);
        float[] input = new float[interpreter.inputTensor(0).elementCount()];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = r.nextFloat() * 2 - 1;
        }
        interpreter.setInput(0, input);
        interpreter.run();
        float[] out = new float[interpreter.outputTensor(0).elementCount()];
        interpreter.outputAsFloat(0, out);
        return out;
    }

    private static void assertProbabilities(float[] p) {
        double sum = 0;
        for (float v : p) {
            assertTrue(v >= 0 && Float.isFinite(v));
            sum += v;
        }
        assertEquals(1.0, sum, 1e-4);
    }

    @Test
    void randomWeightsRunAndRepeatWithTheSeed() throws Exception {
        NetConfig c = NetConfig.of(0.25, 128).withClasses(10);
        float[] a = run(MobileNetV1.build(c.withWeights(Weights.random(7))));
        float[] b = run(MobileNetV1.build(c.withWeights(Weights.random(7))));
        float[] other = run(MobileNetV1.build(c.withWeights(Weights.random(8))));
        assertProbabilities(a);
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, other));
    }

    @Test
    void v2AndDenseMobileNetsRunInFloat() throws Exception {
        NetConfig c = NetConfig.of(0.35, 96).withClasses(10).withWeights(Weights.random(3));
        assertProbabilities(run(MobileNetV2.build(c)));
        for (DenseMobileNet.Variant v : DenseMobileNet.Variant.values()) {
            assertProbabilities(run(DenseMobileNet.build(v, NetConfig.of(0.25, 96).withClasses(10)
                    .withWeights(Weights.random(3)))));
        }
    }

    @Test
    void weightsDoNotChangeTheGraphOrItsCost() {
        NetConfig c = NetConfig.of(0.5, 96).withClasses(10);
        Model none = MobileNetV3.build(MobileNetV3.Size.SMALL, c);
        Model random = MobileNetV3.build(MobileNetV3.Size.SMALL, c.withWeights(Weights.random(1)));
        assertEquals(none.operators().size(), random.operators().size());
        CostReport a = CostReport.of(none);
        CostReport b = CostReport.of(random);
        assertEquals(a.multAdds(), b.multAdds());
        assertEquals(a.params(), b.params());
        assertEquals(a.weights(), b.weights());
        long attached = 0;
        for (Tensor t : none.tensors()) {
            // Only structural constants (MEAN axes, hard-sigmoid's 3 and 1/6) carry bytes in a cost-only graph.
            if (t.isConstant()) {
                attached += t.byteSize();
                assertTrue(t.name().endsWith("/axes") || t.name().endsWith("/three") || t.name().endsWith("/one_sixth"),
                        t.describe());
            }
        }
        assertTrue(attached < 1000);
    }

    /** The V3 and Dense graphs use only TFLite builtins, for running them in TFLite later. */
    @Test
    void v3AndDenseUseTfliteOperators() {
        Set<String> v3 = ops(MobileNetV3.build(MobileNetV3.Size.SMALL, NetConfig.of(1.0, 224)));
        assertEquals(new TreeSet<>(Set.of("ADD", "AVERAGE_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
                "HARD_SWISH", "MEAN", "MUL", "SOFTMAX")), v3);
        Set<String> dense = ops(DenseMobileNet.build(DenseMobileNet.Variant.DENSE2, NetConfig.of(1.0, 224)));
        assertEquals(new TreeSet<>(Set.of("AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
                "FULLY_CONNECTED", "SOFTMAX")), dense);
    }

    private static Set<String> ops(Model m) {
        Set<String> names = new TreeSet<>();
        for (Operator op : m.operators()) {
            names.add(op.op().name());
        }
        return names;
    }

    /** V3 small's shapes at the stage ends, as its Table 2 gives them, and the SE gate's broadcast. */
    @Test
    void v3SmallFollowsTable2() {
        Model m = MobileNetV3.build(MobileNetV3.Size.SMALL, NetConfig.of(1.0, 224));
        int[] last = null;
        int mul = 0;
        for (Operator op : m.operators()) {
            if (op.op() == BuiltinOp.MUL && m.tensor(op.inputs()[1]).rank() == 4 && m.tensor(op.inputs()[1]).dim(1) == 1 && m.tensor(op.inputs()[0]).dim(1) > 1) {
                mul++; // the excitation: [1,H,W,C] x [1,1,1,C]
            }
            if (op.op() == BuiltinOp.AVERAGE_POOL_2D) {
                last = m.tensor(op.inputs()[0]).shape();
            }
        }
        assertArrayEquals(new int[] {1, 7, 7, 576}, last);
        assertEquals(9, mul); // SE on 9 of the 11 bneck rows
    }

    /** Dense2 stage widths: 14x14 stage has x0 = 512 and five dense layers of growth 32. */
    @Test
    void denseStagesConcatenate() {
        Model m = DenseMobileNet.build(DenseMobileNet.Variant.DENSE2, NetConfig.of(1.0, 224));
        int widest14 = 0;
        for (Operator op : m.operators()) {
            Tensor out = m.tensor(op.outputs()[0]);
            if (op.op() == BuiltinOp.CONCATENATION && out.dim(1) == 14) {
                widest14 = Math.max(widest14, out.dim(3));
            }
        }
        assertEquals(512 + 5 * 32, widest14);
        assertThrows(IllegalArgumentException.class,
                () -> DenseMobileNet.build(DenseMobileNet.Variant.DENSE1, NetConfig.of(1.0, 224), 0));
        assertNull(Zoo.find("no_such_model", 1000));
    }

    @Test
    void widthRules() {
        assertEquals(8, MobileNetV1.channels(32, 0.25));
        assertEquals(24, MobileNetV1.channels(32, 0.75));
        assertEquals(8, MobileNetV1.channels(16, 0.25)); // floor(4) raised to the minimum of 8
        assertEquals(16, MobileNetV2.makeDivisible(32 * 0.35, 8)); // 11.2 -> 8 loses > 10 %, so 16
        assertEquals(24, MobileNetV2.makeDivisible(24, 8));
        assertEquals(40, MobileNetV2.makeDivisible(160 * 0.25, 8));
        assertEquals("0.75_192", NetConfig.of(0.75, 192).suffix());
        assertThrows(IllegalArgumentException.class, () -> NetConfig.of(0, 224));
    }
}
