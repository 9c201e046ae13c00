package owlet.quantization.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import owlet.quantization.zoo.DenseMobileNet;
import owlet.quantization.zoo.MobileNetV3;
import owlet.quantization.zoo.NetBuilder;
import owlet.quantization.zoo.NetConfig;
import owlet.quantization.zoo.Weights;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Activation;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Quantized random-weight graphs, written as .tflite files, give the same output bytes in Owlet and in
 * TensorFlow Lite, and their values stay near the float model's.
 */
class QuantizedMatchesTfLiteTest {

    /** Every operator the quantizer handles, on a 32x32 input: stem, separable block, residual, concat, heads. */
    static Model smallGraph(long seed) {
        NetBuilder g = new NetBuilder("ptq_small", Weights.random(seed));
        int x = g.input(32, 32, 3);
        int stem = g.conv("stem", x, 16, 3, 2, Activation.RELU6);
        int dw = g.depthwise("dw", stem, 3, 1, Activation.RELU6);
        int pw = g.conv("pw", dw, 16, 1, 1, Activation.NONE);
        int res = g.add("residual", stem, pw, Activation.NONE);
        int relu = g.conv("relu", res, 8, 1, 1, Activation.RELU);
        int cat = g.concat("concat", List.of(relu, stem));
        int down = g.depthwise("down", cat, 3, 2, Activation.RELU6);
        int mean = g.spatialMean("mean", down);
        int pool = g.globalAveragePool("pool", down);
        int both = g.add("heads", mean, pool, Activation.NONE);
        int fc = g.fullyConnected("fc", both, 10, Activation.NONE);
        return g.build(g.softmax("softmax", fc), "PTQ test graph");
    }

    private static float[] randomInput(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Calibrates on 8 random inputs in [-1, 1) and quantizes. */
    static Model quantize(Model f, RangeMethod method) throws Exception {
        Calibration c = new Calibration(f, method);
        Random r = new Random(7);
        for (int i = 0; i < 8; i++) {
            c.observe(randomInput(r, f.input(0).elementCount()));
        }
        return Quantizer.quantize(f, c, f.source() + "_int8");
    }

    @ParameterizedTest
    @EnumSource(RangeMethod.class)
    void smallGraphMatchesTfLiteByteForByte(RangeMethod method) throws Exception {
        Model q = quantize(smallGraph(3), method);
        assertOwletEqualsTfLite(q, 6);
    }

    @Test
    void dense2MobileNetMatchesTfLiteByteForByte() throws Exception {
        Model f = DenseMobileNet.build(DenseMobileNet.Variant.DENSE2,
                NetConfig.of(0.25, 64).withClasses(10).withWeights(Weights.random(5)));
        assertOwletEqualsTfLite(quantize(f, RangeMethod.MINMAX), 2);
    }

    /**
     * The activation ops one by one on wide ranges: a sigmoid gate (LOGISTIC, then MUL by the map), h-swish on a
     * map whose range goes well past ±3, a hard sigmoid with constant operands, and a fused-RELU6 MUL.
     */
    static Model activationGraph(long seed) {
        NetBuilder g = new NetBuilder("ptq_activations", Weights.random(seed));
        int x = g.input(16, 16, 3);
        int wide = g.conv("wide", x, 16, 3, 1, Activation.NONE);
        int gate = g.logistic("sigmoid", g.conv("gate_logits", wide, 16, 1, 1, Activation.NONE));
        int gated = g.mul("gated", wide, gate);
        int hs = g.hardSwish("hswish", gated);
        int mean = g.spatialMean("squeeze", hs);
        int hsig = g.hardSigmoid("hsigmoid", mean);
        int excited = g.mul("excite", hs, hsig);
        int both = g.add("sum", excited, wide, Activation.NONE);
        int pool = g.globalAveragePool("pool", g.hardSwish("hswish2", both));
        int fc = g.fullyConnected("fc", pool, 10, Activation.NONE);
        return g.build(g.logistic("out_sigmoid", fc), "PTQ activation-op graph");
    }

    @ParameterizedTest
    @EnumSource(RangeMethod.class)
    void activationGraphMatchesTfLiteByteForByte(RangeMethod method) throws Exception {
        assertOwletEqualsTfLite(quantize(activationGraph(4), method), 6);
    }

    /**
     * MobileNet V3 small, α 0.5 at 64x64: HARD_SWISH, squeeze-excite (MEAN, hard sigmoid as ADD(+3, RELU6) and
     * MUL(1/6) with constant operands, MUL by the broadcast gate), residual ADDs, pooling and the heads.
     */
    @Test
    void mobileNetV3SmallMatchesTfLiteByteForByte() throws Exception {
        Model f = MobileNetV3.build(MobileNetV3.Size.SMALL,
                NetConfig.of(0.5, 64).withClasses(10).withWeights(Weights.random(9)));
        assertOwletEqualsTfLite(quantize(f, RangeMethod.MINMAX), 3);
    }

    @Test
    void quantizedOutputsStayNearTheFloatOnes() throws Exception {
        Model f = smallGraph(3);
        Model q = quantize(f, RangeMethod.MINMAX);
        Interpreter fi = Interpreter.create(f);
        Interpreter qi = Interpreter.create(q);
        Tensor in = q.input(0);
        float[] x = randomInput(new Random(11), in.elementCount());
        fi.setInput(0, x);
        byte[] q8 = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            long v = Math.round(x[i] / in.quantization().scale()) + in.quantization().zeroPoint();
            q8[i] = (byte) Math.max(-128, Math.min(127, v));
        }
        qi.setInput(0, q8);
        fi.run();
        qi.run();
        float[] a = new float[10];
        float[] b = new float[10];
        fi.outputAsFloat(0, a);
        qi.outputAsFloat(0, b);
        for (int k = 0; k < a.length; k++) {
            assertEquals(a[k], b[k], 0.03, "softmax output " + k);
        }
    }

    @Test
    void quantizedGraphFollowsTfLitesScheme() throws Exception {
        Model q = quantize(smallGraph(3), RangeMethod.MINMAX);
        for (Tensor t : q.tensors()) {
            if (t.name().endsWith("/weights") && t.rank() == 4) {
                assertEquals(TensorType.INT8, t.type(), t.describe());
                assertEquals(t.dim(0), t.quantization().scales().length, t.describe() + ": per output channel");
                for (long z : t.quantization().zeroPoints()) {
                    assertEquals(0, z, t.describe() + ": symmetric");
                }
            } else if (t.name().endsWith("/bias")) {
                assertEquals(TensorType.INT32, t.type(), t.describe());
            } else if (t.name().equals("softmax")) {
                assertEquals(1f / 256, t.quantization().scale());
                assertEquals(-128, t.quantization().zeroPoint());
            } else if (t.name().equals("dw")) {
                // RELU6 folded in: the range is within [0, 6], so zero point -128.
                assertEquals(-128, t.quantization().zeroPoint(), t.describe());
                assertTrue(t.quantization().scale() <= 6f / 255 + 1e-7, t.describe());
            }
        }
    }

    /** Writes {@code q}, runs the file in TFLite and the parsed file in Owlet on random int8 inputs. */
    static void assertOwletEqualsTfLite(Model q, int inputs) throws Exception {
        byte[] file = ModelWriter.toBytes(q);
        Model parsed = Model.parse(ByteBuffer.wrap(file), q.source());
        Interpreter owlet = Interpreter.create(parsed);
        int outLength = parsed.output(0).elementCount();
        byte[] in = new byte[parsed.input(0).elementCount()];
        byte[] mine = new byte[outLength];
        Random r = new Random(13);
        try (TfLite tflite = new TfLite(file)) {
            for (int i = 0; i < inputs; i++) {
                r.nextBytes(in);
                owlet.setInput(0, in);
                owlet.run();
                owlet.output(0, mine);
                assertArrayEquals(tflite.run(in, outLength), mine, q.source() + ", input " + i);
            }
        }
    }
}
