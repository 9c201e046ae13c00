package owlet.runtime.model;

/**
 * The builtin options of an operator, decoded at load time. One record per options table the runtime
 * reads; field comments give the schema field ids.
 */
public sealed interface OperatorOptions {

    /** For operators that carry no options (or whose options Owlet does not need). */
    record None() implements OperatorOptions {
    }

    /** Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3, dilation_w 4, dilation_h 5. */
    record Conv2D(Padding padding, int strideW, int strideH, Activation activation, int dilationW,
                  int dilationH) implements OperatorOptions {
    }

    /**
     * DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3,
     * fused_activation_function 4, dilation_w 5, dilation_h 6.
     */
    record DepthwiseConv2D(Padding padding, int strideW, int strideH, int depthMultiplier,
                           Activation activation, int dilationW, int dilationH) implements OperatorOptions {
    }

    /** Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, activation 5. */
    record Pool2D(Padding padding, int strideW, int strideH, int filterWidth, int filterHeight,
                  Activation activation) implements OperatorOptions {
    }

    /** FullyConnectedOptions: fused_activation_function 0, weights_format 1, keep_num_dims 2. */
    record FullyConnected(Activation activation, int weightsFormat, boolean keepNumDims)
            implements OperatorOptions {
    }

    /** SoftmaxOptions: beta 0. */
    record Softmax(float beta) implements OperatorOptions {
    }

    /** ConcatenationOptions: axis 0, fused_activation_function 1. */
    record Concatenation(int axis, Activation activation) implements OperatorOptions {
    }

    /** AddOptions, SubOptions, MulOptions: fused_activation_function 0. */
    record Elementwise(Activation activation) implements OperatorOptions {
    }

    /** ReshapeOptions: new_shape 0 (may be absent: the shape then comes from the second input). */
    record Reshape(int[] newShape) implements OperatorOptions {
    }

    /** SqueezeOptions: squeeze_dims 0. */
    record Squeeze(int[] squeezeDims) implements OperatorOptions {
    }

    /** ReducerOptions: keep_dims 0. */
    record Reducer(boolean keepDims) implements OperatorOptions {
    }

    /** PackOptions: values_count 0, axis 1. */
    record Pack(int valuesCount, int axis) implements OperatorOptions {
    }

    /** UnpackOptions: num 0, axis 1. */
    record Unpack(int num, int axis) implements OperatorOptions {
    }

    /** SplitOptions and SplitVOptions: num_splits 0. */
    record Split(int numSplits) implements OperatorOptions {
    }

    /**
     * StridedSliceOptions: begin_mask 0, end_mask 1, ellipsis_mask 2, new_axis_mask 3, shrink_axis_mask 4,
     * offset 5.
     */
    record StridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask,
                        boolean offset) implements OperatorOptions {
    }

    /** CastOptions: in_data_type 0, out_data_type 1 (TensorType codes; 0 when absent). */
    record Cast(int inDataType, int outDataType) implements OperatorOptions {
    }

    /**
     * ResizeBilinearOptions (align_corners 2, half_pixel_centers 3; 0 and 1 are deprecated sizes) and
     * ResizeNearestNeighborOptions (align_corners 0, half_pixel_centers 1).
     */
    record Resize(boolean alignCorners, boolean halfPixelCenters) implements OperatorOptions {
    }

    /**
     * A CUSTOM operator's code (OperatorCode field 1) and its raw {@code custom_options} (Operator field 5,
     * a ubyte vector; FlexBuffers when custom_options_format, field 6, is 0), which the op class parses.
     */
    record Custom(String code, byte[] options) implements OperatorOptions {
    }
}
