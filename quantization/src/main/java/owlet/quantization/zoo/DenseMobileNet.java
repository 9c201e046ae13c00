package owlet.quantization.zoo;

import java.util.ArrayList;
import java.util.List;
import owlet.runtime.model.Activation;
import owlet.runtime.model.Model;

/**
 * Dense1-MobileNet and Dense2-MobileNet (Wang et al. 2020, "A novel image classification approach via
 * Dense-MobileNet models"): MobileNet V1 in which the layers of each stage of equal feature-map size
 * form a dense block. Only the paper's abstract was available when this was written; the structure below
 * is this builder's reading of it, and these are its assumptions:
 *
 * <ul>
 *   <li>Stages are those of MobileNet V1 ({@link MobileNetV1#BLOCKS}): a stride-2 separable block (3x3
 *       depthwise with stride 2, 1x1 pointwise to the V1 table's α-scaled channels) is the transition
 *       that starts a stage, reading the concatenation of everything the previous stage produced. Its
 *       output, or the stem's for the first stage, is the stage input x0.</li>
 *   <li>Every stride-1 separable block of a stage is a dense layer: it contributes {@code growth}
 *       (α-scaled, at least 8) new channels y_i, and the stage's output is concat(x0, y_1, ..., y_n).</li>
 *   <li><b>Dense2</b>: the separable block as a whole is the dense layer: block i's 3x3 depthwise reads
 *       concat(x0, y_1, ..., y_{i-1}) and its 1x1 pointwise maps the result to y_i.</li>
 *   <li><b>Dense1</b>: the depthwise and pointwise layers are densely connected separately: each piece
 *       of the stage (x0, then each y_i) is depthwise-filtered once, by the block that follows it, and
 *       block i's 1x1 pointwise reads the concatenation of all filtered pieces so far,
 *       concat(dw(x0), dw(y_1), ..., dw(y_{i-1})). A depthwise filter acts per channel, so this is
 *       Dense2 with each depthwise filter shared by the later blocks instead of learned again.</li>
 *   <li>The stem, global average pooling, fully connected classifier and softmax are V1's, with ReLU6.</li>
 * </ul>
 *
 * <p>TFLite operators used: CONV_2D, DEPTHWISE_CONV_2D, CONCATENATION (axis 3), AVERAGE_POOL_2D,
 * FULLY_CONNECTED, SOFTMAX.
 */
public final class DenseMobileNet {
    public enum Variant { DENSE1, DENSE2 }

    /** The growth rate used when none is given: small against V1's 64 to 1024 channels. */
    public static final int DEFAULT_GROWTH = 32;

    private DenseMobileNet() {
    }

    public static Model build(Variant variant, NetConfig config) {
        return build(variant, config, DEFAULT_GROWTH);
    }

    public static Model build(Variant variant, NetConfig config, int growth) {
        if (growth < 1 || growth > 4096) {
            throw new IllegalArgumentException("growth rate must be between 1 and 4096, got " + growth);
        }
        double alpha = config.alpha();
        int g = MobileNetV1.channels(growth, alpha);
        String label = variant == Variant.DENSE1 ? "dense1" : "dense2";
        NetBuilder net = new NetBuilder(label + "_mobilenet_" + config.suffix(), config.weights());
        int x = net.input(config.resolution(), config.resolution(), 3);
        x = net.conv("conv_0", x, MobileNetV1.channels(MobileNetV1.STEM, alpha), 3, 2, Activation.RELU6);
        List<Integer> pieces = new ArrayList<>(List.of(x)); // x0, y_1, ..., y_i of the current stage
        List<Integer> filtered = new ArrayList<>(); // Dense1: dw(x0), dw(y_1), ...
        int stage = 0;
        for (int i = 0; i < MobileNetV1.BLOCKS.length; i++) {
            String name = "block_" + (i + 1);
            int stride = MobileNetV1.BLOCKS[i][1];
            if (stride == 2) {
                int in = join(net, "stage_" + stage + "/concat", pieces);
                int d = net.depthwise(name + "/depthwise", in, 3, 2, Activation.RELU6);
                x = net.conv(name + "/pointwise", d, MobileNetV1.channels(MobileNetV1.BLOCKS[i][0], alpha), 1, 1,
                        Activation.RELU6);
                pieces = new ArrayList<>(List.of(x));
                filtered = new ArrayList<>();
                stage++;
                continue;
            }
            int pointwiseInput;
            if (variant == Variant.DENSE2) {
                int in = join(net, name + "/concat", pieces);
                pointwiseInput = net.depthwise(name + "/depthwise", in, 3, 1, Activation.RELU6);
            } else {
                filtered.add(net.depthwise(name + "/depthwise", pieces.get(pieces.size() - 1), 3, 1,
                        Activation.RELU6));
                pointwiseInput = join(net, name + "/concat", filtered);
            }
            pieces.add(net.conv(name + "/pointwise", pointwiseInput, g, 1, 1, Activation.RELU6));
        }
        x = join(net, "stage_" + stage + "/concat", pieces);
        x = net.globalAveragePool("avg_pool", x);
        x = net.fullyConnected("logits", x, config.classes(), Activation.NONE);
        x = net.softmax("predictions", x);
        return net.build(x, (variant == Variant.DENSE1 ? "Dense1" : "Dense2") + "-MobileNet α=" + config.alphaText()
                + ", growth " + g + ", " + config.resolution() + "x" + config.resolution() + ", "
                + config.classes() + " classes");
    }

    /** The concatenation of the pieces, or the single piece itself. */
    private static int join(NetBuilder net, String name, List<Integer> pieces) {
        return pieces.size() == 1 ? pieces.get(0) : net.concat(name, pieces);
    }
}
