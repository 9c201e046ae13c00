package owlet.quantization.cost;

import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;

/**
 * The MobileNet paper's view of an operator, for the columns of its tables that the runtime's mult-add
 * count ({@link owlet.runtime.model.OpCost}) does not give: the layer type a table row names, and the
 * parameters the paper counts (filters without biases, its layers having batch normalization instead).
 * Only CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, the operators with a filter, are paper layers.
 */
public final class PaperLayers {
    private PaperLayers() {
    }

    /**
     * The layer type as the paper's tables name it, from the op and its filter shape (input 1): "Conv 3x3"
     * or "Conv 1x1" (CONV_2D), "Conv dw 3x3" (DEPTHWISE_CONV_2D), "Fully connected"; null for an op that
     * has no filter.
     */
    public static String type(Model model, Operator op) {
        if (!hasFilter(op) || op.inputs().length < 2 || op.inputs()[1] < 0) {
            return null;
        }
        Tensor filter = model.tensor(op.inputs()[1]);
        return switch (op.op()) {
            case CONV_2D -> filter.rank() == 4 ? "Conv " + filter.dim(1) + "x" + filter.dim(2) : "Conv";
            case DEPTHWISE_CONV_2D -> filter.rank() == 4 ? "Conv dw " + filter.dim(1) + "x" + filter.dim(2) : "Conv dw";
            default -> "Fully connected";
        };
    }

    /**
     * The elements of the filter alone (input 1), without the bias: what the paper counts as parameters,
     * with or without the filter's bytes attached ({@link Model#isGraphConstant}). 0 for other ops.
     */
    public static long weights(Model model, Operator op) {
        if (!hasFilter(op) || op.inputs().length < 2 || op.inputs()[1] < 0
                || !model.isGraphConstant(op.inputs()[1])) {
            return 0;
        }
        return model.tensor(op.inputs()[1]).elementCount();
    }

    private static boolean hasFilter(Operator op) {
        if (op.op() == null) {
            return false;
        }
        return switch (op.op()) {
            case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> true;
            default -> false;
        };
    }
}
