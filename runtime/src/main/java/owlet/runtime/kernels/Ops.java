package owlet.runtime.kernels;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.quant.HybridInput;

/** The op resolver: which op class prepares each builtin operator. */
public final class Ops {
    private Ops() {
    }

    /** Operators the runtime can execute. */
    public static final Set<BuiltinOp> SUPPORTED = EnumSet.of(BuiltinOp.CONV_2D, BuiltinOp.DEPTHWISE_CONV_2D,
            BuiltinOp.AVERAGE_POOL_2D, BuiltinOp.MAX_POOL_2D, BuiltinOp.FULLY_CONNECTED, BuiltinOp.ADD,
            BuiltinOp.RESHAPE, BuiltinOp.SQUEEZE, BuiltinOp.SOFTMAX, BuiltinOp.QUANTIZE, BuiltinOp.DEQUANTIZE,
            BuiltinOp.CONCATENATION, BuiltinOp.MEAN, BuiltinOp.PAD, BuiltinOp.MUL, BuiltinOp.HARD_SWISH,
            BuiltinOp.LOGISTIC,
            // Issue #16's operators.
            BuiltinOp.SUB, BuiltinOp.MAXIMUM, BuiltinOp.MINIMUM, BuiltinOp.RELU, BuiltinOp.RELU6,
            BuiltinOp.RELU_N1_TO_1, BuiltinOp.PACK, BuiltinOp.UNPACK, BuiltinOp.SPLIT, BuiltinOp.SPLIT_V,
            BuiltinOp.CAST, BuiltinOp.ROUND, BuiltinOp.STRIDED_SLICE, BuiltinOp.RESIZE_BILINEAR,
            BuiltinOp.RESIZE_NEAREST_NEIGHBOR);
    /** The custom operators Owlet runs, by custom code. */
    public static final Set<String> SUPPORTED_CUSTOM = Set.of(DetectionPostProcess.CUSTOM_CODE);

    /** Whether Owlet has a kernel for {@code op}: a supported builtin, or a supported custom operator. */
    public static boolean supports(Operator op) {
        if (op.options() instanceof OperatorOptions.Custom custom) {
            return SUPPORTED_CUSTOM.contains(custom.code());
        }
        return op.op() != null && SUPPORTED.contains(op.op());
    }

    /**
     * Bytes of arena scratch {@code op} needs during its step, 0 for none: a hybrid CONV_2D,
     * DEPTHWISE_CONV_2D or FULLY_CONNECTED (float32 input, int8 weights) holds its input quantized to int8
     * ({@link HybridInput}). Asked before prepare, so a malformed operator answers 0 and fails in prepare.
     */
    public static int scratchBytes(List<Tensor> tensors, Operator op) {
        if (op.op() != BuiltinOp.CONV_2D && op.op() != BuiltinOp.DEPTHWISE_CONV_2D
                && op.op() != BuiltinOp.FULLY_CONNECTED) {
            return 0;
        }
        int[] in = op.inputs();
        if (in.length < 2 || in[0] < 0 || in[1] < 0 || in[0] >= tensors.size() || in[1] >= tensors.size()) {
            return 0;
        }
        Tensor input = tensors.get(in[0]);
        return HybridInput.isHybrid(input, tensors.get(in[1])) ? input.elementCount() : 0;
    }

    /** Validates the operator in {@code ctx} and returns its prepared kernel. */
    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        BuiltinOp op = ctx.op().op();
        if (ctx.op().options() instanceof OperatorOptions.Custom custom
                && custom.code().equals(DetectionPostProcess.CUSTOM_CODE)) {
            return DetectionPostProcess.prepare(ctx);
        }
        if (op == null || !SUPPORTED.contains(op)) {
            throw ctx.fail("operator is not supported by Owlet (supported: " + SUPPORTED + " and CUSTOM '"
                    + DetectionPostProcess.CUSTOM_CODE + "')");
        }
        return switch (op) {
            case CONV_2D -> Conv2D.prepare(ctx);
            case DEPTHWISE_CONV_2D -> DepthwiseConv2D.prepare(ctx);
            case AVERAGE_POOL_2D -> AveragePool2D.prepare(ctx);
            case MAX_POOL_2D -> MaxPool2D.prepare(ctx);
            case FULLY_CONNECTED -> FullyConnected.prepare(ctx);
            case ADD -> Add.prepare(ctx);
            case RESHAPE, SQUEEZE -> Reshape.prepare(ctx);
            case SOFTMAX -> Softmax.prepare(ctx);
            case QUANTIZE -> Quantize.prepare(ctx);
            case DEQUANTIZE -> Dequantize.prepare(ctx);
            case CONCATENATION -> Concatenation.prepare(ctx);
            case MEAN -> Mean.prepare(ctx);
            case PAD -> Pad.prepare(ctx);
            case MUL -> Mul.prepare(ctx);
            case HARD_SWISH -> HardSwish.prepare(ctx);
            case LOGISTIC -> Logistic.prepare(ctx);
            // Issue #16's operators.
            case SUB -> Sub.prepare(ctx);
            case MAXIMUM, MINIMUM -> MaximumMinimum.prepare(ctx);
            case RELU, RELU6, RELU_N1_TO_1 -> Relu.prepare(ctx);
            case PACK -> Pack.prepare(ctx);
            case UNPACK -> Unpack.prepare(ctx);
            case SPLIT, SPLIT_V -> Split.prepare(ctx);
            case CAST -> Cast.prepare(ctx);
            case ROUND -> Round.prepare(ctx);
            case STRIDED_SLICE -> StridedSlice.prepare(ctx);
            case RESIZE_BILINEAR -> ResizeBilinear.prepare(ctx);
            case RESIZE_NEAREST_NEIGHBOR -> ResizeNearestNeighbor.prepare(ctx);
            default -> throw ctx.fail("operator is not supported by Owlet");
        };
    }
}
