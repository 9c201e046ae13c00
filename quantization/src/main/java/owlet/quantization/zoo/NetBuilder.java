package owlet.quantization.zoo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * Layer-level steps over {@link ModelBuilder} for float32 NHWC graphs with batch 1: each step takes
 * the index of its input tensor, adds the weights (attached or not, see {@link Weights}), the output
 * tensor with its computed shape and the TFLite operator, and returns the output's index. Padding is
 * SAME throughout, as in the reference MobileNets, so a stride-s layer maps H to ceil(H / s).
 * Batch normalization is taken as folded into each layer's bias, as TFLite converters do.
 */
public final class NetBuilder {
    private final ModelBuilder graph;
    private final Weights weights;
    private int input = -1;

    public NetBuilder(String name, Weights weights) {
        this.graph = new ModelBuilder(name);
        this.weights = weights;
    }

    /** The graph input: float32 [1, height, width, channels]. */
    public int input(int height, int width, int channels) {
        input = graph.tensor("input", TensorType.FLOAT32, 1, height, width, channels);
        return input;
    }

    public int[] shape(int tensor) {
        return graph.tensor(tensor).shape();
    }

    public int channels(int tensor) {
        int[] s = shape(tensor);
        return s[s.length - 1];
    }

    private static int out(int size, int stride) {
        return (size + stride - 1) / stride;
    }

    /** CONV_2D k x k, {@code cout} filters [cout, k, k, cin], bias [cout]. */
    public int conv(String name, int x, int cout, int k, int stride, Activation act) {
        int[] s = shape(x);
        int cin = s[3];
        int filter = graph.tensor(name + "/weights", TensorType.FLOAT32, new int[] {cout, k, k, cin},
                Quantization.NONE, weights.filter(cout * k * k * cin, k * k * cin));
        int bias = bias(name, cout);
        int y = graph.tensor(name, TensorType.FLOAT32, 1, out(s[1], stride), out(s[2], stride), cout);
        graph.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, stride, stride, act, 1, 1),
                new int[] {x, filter, bias}, y);
        return y;
    }

    /** DEPTHWISE_CONV_2D k x k, depth multiplier 1: filter [1, k, k, c], bias [c]. */
    public int depthwise(String name, int x, int k, int stride, Activation act) {
        int[] s = shape(x);
        int c = s[3];
        int filter = graph.tensor(name + "/depthwise_weights", TensorType.FLOAT32, new int[] {1, k, k, c},
                Quantization.NONE, weights.filter(k * k * c, k * k));
        int bias = bias(name, c);
        int y = graph.tensor(name, TensorType.FLOAT32, 1, out(s[1], stride), out(s[2], stride), c);
        graph.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, stride, stride, 1, act, 1, 1),
                new int[] {x, filter, bias}, y);
        return y;
    }

    /** FULLY_CONNECTED over all elements of x (a [1, 1, 1, C] pool output is C inputs): out [1, units]. */
    public int fullyConnected(String name, int x, int units, Activation act) {
        int depth = graph.tensor(x).elementCount();
        int filter = graph.tensor(name + "/weights", TensorType.FLOAT32, new int[] {units, depth},
                Quantization.NONE, weights.filter(units * depth, depth));
        int bias = bias(name, units);
        int y = graph.tensor(name, TensorType.FLOAT32, 1, units);
        graph.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(act, 0, false),
                new int[] {x, filter, bias}, y);
        return y;
    }

    private int bias(String name, int count) {
        return graph.tensor(name + "/bias", TensorType.FLOAT32, new int[] {count},
                Quantization.NONE, weights.bias(count));
    }

    /** AVERAGE_POOL_2D over the whole feature map (VALID, filter H x W): out [1, 1, 1, C]. */
    public int globalAveragePool(String name, int x) {
        int[] s = shape(x);
        int y = graph.tensor(name, TensorType.FLOAT32, 1, 1, 1, s[3]);
        graph.operator(BuiltinOp.AVERAGE_POOL_2D,
                new OperatorOptions.Pool2D(Padding.VALID, 1, 1, s[2], s[1], Activation.NONE), new int[] {x}, y);
        return y;
    }

    /** MEAN over height and width with keep_dims: out [1, 1, 1, C] (squeeze-and-excite's squeeze). */
    public int spatialMean(String name, int x) {
        int[] s = shape(x);
        int axes = graph.constant(name + "/axes", TensorType.INT32, new int[] {2}, ints(1, 2));
        int y = graph.tensor(name, TensorType.FLOAT32, 1, 1, 1, s[3]);
        graph.operator(BuiltinOp.MEAN, new OperatorOptions.Reducer(true), new int[] {x, axes}, y);
        return y;
    }

    /** ADD of two tensors (same shape, or b broadcast), with a fused activation. */
    public int add(String name, int a, int b, Activation act) {
        int y = graph.tensor(name, TensorType.FLOAT32, shape(a));
        graph.operator(BuiltinOp.ADD, new OperatorOptions.Elementwise(act), new int[] {a, b}, y);
        return y;
    }

    /** MUL of two tensors; b may be [1, 1, 1, C] against a [1, H, W, C] (broadcast), or a scalar. */
    public int mul(String name, int a, int b) {
        int y = graph.tensor(name, TensorType.FLOAT32, shape(a));
        graph.operator(BuiltinOp.MUL, new OperatorOptions.Elementwise(Activation.NONE), new int[] {a, b}, y);
        return y;
    }

    /** A float32 scalar constant of shape [1], part of the graph's structure (always attached). */
    public int scalar(String name, float value) {
        return graph.constant(name, TensorType.FLOAT32, new int[] {1},
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }

    /** HARD_SWISH: x * relu6(x + 3) / 6. */
    public int hardSwish(String name, int x) {
        int y = graph.tensor(name, TensorType.FLOAT32, shape(x));
        graph.operator(BuiltinOp.HARD_SWISH, new OperatorOptions.None(), new int[] {x}, y);
        return y;
    }

    /** LOGISTIC: 1 / (1 + exp(-x)). */
    public int logistic(String name, int x) {
        int y = graph.tensor(name, TensorType.FLOAT32, shape(x));
        graph.operator(BuiltinOp.LOGISTIC, new OperatorOptions.None(), new int[] {x}, y);
        return y;
    }

    /**
     * Hard sigmoid relu6(x + 3) / 6 as TFLite converters emit it: ADD of 3 with fused RELU6, then MUL by
     * 1/6 (TFLite has no hard-sigmoid operator).
     */
    public int hardSigmoid(String name, int x) {
        int shifted = add(name + "/add3_relu6", x, scalar(name + "/three", 3f), Activation.RELU6);
        return mul(name, shifted, scalar(name + "/one_sixth", 1f / 6));
    }

    /** CONCATENATION along channels (axis 3) of tensors with equal batch, height and width. */
    public int concat(String name, List<Integer> parts) {
        int[] s = shape(parts.get(0)).clone();
        int c = 0;
        int[] in = new int[parts.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = parts.get(i);
            c += channels(in[i]);
        }
        s[3] = c;
        int y = graph.tensor(name, TensorType.FLOAT32, s);
        graph.operator(BuiltinOp.CONCATENATION, new OperatorOptions.Concatenation(3, Activation.NONE), in, y);
        return y;
    }

    public int softmax(String name, int x) {
        int y = graph.tensor(name, TensorType.FLOAT32, shape(x));
        graph.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {x}, y);
        return y;
    }

    /** The finished graph, from the input to {@code output}. */
    public Model build(int output, String description) {
        return graph.description(description).inputs(input).outputs(output).build();
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }
}
