package owlet.runtime.model;

import java.nio.ByteBuffer;
import owlet.runtime.model.OperatorOptions.Cast;
import owlet.runtime.model.OperatorOptions.Concatenation;
import owlet.runtime.model.OperatorOptions.Conv2D;
import owlet.runtime.model.OperatorOptions.DepthwiseConv2D;
import owlet.runtime.model.OperatorOptions.Elementwise;
import owlet.runtime.model.OperatorOptions.FullyConnected;
import owlet.runtime.model.OperatorOptions.Pack;
import owlet.runtime.model.OperatorOptions.Pool2D;
import owlet.runtime.model.OperatorOptions.Reducer;
import owlet.runtime.model.OperatorOptions.Reshape;
import owlet.runtime.model.OperatorOptions.Resize;
import owlet.runtime.model.OperatorOptions.Softmax;
import owlet.runtime.model.OperatorOptions.Split;
import owlet.runtime.model.OperatorOptions.Squeeze;
import owlet.runtime.model.OperatorOptions.StridedSlice;
import owlet.runtime.model.OperatorOptions.Unpack;

/**
 * The parts of TensorFlow Lite's FlatBuffers schema ({@code schema.fbs}, version 3) that Owlet reads and
 * writes, in one place for {@link ModelReader} and {@link ModelWriter}: the field ids of each table, and
 * for each builtin options table its union type number, its fields and how they map to an
 * {@link OperatorOptions} record. Operator codes are {@link BuiltinOp}'s.
 *
 * <p>Adding an operator's options: a record in {@link OperatorOptions}, a table class here, and a line in
 * {@link #optionsOf}; the reader, the writer, {@link ModelBuilder} and the round-trip test follow.
 */
final class Schema {
    /** The schema version Owlet reads and writes (Model.version). */
    static final int VERSION = 3;
    /** The file identifier, bytes 4 to 7 of every {@code .tflite} file. */
    static final String FILE_IDENTIFIER = "TFL3";

    private Schema() {
    }

    /** Whether {@code file} starts like a {@code .tflite} file: a root offset, then {@link #FILE_IDENTIFIER}. */
    static boolean hasFileIdentifier(ByteBuffer file) {
        if (file.limit() < 8) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (file.get(4 + i) != FILE_IDENTIFIER.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Model, the root table. */
    static final class Model {
        static final int VERSION = 0;
        static final int OPERATOR_CODES = 1;
        static final int SUBGRAPHS = 2;
        static final int DESCRIPTION = 3;
        static final int BUFFERS = 4;
    }

    /** OperatorCode. */
    static final class OperatorCode {
        static final int DEPRECATED_BUILTIN_CODE = 0;
        static final int CUSTOM_CODE = 1;
        static final int VERSION = 2;
        static final int BUILTIN_CODE = 3;

        /** The builtin code of a custom operator, which is named by its custom_code. */
        static final int CUSTOM = 32;
        /** The int8 deprecated_builtin_code holds this when the real code lives in the int32 builtin_code. */
        static final int PLACEHOLDER_FOR_GREATER_OP_CODES = 127;
    }

    /** SubGraph. */
    static final class SubGraph {
        static final int TENSORS = 0;
        static final int INPUTS = 1;
        static final int OUTPUTS = 2;
        static final int OPERATORS = 3;
        static final int NAME = 4;
    }

    /** Tensor. */
    static final class Tensor {
        static final int SHAPE = 0;
        static final int TYPE = 1;
        static final int BUFFER = 2;
        static final int NAME = 3;
        static final int QUANTIZATION = 4;
    }

    /** QuantizationParameters (min 0, max 1 and details 4, 5 are not used). */
    static final class QuantizationParameters {
        static final int SCALE = 2;
        static final int ZERO_POINT = 3;
        static final int QUANTIZED_DIMENSION = 6;
    }

    /** Buffer: data inside the flatbuffer, or offset and size from the file start for large models. */
    static final class Buffer {
        static final int DATA = 0;
        static final int OFFSET = 1;
        static final int SIZE = 2;
    }

    /** Operator. */
    static final class Operator {
        static final int OPCODE_INDEX = 0;
        static final int INPUTS = 1;
        static final int OUTPUTS = 2;
        static final int BUILTIN_OPTIONS_TYPE = 3;
        static final int BUILTIN_OPTIONS = 4;
        static final int CUSTOM_OPTIONS = 5;
        static final int CUSTOM_OPTIONS_FORMAT = 6;

        /** The only CustomOptionsFormat. */
        static final int FLEXBUFFERS = 0;
    }

    /** The options table of a builtin operator, or null for an operator whose options Owlet does not read. */
    static OptionsTable<?> optionsOf(BuiltinOp op) {
        return switch (op) {
            case CONV_2D -> Conv2DOptions.TABLE;
            case DEPTHWISE_CONV_2D -> DepthwiseConv2DOptions.TABLE;
            case AVERAGE_POOL_2D, MAX_POOL_2D -> Pool2DOptions.TABLE;
            case FULLY_CONNECTED -> FullyConnectedOptions.TABLE;
            case SOFTMAX -> SoftmaxOptions.TABLE;
            case CONCATENATION -> ConcatenationOptions.TABLE;
            case ADD -> ElementwiseOptions.ADD;
            case MUL -> ElementwiseOptions.MUL;
            case SUB -> ElementwiseOptions.SUB;
            case RESHAPE -> ReshapeOptions.TABLE;
            case SQUEEZE -> SqueezeOptions.TABLE;
            case MEAN -> ReducerOptions.TABLE;
            // Issue #16's operators; the op classes check the values against the tensors.
            case PACK -> PackOptions.TABLE;
            case UNPACK -> UnpackOptions.TABLE;
            case SPLIT -> SplitOptions.SPLIT;
            case SPLIT_V -> SplitOptions.SPLIT_V;
            case STRIDED_SLICE -> StridedSliceOptions.TABLE;
            case CAST -> CastOptions.TABLE;
            case RESIZE_BILINEAR -> ResizeBilinearOptions.TABLE;
            case RESIZE_NEAREST_NEIGHBOR -> ResizeNearestNeighborOptions.TABLE;
            default -> null;
        };
    }

    /** Conv2DOptions. */
    static final class Conv2DOptions {
        static final int PADDING = 0;
        static final int STRIDE_W = 1;
        static final int STRIDE_H = 2;
        static final int FUSED_ACTIVATION_FUNCTION = 3;
        static final int DILATION_W_FACTOR = 4;
        static final int DILATION_H_FACTOR = 5;

        static final OptionsTable<Conv2D> TABLE = new OptionsTable<>("Conv2DOptions", 1, Conv2D.class,
                f -> new Conv2D(f.padding(PADDING), f.positive(STRIDE_W, "stride_w"),
                        f.positive(STRIDE_H, "stride_h"), f.activation(FUSED_ACTIVATION_FUNCTION),
                        f.positive(DILATION_W_FACTOR, "dilation_w_factor"),
                        f.positive(DILATION_H_FACTOR, "dilation_h_factor")),
                (o, t) -> t.i8(PADDING, o.padding().ordinal()).i32(STRIDE_W, o.strideW())
                        .i32(STRIDE_H, o.strideH()).i8(FUSED_ACTIVATION_FUNCTION, o.activation().ordinal())
                        .i32(DILATION_W_FACTOR, o.dilationW()).i32(DILATION_H_FACTOR, o.dilationH()));
    }

    /** DepthwiseConv2DOptions. */
    static final class DepthwiseConv2DOptions {
        static final int PADDING = 0;
        static final int STRIDE_W = 1;
        static final int STRIDE_H = 2;
        static final int DEPTH_MULTIPLIER = 3;
        static final int FUSED_ACTIVATION_FUNCTION = 4;
        static final int DILATION_W_FACTOR = 5;
        static final int DILATION_H_FACTOR = 6;

        static final OptionsTable<DepthwiseConv2D> TABLE = new OptionsTable<>("DepthwiseConv2DOptions", 2,
                DepthwiseConv2D.class,
                f -> new DepthwiseConv2D(f.padding(PADDING), f.positive(STRIDE_W, "stride_w"),
                        f.positive(STRIDE_H, "stride_h"), f.i32(DEPTH_MULTIPLIER, 1),
                        f.activation(FUSED_ACTIVATION_FUNCTION), f.positive(DILATION_W_FACTOR, "dilation_w_factor"),
                        f.positive(DILATION_H_FACTOR, "dilation_h_factor")),
                (o, t) -> t.i8(PADDING, o.padding().ordinal()).i32(STRIDE_W, o.strideW())
                        .i32(STRIDE_H, o.strideH()).i32(DEPTH_MULTIPLIER, o.depthMultiplier())
                        .i8(FUSED_ACTIVATION_FUNCTION, o.activation().ordinal())
                        .i32(DILATION_W_FACTOR, o.dilationW()).i32(DILATION_H_FACTOR, o.dilationH()));
    }

    /** Pool2DOptions, of AVERAGE_POOL_2D and MAX_POOL_2D. */
    static final class Pool2DOptions {
        static final int PADDING = 0;
        static final int STRIDE_W = 1;
        static final int STRIDE_H = 2;
        static final int FILTER_WIDTH = 3;
        static final int FILTER_HEIGHT = 4;
        static final int FUSED_ACTIVATION_FUNCTION = 5;

        static final OptionsTable<Pool2D> TABLE = new OptionsTable<>("Pool2DOptions", 5, Pool2D.class,
                f -> new Pool2D(f.padding(PADDING), f.positive(STRIDE_W, "stride_w"),
                        f.positive(STRIDE_H, "stride_h"), f.positive(FILTER_WIDTH, "filter_width"),
                        f.positive(FILTER_HEIGHT, "filter_height"), f.activation(FUSED_ACTIVATION_FUNCTION)),
                (o, t) -> t.i8(PADDING, o.padding().ordinal()).i32(STRIDE_W, o.strideW())
                        .i32(STRIDE_H, o.strideH()).i32(FILTER_WIDTH, o.filterWidth())
                        .i32(FILTER_HEIGHT, o.filterHeight()).i8(FUSED_ACTIVATION_FUNCTION, o.activation().ordinal()));
    }

    /** FullyConnectedOptions. */
    static final class FullyConnectedOptions {
        static final int FUSED_ACTIVATION_FUNCTION = 0;
        static final int WEIGHTS_FORMAT = 1;
        static final int KEEP_NUM_DIMS = 2;
        static final int ASYMMETRIC_QUANTIZE_INPUTS = 3;

        static final OptionsTable<FullyConnected> TABLE = new OptionsTable<>("FullyConnectedOptions", 8,
                FullyConnected.class,
                f -> new FullyConnected(f.activation(FUSED_ACTIVATION_FUNCTION), f.i8(WEIGHTS_FORMAT, 0),
                        f.bool(KEEP_NUM_DIMS), f.bool(ASYMMETRIC_QUANTIZE_INPUTS)),
                (o, t) -> t.i8(FUSED_ACTIVATION_FUNCTION, o.activation().ordinal())
                        .i8(WEIGHTS_FORMAT, o.weightsFormat()).bool(KEEP_NUM_DIMS, o.keepNumDims())
                        .bool(ASYMMETRIC_QUANTIZE_INPUTS, o.asymmetricQuantizeInputs()));
    }

    /** SoftmaxOptions. */
    static final class SoftmaxOptions {
        static final int BETA = 0;

        static final OptionsTable<Softmax> TABLE = new OptionsTable<>("SoftmaxOptions", 9, Softmax.class,
                f -> new Softmax(f.positiveFinite(BETA, "beta")),
                (o, t) -> t.f32(BETA, o.beta()));
    }

    /** ConcatenationOptions. */
    static final class ConcatenationOptions {
        static final int AXIS = 0;
        static final int FUSED_ACTIVATION_FUNCTION = 1;

        static final OptionsTable<Concatenation> TABLE = new OptionsTable<>("ConcatenationOptions", 10,
                Concatenation.class,
                f -> new Concatenation(f.i32(AXIS, 0), f.activation(FUSED_ACTIVATION_FUNCTION)),
                (o, t) -> t.i32(AXIS, o.axis()).i8(FUSED_ACTIVATION_FUNCTION, o.activation().ordinal()));
    }

    /** AddOptions, MulOptions and SubOptions: three union types, one field Owlet reads. */
    static final class ElementwiseOptions {
        static final int FUSED_ACTIVATION_FUNCTION = 0;

        static final OptionsTable<Elementwise> ADD = table("AddOptions", 11);
        static final OptionsTable<Elementwise> MUL = table("MulOptions", 21);
        static final OptionsTable<Elementwise> SUB = table("SubOptions", 28);

        private static OptionsTable<Elementwise> table(String name, int unionType) {
            return new OptionsTable<>(name, unionType, Elementwise.class,
                    f -> new Elementwise(f.activation(FUSED_ACTIVATION_FUNCTION)),
                    (o, t) -> t.i8(FUSED_ACTIVATION_FUNCTION, o.activation().ordinal()));
        }
    }

    /** ReshapeOptions: new_shape may be absent, the shape then comes from the second input. */
    static final class ReshapeOptions {
        static final int NEW_SHAPE = 0;

        static final OptionsTable<Reshape> TABLE = new OptionsTable<>("ReshapeOptions", 17, Reshape.class,
                f -> new Reshape(f.ints(NEW_SHAPE, "new_shape")),
                (o, t) -> {
                    if (o.newShape() != null) {
                        t.ints(NEW_SHAPE, o.newShape());
                    }
                });
    }

    /** SqueezeOptions. */
    static final class SqueezeOptions {
        static final int SQUEEZE_DIMS = 0;

        static final OptionsTable<Squeeze> TABLE = new OptionsTable<>("SqueezeOptions", 30, Squeeze.class,
                f -> new Squeeze(f.intsOrEmpty(SQUEEZE_DIMS, "squeeze_dims")),
                (o, t) -> t.ints(SQUEEZE_DIMS, o.squeezeDims()));
    }

    /** ReducerOptions, of MEAN. */
    static final class ReducerOptions {
        static final int KEEP_DIMS = 0;

        static final OptionsTable<Reducer> TABLE = new OptionsTable<>("ReducerOptions", 27, Reducer.class,
                f -> new Reducer(f.bool(KEEP_DIMS)),
                (o, t) -> t.bool(KEEP_DIMS, o.keepDims()));
    }

    /** PackOptions. */
    static final class PackOptions {
        static final int VALUES_COUNT = 0;
        static final int AXIS = 1;

        static final OptionsTable<Pack> TABLE = new OptionsTable<>("PackOptions", 59, Pack.class,
                f -> new Pack(f.i32(VALUES_COUNT, 0), f.i32(AXIS, 0)),
                (o, t) -> t.i32(VALUES_COUNT, o.valuesCount()).i32(AXIS, o.axis()));
    }

    /** UnpackOptions. */
    static final class UnpackOptions {
        static final int NUM = 0;
        static final int AXIS = 1;

        static final OptionsTable<Unpack> TABLE = new OptionsTable<>("UnpackOptions", 64, Unpack.class,
                f -> new Unpack(f.i32(NUM, 0), f.i32(AXIS, 0)),
                (o, t) -> t.i32(NUM, o.num()).i32(AXIS, o.axis()));
    }

    /** SplitOptions and SplitVOptions: two union types, the same single field. */
    static final class SplitOptions {
        static final int NUM_SPLITS = 0;

        static final OptionsTable<Split> SPLIT = table("SplitOptions", 35);
        static final OptionsTable<Split> SPLIT_V = table("SplitVOptions", 79);

        private static OptionsTable<Split> table(String name, int unionType) {
            return new OptionsTable<>(name, unionType, Split.class,
                    f -> new Split(f.i32(NUM_SPLITS, 0)),
                    (o, t) -> t.i32(NUM_SPLITS, o.numSplits()));
        }
    }

    /** StridedSliceOptions. */
    static final class StridedSliceOptions {
        static final int BEGIN_MASK = 0;
        static final int END_MASK = 1;
        static final int ELLIPSIS_MASK = 2;
        static final int NEW_AXIS_MASK = 3;
        static final int SHRINK_AXIS_MASK = 4;
        static final int OFFSET = 5;

        static final OptionsTable<StridedSlice> TABLE = new OptionsTable<>("StridedSliceOptions", 32,
                StridedSlice.class,
                f -> new StridedSlice(f.i32(BEGIN_MASK, 0), f.i32(END_MASK, 0), f.i32(ELLIPSIS_MASK, 0),
                        f.i32(NEW_AXIS_MASK, 0), f.i32(SHRINK_AXIS_MASK, 0), f.bool(OFFSET)),
                (o, t) -> t.i32(BEGIN_MASK, o.beginMask()).i32(END_MASK, o.endMask())
                        .i32(ELLIPSIS_MASK, o.ellipsisMask()).i32(NEW_AXIS_MASK, o.newAxisMask())
                        .i32(SHRINK_AXIS_MASK, o.shrinkAxisMask()).bool(OFFSET, o.offset()));
    }

    /** CastOptions: TensorType codes, 0 when absent. */
    static final class CastOptions {
        static final int IN_DATA_TYPE = 0;
        static final int OUT_DATA_TYPE = 1;

        static final OptionsTable<Cast> TABLE = new OptionsTable<>("CastOptions", 37, Cast.class,
                f -> new Cast(f.i8(IN_DATA_TYPE, 0), f.i8(OUT_DATA_TYPE, 0)),
                (o, t) -> t.i8(IN_DATA_TYPE, o.inDataType()).i8(OUT_DATA_TYPE, o.outDataType()));
    }

    /** ResizeBilinearOptions: fields 0 and 1 are deprecated sizes. */
    static final class ResizeBilinearOptions {
        static final int ALIGN_CORNERS = 2;
        static final int HALF_PIXEL_CENTERS = 3;

        static final OptionsTable<Resize> TABLE = new OptionsTable<>("ResizeBilinearOptions", 15, Resize.class,
                f -> new Resize(f.bool(ALIGN_CORNERS), f.bool(HALF_PIXEL_CENTERS)),
                (o, t) -> t.bool(ALIGN_CORNERS, o.alignCorners()).bool(HALF_PIXEL_CENTERS, o.halfPixelCenters()));
    }

    /** ResizeNearestNeighborOptions. */
    static final class ResizeNearestNeighborOptions {
        static final int ALIGN_CORNERS = 0;
        static final int HALF_PIXEL_CENTERS = 1;

        static final OptionsTable<Resize> TABLE = new OptionsTable<>("ResizeNearestNeighborOptions", 74,
                Resize.class,
                f -> new Resize(f.bool(ALIGN_CORNERS), f.bool(HALF_PIXEL_CENTERS)),
                (o, t) -> t.bool(ALIGN_CORNERS, o.alignCorners()).bool(HALF_PIXEL_CENTERS, o.halfPixelCenters()));
    }
}
