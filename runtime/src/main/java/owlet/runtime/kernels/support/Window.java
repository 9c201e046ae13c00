package owlet.runtime.kernels.support;

import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Tensor;

/**
 * Shapes, strides, dilation, padding and arena offsets of a windowed op over an NHWC input (CONV_2D,
 * DEPTHWISE_CONV_2D, the pools), planned once at prepare.
 */
public record Window(int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw,
                     int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft,
                     int inOffset, int outOffset) {

    /**
     * The window of a windowed op over an NHWC input: output extent and padding by TFLite's rules,
     * checked against the output tensor's shape {@code [batches, outH, outW, outC]}.
     */
    public static Window plan(OpContext ctx, Tensor in, Tensor out, int outC, int kh, int kw, Padding padding,
                              int strideH, int strideW, int dilationH, int dilationW) throws InvalidModelException {
        int batches = in.dim(0);
        int inH = in.dim(1);
        int inW = in.dim(2);
        int outH = Geometry.outputSize(padding, inH, kh, strideH, dilationH);
        int outW = Geometry.outputSize(padding, inW, kw, strideW, dilationW);
        if (outH < 1 || outW < 1) {
            throw ctx.fail("filter " + kh + "x" + kw + " does not fit the " + inH + "x" + inW + " input with "
                    + padding + " padding");
        }
        ctx.requireShape(out, "output", batches, outH, outW, outC);
        return new Window(batches, inH, inW, in.dim(3), outH, outW, outC, kh, kw, strideH, strideW, dilationH,
                dilationW, Geometry.paddingBefore(inH, kh, strideH, dilationH, outH),
                Geometry.paddingBefore(inW, kw, strideW, dilationW, outW), ctx.offset(in), ctx.offset(out));
    }

    /** This window reading its input at {@code offset} instead (a copy of the input in another form). */
    public Window withInputAt(int offset) {
        return new Window(batches, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, dilationH,
                dilationW, padTop, padLeft, offset, outOffset);
    }
}
