package owlet.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * A small hybrid ("dynamic-range") model built in memory: float32 activations, int8 weights. CONV_2D 3x3
 * (per-channel) → DEPTHWISE_CONV_2D 3x3 (per-channel) → RESHAPE → FULLY_CONNECTED (per-tensor, asymmetric
 * inputs), input [1, 32, 32, 8], output [1, 10]; the two convolutions are large enough for the interpreter
 * to split them over threads. The first scale of the convolution's filter
 * is {@link #MARKER_SCALE}, a value no other field holds, so tests can find its bytes in the written file.
 */
public final class HybridModels {
    public static final float MARKER_SCALE = 0.0123456789f;

    private HybridModels() {
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static float[] random(Random r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextFloat();
        }
        return v;
    }

    private static byte[] int8s(Random r, int n) {
        byte[] w = new byte[n];
        for (int i = 0; i < n; i++) {
            w[i] = (byte) (r.nextInt(255) - 127);
        }
        return w;
    }

    private static Quantization scales(Random r, int n, int dim) {
        float[] s = random(r, n, 0.002f, 0.02f);
        return new Quantization(s, new long[n], dim);
    }

    public static Model graph() {
        Random r = new Random(2024);
        ModelBuilder b = new ModelBuilder("hybrid_graph").description("hybrid test model");
        int in = b.tensor("in", TensorType.FLOAT32, new int[] {1, 32, 32, 8}, Quantization.NONE, null);
        Quantization convScales = scales(r, 16, 0);
        convScales.scales()[0] = MARKER_SCALE;
        int f1 = b.tensor("conv_filter", TensorType.INT8, new int[] {16, 3, 3, 8}, convScales, int8s(r, 16 * 72));
        int b1 = b.tensor("conv_bias", TensorType.FLOAT32, new int[] {16}, Quantization.NONE, floats(random(r, 16, -1, 1)));
        int t1 = b.tensor("conv_out", TensorType.FLOAT32, new int[] {1, 32, 32, 16}, Quantization.NONE, null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 1, 1, Activation.RELU6, 1, 1),
                new int[] {in, f1, b1}, t1);
        int f2 = b.tensor("dw_filter", TensorType.INT8, new int[] {1, 3, 3, 16}, scales(r, 16, 3), int8s(r, 144));
        int b2 = b.tensor("dw_bias", TensorType.FLOAT32, new int[] {16}, Quantization.NONE, floats(random(r, 16, -1, 1)));
        int t2 = b.tensor("dw_out", TensorType.FLOAT32, new int[] {1, 32, 32, 16}, Quantization.NONE, null);
        b.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.RELU, 1, 1), new int[] {t1, f2, b2}, t2);
        int t3 = b.tensor("flat", TensorType.FLOAT32, new int[] {1, 16384}, Quantization.NONE, null);
        b.operator(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {1, 16384}), new int[] {t2}, t3);
        int f4 = b.tensor("fc_filter", TensorType.INT8, new int[] {10, 16384}, scales(r, 1, 0), int8s(r, 163840));
        int b4 = b.tensor("fc_bias", TensorType.FLOAT32, new int[] {10}, Quantization.NONE, floats(random(r, 10, -1, 1)));
        int out = b.tensor("logits", TensorType.FLOAT32, new int[] {1, 10}, Quantization.NONE, null);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false, true),
                new int[] {t3, f4, b4}, out);
        return b.inputs(in).outputs(out).build();
    }

    /** A pseudo-random input for {@link #graph()}. */
    public static float[] input() {
        return random(new Random(7), 32 * 32 * 8, -1f, 1f);
    }
}
