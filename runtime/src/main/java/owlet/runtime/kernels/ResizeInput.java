package owlet.runtime.kernels;

import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * What RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR check alike: inputs {@code (input [N, H, W, C], size)} with
 * {@code size} an int32 constant {@code [new_height, new_width]}, both positive; the output
 * {@code [N, new_height, new_width, C]} of the input's type (float32, uint8, int8) and, for 8-bit, its
 * quantization; {@code align_corners} and {@code half_pixel_centers} not both set (TFLite rejects that).
 */
record ResizeInput(Tensor in, Tensor out, int batches, int inH, int inW, int depth, int outH, int outW,
                   boolean alignCorners, boolean halfPixelCenters) {

    static ResizeInput of(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(2, 2, 1);
        OperatorOptions.Resize o = ctx.options(OperatorOptions.Resize.class);
        if (o.alignCorners() && o.halfPixelCenters()) {
            throw ctx.fail("align_corners and half_pixel_centers are both set; TFLite allows at most one");
        }
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", in.type());
        ctx.requireRank(in, "input", 4);
        int[] size = Split.constantInts(ctx, ctx.input(1), "size");
        if (size.length != 2 || size[0] < 1 || size[1] < 1) {
            throw ctx.fail("size must hold two positive values (new height, new width), holds "
                    + java.util.Arrays.toString(size));
        }
        ctx.requireShape(out, "output", in.dim(0), size[0], size[1], in.dim(3));
        SameQuantization.require(ctx, in, "the input", out, "output");
        return new ResizeInput(in, out, in.dim(0), in.dim(1), in.dim(2), in.dim(3), size[0], size[1],
                o.alignCorners(), o.halfPixelCenters());
    }
}
