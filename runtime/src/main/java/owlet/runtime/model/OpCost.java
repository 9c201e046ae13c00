package owlet.runtime.model;


/**
 * Mult-adds and parameters of one operator: a convolution costs one mult-add per filter tap per output
 * element, a depthwise conv one per tap per output channel element, a fully connected layer one per weight
 * per batch (the MobileNet papers count the same way). Parameters are the elements of the constant inputs
 * (weights and biases), with or without their bytes attached ({@link Model#isGraphConstant}). Other ops
 * count no mult-adds. The papers' own columns (layer types, weights without biases) are the quantization
 * module's.
 */
public record OpCost(long multAdds, long params) {

    public static OpCost of(Model model, Operator op) {
        long params = 0;
        for (int t : op.inputs()) {
            if (t >= 0 && model.isGraphConstant(t) && isWeighted(op)) {
                params += model.tensor(t).elementCount();
            }
        }
        long macs = 0;
        if (op.op() != null && op.outputs().length > 0 && op.inputs().length > 1) {
            Tensor out = model.tensor(op.outputs()[0]);
            Tensor filter = op.inputs()[1] >= 0 ? model.tensor(op.inputs()[1]) : null;
            switch (op.op()) {
                case CONV_2D -> {
                    if (filter != null && filter.rank() == 4) {
                        macs = (long) out.elementCount() * filter.dim(1) * filter.dim(2) * filter.dim(3);
                    }
                }
                case DEPTHWISE_CONV_2D -> {
                    if (filter != null && filter.rank() == 4) {
                        macs = (long) out.elementCount() * filter.dim(1) * filter.dim(2);
                    }
                }
                case FULLY_CONNECTED -> {
                    if (filter != null && filter.rank() == 2) {
                        macs = (long) out.elementCount() * filter.dim(1);
                    }
                }
                default -> {
                }
            }
        }
        return new OpCost(macs, params);
    }

    private static boolean isWeighted(Operator op) {
        if (op.op() == null) {
            return false;
        }
        return switch (op.op()) {
            case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> true;
            default -> false;
        };
    }

    /** Total mult-adds of a model. */
    public static long totalMultAdds(Model model) {
        long sum = 0;
        for (Operator op : model.operators()) {
            sum += of(model, op).multAdds();
        }
        return sum;
    }
}
