package owlet.runtime.model;

/**
 * The builtin options of an operator, decoded at load time. One record per options table the runtime
 * reads; the tables' field ids and union types, and how each maps to its record, are in {@code Schema}.
 */
public sealed interface OperatorOptions {

    /** For operators that carry no options (or whose options Owlet does not need). */
    record None() implements OperatorOptions {
    }

    /** Conv2DOptions. */
    record Conv2D(Padding padding, int strideW, int strideH, Activation activation, int dilationW,
                  int dilationH) implements OperatorOptions {
    }

    /** DepthwiseConv2DOptions. */
    record DepthwiseConv2D(Padding padding, int strideW, int strideH, int depthMultiplier,
                           Activation activation, int dilationW, int dilationH) implements OperatorOptions {
    }

    /** Pool2DOptions (AVERAGE_POOL_2D, MAX_POOL_2D). */
    record Pool2D(Padding padding, int strideW, int strideH, int filterWidth, int filterHeight,
                  Activation activation) implements OperatorOptions {
    }

    /**
     * FullyConnectedOptions. {@code asymmetricQuantizeInputs} matters only to a hybrid operator (float32
     * input, int8 weights): its input is then quantized with a zero point per batch row instead of
     * symmetrically.
     */
    record FullyConnected(Activation activation, int weightsFormat, boolean keepNumDims,
                          boolean asymmetricQuantizeInputs) implements OperatorOptions {
        /** Options with symmetric input quantization (the schema's default). */
        public FullyConnected(Activation activation, int weightsFormat, boolean keepNumDims) {
            this(activation, weightsFormat, keepNumDims, false);
        }
    }

    /** SoftmaxOptions (beta is checked positive and finite when read). */
    record Softmax(float beta) implements OperatorOptions {
    }

    /** ConcatenationOptions. */
    record Concatenation(int axis, Activation activation) implements OperatorOptions {
    }

    /** AddOptions, SubOptions, MulOptions. */
    record Elementwise(Activation activation) implements OperatorOptions {
    }

    /** ReshapeOptions: newShape is null when absent (the shape then comes from the second input). */
    record Reshape(int[] newShape) implements OperatorOptions {
    }

    /** SqueezeOptions (empty when absent). */
    record Squeeze(int[] squeezeDims) implements OperatorOptions {
    }

    /** ReducerOptions (MEAN). */
    record Reducer(boolean keepDims) implements OperatorOptions {
    }

    /** PackOptions. */
    record Pack(int valuesCount, int axis) implements OperatorOptions {
    }

    /** UnpackOptions. */
    record Unpack(int num, int axis) implements OperatorOptions {
    }

    /** SplitOptions and SplitVOptions. */
    record Split(int numSplits) implements OperatorOptions {
    }

    /** StridedSliceOptions. */
    record StridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask,
                        boolean offset) implements OperatorOptions {
    }

    /** CastOptions: TensorType codes, 0 when absent. */
    record Cast(int inDataType, int outDataType) implements OperatorOptions {
    }

    /** ResizeBilinearOptions and ResizeNearestNeighborOptions. */
    record Resize(boolean alignCorners, boolean halfPixelCenters) implements OperatorOptions {
    }

    /**
     * A CUSTOM operator's {@code custom_code} and its raw {@code custom_options} (a ubyte vector in
     * FlexBuffers format), which the op class parses.
     */
    record Custom(String code, byte[] options) implements OperatorOptions {
    }
}
