package owlet.runtime.kernels.support;

import owlet.runtime.model.Padding;

/** TFLite's output-size and padding rules for windowed ops (conv, depthwise conv, pools). */
public final class Geometry {
    private Geometry() {
    }

    /** Output extent: SAME = ceil(in / stride); VALID = ceil((in - effectiveFilter + 1) / stride). */
    public static int outputSize(Padding padding, int in, int filter, int stride, int dilation) {
        int effective = (filter - 1) * dilation + 1;
        return padding == Padding.SAME ? (in + stride - 1) / stride : (in - effective + stride) / stride;
    }

    /** Padding before the first element; an odd total puts the extra element at the end, as TFLite does. */
    public static int paddingBefore(int in, int filter, int stride, int dilation, int out) {
        int effective = (filter - 1) * dilation + 1;
        int total = Math.max((out - 1) * stride + effective - in, 0);
        return total / 2;
    }
}
