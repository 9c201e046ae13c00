package owlet.runtime.kernels;

import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * What AVERAGE_POOL_2D and MAX_POOL_2D share, validated once: the window geometry (TFLite's SAME/VALID rules
 * without dilation; input and output NHWC with the same channel count), the element type, and the fused
 * activation's clamp range, in stored form for 8-bit tensors.
 *
 * <p>Quantized pools never requantize: as TFLite, input and output must share their quantization (the same
 * zero point, and scales within TFLite's tolerance of 1e-6).
 *
 * @param shift 128 for uint8 (stored values are the original minus 128), 0 for int8 and float
 */
record Pool2DWindow(Window window, TensorType type, int shift, int min, int max, float floatMin,
                    float floatMax) {

    /** TFLite's pooling Prepare: the float difference |inScale - outScale| must not exceed this. */
    static final double SCALE_TOLERANCE = 1.0e-6;

    static Pool2DWindow prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        OperatorOptions.Pool2D o = ctx.options(OperatorOptions.Pool2D.class);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireRank(in, "input", 4);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", in.type());
        Window w = Window.plan(ctx, in, out, in.dim(3), o.filterHeight(), o.filterWidth(), o.padding(),
                o.strideH(), o.strideW(), 1, 1);
        if (in.type() == TensorType.FLOAT32) {
            float[] range = Quant8.activationRangeFloat(ctx, o.activation());
            return new Pool2DWindow(w, in.type(), 0, 0, 0, range[0], range[1]);
        }
        ctx.requirePerTensor(in, "input");
        ctx.requirePerTensor(out, "output");
        Quantization qi = in.quantization();
        Quantization qo = out.quantization();
        if (qi.zeroPoint() != qo.zeroPoint() || Math.abs(qi.scale() - qo.scale()) > SCALE_TOLERANCE) {
            throw ctx.fail("input and output must have the same quantization (TFLite requires it), but input has"
                    + " scale " + qi.scale() + " zero point " + qi.zeroPoint() + " and output scale " + qo.scale()
                    + " zero point " + qo.zeroPoint());
        }
        int[] range = Quant8.activationRange(ctx, o.activation(), out);
        return new Pool2DWindow(w, in.type(), Quant8.shift(in), range[0], range[1], 0f, 0f);
    }
}
