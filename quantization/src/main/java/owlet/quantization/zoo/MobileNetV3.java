package owlet.quantization.zoo;

import owlet.runtime.model.Activation;
import owlet.runtime.model.Model;

/**
 * MobileNet V3 small and large (Howard et al. 2019, Tables 1 and 2). Columns of a bneck row: kernel,
 * expansion size, output channels, SE (squeeze-and-excite), NL (RE = ReLU, HS = h-swish), stride.
 * A bneck block is: 1x1 expansion with NL (absent when the expansion equals the input channels),
 * k x k depthwise with the stride and NL, then, with SE, x · hard_sigmoid(W2 · relu(W1 · mean(x)))
 * with W1 reducing to makeDivisible(exp / 4) channels; then a linear 1x1 projection and, when the stride
 * is 1 and the channels match, the residual ADD. The head is a 1x1 convolution to 6x the last block's
 * channels with h-swish, global average pooling, the "NBN" 1x1 layer (1280 or 1024 channels, h-swish,
 * no batch norm), and the classifier, then softmax. On the pooled 1x1 map the two NBN 1x1 convolutions
 * are FULLY_CONNECTED layers here; NBN changes nothing in an inference graph, where every layer has a
 * bias (batch norm folded into it, or a trained bias for NBN layers).
 *
 * <p>TFLite operators used: CONV_2D and DEPTHWISE_CONV_2D (ReLU fused), HARD_SWISH, MEAN (keep dims)
 * for the squeeze, ADD (+3, RELU6 fused) and MUL (by 1/6) for the hard sigmoid, MUL for the
 * excitation, ADD for residuals, AVERAGE_POOL_2D, FULLY_CONNECTED, SOFTMAX.
 *
 * <p>Table 2 (small) marks SE on the last 1x1 convolution (7x7x96 to 576); the reference
 * implementations put no SE there, and neither does this builder. Channels scale as in MobileNet V2
 * ({@link MobileNetV2#makeDivisible}); the stem's 16 is scaled too, the NBN layer only when α > 1.
 */
public final class MobileNetV3 {
    public enum Size { SMALL, LARGE }

    private static final int RE = 0;
    private static final int HS = 1;

    /** Table 1 (large): kernel, exp, out, SE, NL, stride. */
    static final int[][] LARGE = {
        {3, 16, 16, 0, RE, 1}, {3, 64, 24, 0, RE, 2}, {3, 72, 24, 0, RE, 1},
        {5, 72, 40, 1, RE, 2}, {5, 120, 40, 1, RE, 1}, {5, 120, 40, 1, RE, 1},
        {3, 240, 80, 0, HS, 2}, {3, 200, 80, 0, HS, 1}, {3, 184, 80, 0, HS, 1}, {3, 184, 80, 0, HS, 1},
        {3, 480, 112, 1, HS, 1}, {3, 672, 112, 1, HS, 1},
        {5, 672, 160, 1, HS, 2}, {5, 960, 160, 1, HS, 1}, {5, 960, 160, 1, HS, 1},
    };
    /** Table 2 (small): kernel, exp, out, SE, NL, stride. */
    static final int[][] SMALL = {
        {3, 16, 16, 1, RE, 2}, {3, 72, 24, 0, RE, 2}, {3, 88, 24, 0, RE, 1},
        {5, 96, 40, 1, HS, 2}, {5, 240, 40, 1, HS, 1}, {5, 240, 40, 1, HS, 1},
        {5, 120, 48, 1, HS, 1}, {5, 144, 48, 1, HS, 1},
        {5, 288, 96, 1, HS, 2}, {5, 576, 96, 1, HS, 1}, {5, 576, 96, 1, HS, 1},
    };

    private MobileNetV3() {
    }

    public static Model build(Size size, NetConfig config) {
        double alpha = config.alpha();
        String label = size == Size.LARGE ? "large" : "small";
        NetBuilder net = new NetBuilder("mobilenet_v3_" + label + "_" + config.suffix(), config.weights());
        int x = net.input(config.resolution(), config.resolution(), 3);
        x = layer(net, "conv_0", net.conv("conv_0", x, MobileNetV2.makeDivisible(16 * alpha, 8), 3, 2,
                Activation.NONE), HS);
        int[][] rows = size == Size.LARGE ? LARGE : SMALL;
        for (int b = 0; b < rows.length; b++) {
            int[] r = rows[b];
            String name = "bneck_" + b;
            int exp = MobileNetV2.makeDivisible(r[1] * alpha, 8);
            int out = MobileNetV2.makeDivisible(r[2] * alpha, 8);
            int cin = net.channels(x);
            int y = x;
            if (exp != cin) {
                y = layer(net, name + "/expand", net.conv(name + "/expand", y, exp, 1, 1, fused(r[4])), r[4]);
            }
            y = layer(net, name + "/depthwise", net.depthwise(name + "/depthwise", y, r[0], r[5], fused(r[4])), r[4]);
            if (r[3] == 1) {
                y = squeezeExcite(net, name + "/se", y);
            }
            y = net.conv(name + "/project", y, out, 1, 1, Activation.NONE);
            if (r[5] == 1 && cin == out) {
                y = net.add(name + "/add", x, y, Activation.NONE);
            }
            x = y;
        }
        int last = MobileNetV2.makeDivisible(net.channels(x) * 6, 8);
        x = layer(net, "conv_last", net.conv("conv_last", x, last, 1, 1, Activation.NONE), HS);
        x = net.globalAveragePool("avg_pool", x);
        int head = size == Size.LARGE ? 1280 : 1024;
        x = layer(net, "head", net.fullyConnected("head", x, alpha > 1 ? MobileNetV2.makeDivisible(head * alpha, 8)
                : head, Activation.NONE), HS);
        x = net.fullyConnected("logits", x, config.classes(), Activation.NONE);
        x = net.softmax("predictions", x);
        return net.build(x, "MobileNet V3 " + label + " α=" + config.alphaText() + ", " + config.resolution() + "x"
                + config.resolution() + ", " + config.classes() + " classes");
    }

    /** ReLU is fused into the convolution; h-swish is an operator of its own. */
    private static Activation fused(int nl) {
        return nl == RE ? Activation.RELU : Activation.NONE;
    }

    /** h-swish after the layer {@code x} when NL is HS; a ReLU is already fused into it. */
    private static int layer(NetBuilder net, String name, int x, int nl) {
        return nl == HS ? net.hardSwish(name + "/hard_swish", x) : x;
    }

    /** x · hard_sigmoid(W2 · relu(W1 · mean(x) + b1) + b2), the gates broadcast over H and W. */
    private static int squeezeExcite(NetBuilder net, String name, int x) {
        int c = net.channels(x);
        int s = net.spatialMean(name + "/squeeze", x);
        s = net.conv(name + "/reduce", s, MobileNetV2.makeDivisible(c / 4.0, 8), 1, 1, Activation.RELU);
        s = net.conv(name + "/expand", s, c, 1, 1, Activation.NONE);
        s = net.hardSigmoid(name + "/gate", s);
        return net.mul(name + "/excite", x, s);
    }
}
