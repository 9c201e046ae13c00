package owlet.quantization.zoo;

import owlet.runtime.model.Activation;
import owlet.runtime.model.Model;

/**
 * MobileNet V2 (Sandler et al. 2018, Table 2): a 3x3 convolution with stride 2 to 32 channels, then
 * bottleneck sequences (t, c, n, s) = expansion, output channels, repeats, stride of the first repeat.
 * Each inverted residual block is: 1x1 expansion to t·cin channels with ReLU6 (absent when t = 1), 3x3
 * depthwise with the stride and ReLU6, and a linear 1x1 projection (no activation: the linear
 * bottleneck); when the stride is 1 and cin = c, the block's input is added to its output (ADD). Then a
 * 1x1 convolution to 1280 channels with ReLU6, global average pooling, a fully connected classifier and
 * softmax.
 *
 * <p>Width multiplier: every channel count c·α is rounded to the nearest multiple of 8, but not below 8
 * and never more than 10 % below c·α, as the reference implementation's make_divisible does; the final
 * 1280 is scaled only when α > 1.
 */
public final class MobileNetV2 {
    /** Table 2 rows: t, c, n, s. */
    static final int[][] SEQUENCES = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };
    static final int STEM = 32;
    static final int LAST = 1280;

    private MobileNetV2() {
    }

    /**
     * {@code v} rounded to the nearest multiple of {@code divisor}, at least {@code divisor}, and bumped
     * up by one divisor when rounding down lost more than 10 %.
     */
    public static int makeDivisible(double v, int divisor) {
        int n = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (n < 0.9 * v) {
            n += divisor;
        }
        return n;
    }

    public static Model build(NetConfig config) {
        double alpha = config.alpha();
        NetBuilder net = new NetBuilder("mobilenet_v2_" + config.suffix(), config.weights());
        int x = net.input(config.resolution(), config.resolution(), 3);
        x = net.conv("conv_0", x, makeDivisible(STEM * alpha, 8), 3, 2, Activation.RELU6);
        int block = 0;
        for (int[] seq : SEQUENCES) {
            int t = seq[0];
            int c = makeDivisible(seq[1] * alpha, 8);
            for (int i = 0; i < seq[2]; i++) {
                int stride = i == 0 ? seq[3] : 1;
                String name = "block_" + block++;
                int cin = net.channels(x);
                int y = x;
                if (t != 1) {
                    y = net.conv(name + "/expand", y, cin * t, 1, 1, Activation.RELU6);
                }
                y = net.depthwise(name + "/depthwise", y, 3, stride, Activation.RELU6);
                y = net.conv(name + "/project", y, c, 1, 1, Activation.NONE);
                if (stride == 1 && cin == c) {
                    y = net.add(name + "/add", x, y, Activation.NONE);
                }
                x = y;
            }
        }
        x = net.conv("conv_last", x, alpha > 1 ? makeDivisible(LAST * alpha, 8) : LAST, 1, 1, Activation.RELU6);
        x = net.globalAveragePool("avg_pool", x);
        x = net.fullyConnected("logits", x, config.classes(), Activation.NONE);
        x = net.softmax("predictions", x);
        return net.build(x, "MobileNet V2 α=" + config.alphaText() + ", " + config.resolution() + "x"
                + config.resolution() + ", " + config.classes() + " classes");
    }
}
