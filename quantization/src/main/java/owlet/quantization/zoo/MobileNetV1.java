package owlet.quantization.zoo;

import owlet.runtime.model.Activation;
import owlet.runtime.model.Model;

/**
 * MobileNet V1 (Howard et al. 2017, Table 1): a standard 3x3 convolution with stride 2, thirteen
 * depthwise-separable blocks (3x3 depthwise, then 1x1 pointwise, each with batch norm and ReLU6),
 * global average pooling, a fully connected layer and softmax: 28 layers counting depthwise and
 * pointwise separately. The width multiplier scales every layer's channels to max(floor(c·α), 8), as
 * TensorFlow's slim implementation does; the input is resolution x resolution x 3.
 *
 * <p>Table 1 prints the thirteenth block's depthwise layer as "Conv dw / s2" on a 7x7 input with a
 * 7x7 output; the reference implementation (and the shared .tflite files) use stride 1 there, and so
 * does this builder: 13 blocks with strides 1,2,1,2,1,2,1,1,1,1,1,2,1.
 *
 * <p>The classifier is a FULLY_CONNECTED layer on the pooled [1, 1, 1, C] tensor, giving [1, classes].
 * TensorFlow's exported files compute the same thing as a 1x1 CONV_2D followed by RESHAPE; the two have
 * the same mult-adds and parameters.
 */
public final class MobileNetV1 {
    /** Output channels and stride of the thirteen depthwise-separable blocks, from Table 1. */
    static final int[][] BLOCKS = {
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
    };
    /** Output channels of the first, standard convolution. */
    static final int STEM = 32;

    private MobileNetV1() {
    }

    /** Channels of a layer with {@code c} channels at α = 1: max(floor(c·α), 8). */
    public static int channels(int c, double alpha) {
        return Math.max((int) (c * alpha), 8);
    }

    /** MobileNet V1 with depthwise-separable blocks. */
    public static Model build(NetConfig config) {
        return build(config, false);
    }

    /**
     * The paper's "Conv MobileNet" baseline (Table 4): the same network with a full 3x3 convolution (with
     * the block's stride and output channels) in place of each depthwise-separable block.
     */
    public static Model buildConv(NetConfig config) {
        return build(config, true);
    }

    private static Model build(NetConfig config, boolean fullConvolutions) {
        String name = (fullConvolutions ? "conv_mobilenet_" : "mobilenet_v1_") + config.suffix();
        NetBuilder net = new NetBuilder(name, config.weights());
        double alpha = config.alpha();
        int x = net.input(config.resolution(), config.resolution(), 3);
        x = net.conv("conv_0", x, channels(STEM, alpha), 3, 2, Activation.RELU6);
        for (int i = 0; i < BLOCKS.length; i++) {
            int cout = channels(BLOCKS[i][0], alpha);
            int stride = BLOCKS[i][1];
            if (fullConvolutions) {
                x = net.conv("conv_" + (i + 1), x, cout, 3, stride, Activation.RELU6);
            } else {
                x = net.depthwise("conv_dw_" + (i + 1), x, 3, stride, Activation.RELU6);
                x = net.conv("conv_pw_" + (i + 1), x, cout, 1, 1, Activation.RELU6);
            }
        }
        x = net.globalAveragePool("avg_pool", x);
        x = net.fullyConnected("logits", x, config.classes(), Activation.NONE);
        x = net.softmax("predictions", x);
        return net.build(x, (fullConvolutions ? "Conv MobileNet" : "MobileNet V1") + " α=" + config.alphaText()
                + ", " + config.resolution() + "x" + config.resolution() + ", " + config.classes() + " classes");
    }
}
