package owlet.runtime.model;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a TFLite flatbuffer into a {@link Model}, validating as it goes. Field ids are from TFLite's
 * published schema: Model {version 0, operator_codes 1, subgraphs 2, description 3, buffers 4};
 * OperatorCode {deprecated_builtin_code 0, custom_code 1, version 2, builtin_code 3};
 * SubGraph {tensors 0, inputs 1, outputs 2, operators 3}; Tensor {shape 0, type 1, buffer 2, name 3,
 * quantization 4}; QuantizationParameters {scale 2, zero_point 3, quantized_dimension 6};
 * Operator {opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4, custom_options 5,
 * custom_options_format 6};
 * Buffer {data 0, offset 1, size 2}.
 */
final class ModelReader {
    /** Largest rank accepted. */
    static final int MAX_RANK = 8;
    /** Largest element count of one tensor (1 GiB of int8); anything bigger is not a MobileNet. */
    static final long MAX_ELEMENTS = 1L << 30;
    /** Most tensors or operators accepted in one graph (MobileNets have a few hundred). */
    static final int MAX_GRAPH_ITEMS = 16384;
    /** The deprecated int8 code field holds this when the real code lives in the int32 field. */
    private static final int PLACEHOLDER_FOR_GREATER_OP_CODES = 127;
    private static final int BUILTIN_CUSTOM = 32;

    private final FlatBuffer fb;
    private final String source;
    /** Constant data copied out of the file, by buffer index: tensors sharing a buffer share the copy. */
    private final Map<Integer, byte[]> constants = new HashMap<>();

    ModelReader(FlatBuffer fb, String source) {
        this.fb = fb;
        this.source = source;
    }

    Model read() throws InvalidModelException {
        FlatBuffer.Table model = fb.root("model");
        int version = model.i32(0, 0);
        if (version != 3) {
            throw new InvalidModelException("model: schema version " + version
                    + " is not TFLite's version 3 (is this a .tflite file?)");
        }
        String description = model.string(3, "description");
        FlatBuffer.Vector buffers = readBuffers(model);
        OpCode[] codes = readOpCodes(model);

        FlatBuffer.Vector subgraphs = model.vector(2, "subgraphs", 4);
        if (subgraphs == null || subgraphs.length() == 0) {
            throw new InvalidModelException("model: has no subgraph");
        }
        if (subgraphs.length() > 1) {
            throw new InvalidModelException("model: has " + subgraphs.length()
                    + " subgraphs; Owlet runs single-subgraph models only (no control flow)");
        }
        FlatBuffer.Table graph = subgraphs.table(0, "subgraph");
        List<Tensor> tensors = readTensors(graph, buffers);
        int[] inputs = indices(graph.ints(1, "inputs"), tensors.size(), "subgraph inputs", false);
        int[] outputs = indices(graph.ints(2, "outputs"), tensors.size(), "subgraph outputs", false);
        if (inputs.length == 0 || outputs.length == 0) {
            throw new InvalidModelException("subgraph: needs at least one input and one output");
        }
        List<Operator> operators = readOperators(graph, codes, tensors.size());
        shapeCustomOutputs(operators, tensors);
        return new Model(source, description == null ? "" : description, tensors, operators, inputs, outputs);
    }

    private record OpCode(int code, String name, int version, String customCode) {
    }

    /**
     * Checks every entry of the buffers vector, keeping nothing: a tensor looks its buffer up again, so
     * memory follows the buffers used, not the length of the vector.
     */
    private FlatBuffer.Vector readBuffers(FlatBuffer.Table model) throws InvalidModelException {
        FlatBuffer.Vector v = model.vector(4, "buffers", 4);
        if (v != null) {
            for (int i = 0; i < v.length(); i++) {
                buffer(v, i);
            }
        }
        return v;
    }

    /** The bytes of buffer {@code i} as a slice of the file, or null when it holds none. */
    private ByteBuffer buffer(FlatBuffer.Vector buffers, int i) throws InvalidModelException {
        FlatBuffer.Table b = buffers.table(i, "");
        FlatBuffer.Vector data = b.vector(0, "data", 1);
        long offset = b.u64(1, 0);
        long size = b.u64(2, 0);
        if (data != null && data.length() > 0) {
            return data.bytes();
        } else if (offset > 1) {
            // Large models keep the data after the flatbuffer, addressed from the file start.
            fb.check(offset, size, "buffer #" + i + " (offset " + offset + ", size " + size + ")");
            return fb.slice((int) offset, (int) size);
        }
        return null;
    }

    /**
     * The constant data of buffer {@code i}, copied once however many tensors use it, or null when the
     * buffer is empty.
     */
    private byte[] constant(FlatBuffer.Vector buffers, int i, String where) throws InvalidModelException {
        byte[] data = constants.get(i);
        if (data == null) {
            ByteBuffer b = buffer(buffers, i);
            if (b == null || b.remaining() == 0) {
                return null;
            }
            fb.charge(b.remaining(), where + ": buffer #" + i);
            data = new byte[b.remaining()];
            b.duplicate().get(data);
            constants.put(i, data);
        }
        return data;
    }

    private OpCode[] readOpCodes(FlatBuffer.Table model) throws InvalidModelException {
        FlatBuffer.Vector v = model.vector(1, "operator_codes", 4);
        if (v == null) {
            return new OpCode[0];
        }
        limit(v.length(), "model", "operator codes");
        OpCode[] out = new OpCode[v.length()];
        for (int i = 0; i < out.length; i++) {
            FlatBuffer.Table t = v.table(i, "");
            int deprecated = t.i8(0, 0);
            int builtin = t.i32(3, 0);
            // Writers before the int32 field existed set only the int8 one; newer writers set both, with
            // the int8 one capped at 127. The larger of the two is the operator.
            int code = Math.max(deprecated, builtin);
            int version = t.i32(2, 1);
            String name;
            String customCode = null;
            if (code == BUILTIN_CUSTOM) {
                customCode = t.string(1, "custom_code");
                name = "CUSTOM '" + customCode + "'";
            } else {
                name = BuiltinOp.nameOf(code);
            }
            if (code < 0 || (deprecated == PLACEHOLDER_FOR_GREATER_OP_CODES && builtin < deprecated)) {
                throw new InvalidModelException("operator_codes[" + i + "]: invalid builtin code " + code);
            }
            out[i] = new OpCode(code, name, version, customCode);
        }
        return out;
    }

    private List<Tensor> readTensors(FlatBuffer.Table graph, FlatBuffer.Vector buffers)
            throws InvalidModelException {
        FlatBuffer.Vector v = graph.vector(0, "tensors", 4);
        if (v == null) {
            throw new InvalidModelException("subgraph: has no tensors");
        }
        limit(v.length(), "subgraph", "tensors");
        int bufferCount = buffers == null ? 0 : buffers.length();
        List<Tensor> out = new ArrayList<>(v.length());
        for (int i = 0; i < v.length(); i++) {
            FlatBuffer.Table t = v.table(i, "tensor");
            String name = t.string(3, "name");
            String where = "tensor #" + i + (name == null ? "" : " '" + name + "'");
            int[] shape = t.ints(0, "shape");
            if (shape == null) {
                shape = new int[0];
            }
            if (shape.length > MAX_RANK) {
                throw new InvalidModelException(where + ": rank " + shape.length + " exceeds " + MAX_RANK);
            }
            long elements = 1;
            // The product of the nonzero dimensions: a zero-size tensor may not hide absurd ones, so that
            // every product of dimensions a kernel forms fits an int.
            long extent = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new InvalidModelException(where + ": negative dimension in shape " + Arrays.toString(shape));
                }
                elements *= d;
                extent *= Math.max(d, 1);
                if (extent > MAX_ELEMENTS) {
                    throw new InvalidModelException(where + ": shape " + Arrays.toString(shape)
                            + " has more than " + MAX_ELEMENTS + " elements"
                            + (elements == 0 ? " (counting its zero dimensions as 1)" : ""));
                }
            }
            int typeCode = t.i8(1, 0);
            TensorType type = TensorType.of(typeCode);
            if (type == null || !(type == TensorType.FLOAT32 || type == TensorType.INT32 || type == TensorType.UINT8
                    || type == TensorType.INT8 || type == TensorType.INT64)) {
                throw new InvalidModelException(where + ": element type "
                        + (type == null ? "code " + typeCode : type.name()) + " is not supported"
                        + " (Owlet computes on float32, int32, uint8 and int8)");
            }
            long bytes = elements * type.bytes();
            if (bytes > Integer.MAX_VALUE - 64) {
                throw new InvalidModelException(where + ": " + bytes + " bytes is too large for one tensor");
            }
            int bufferIndex = t.i32(2, 0);
            if (bufferIndex < 0 || (bufferIndex >= bufferCount && bufferIndex != 0)) {
                throw new InvalidModelException(where + ": buffer index " + bufferIndex + " is out of range (model has "
                        + bufferCount + " buffers)");
            }
            byte[] data = bufferIndex < bufferCount ? constant(buffers, bufferIndex, where) : null;
            if (data != null && data.length != bytes) {
                throw new InvalidModelException(where + ": buffer #" + bufferIndex + " holds " + data.length
                        + " bytes, but shape " + Arrays.toString(shape) + " of " + type + " needs " + bytes);
            }
            Quantization q = readQuantization(t.table(4, "quantization"), type, shape, where);
            out.add(new Tensor(i, name == null ? "" : name, type, shape, q, data));
        }
        return out;
    }

    private Quantization readQuantization(FlatBuffer.Table q, TensorType type, int[] shape, String where)
            throws InvalidModelException {
        if (q == null) {
            return Quantization.NONE;
        }
        float[] scales = q.floats(2, "scale");
        long[] zeroPoints = q.longs(3, "zero_point");
        int dim = q.i32(6, 0);
        if (scales == null || scales.length == 0) {
            return Quantization.NONE;
        }
        if (zeroPoints == null || zeroPoints.length == 0) {
            zeroPoints = new long[scales.length];
        }
        if (zeroPoints.length != scales.length) {
            throw new InvalidModelException(where + ": quantization has " + scales.length + " scales but "
                    + zeroPoints.length + " zero points");
        }
        for (float s : scales) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new InvalidModelException(where + ": quantization scale " + s + " is not a positive finite number");
            }
        }
        if (scales.length > 1) {
            if (dim < 0 || dim >= shape.length || shape[dim] != scales.length) {
                throw new InvalidModelException(where + ": " + scales.length + " per-channel scales do not match "
                        + "quantized_dimension " + dim + " of shape " + Arrays.toString(shape));
            }
        }
        String zeroPointError = Quantization.zeroPointError(type, zeroPoints);
        if (zeroPointError != null) {
            throw new InvalidModelException(where + ": " + zeroPointError);
        }
        return new Quantization(scales, zeroPoints, dim);
    }

    private List<Operator> readOperators(FlatBuffer.Table graph, OpCode[] codes, int tensorCount)
            throws InvalidModelException {
        FlatBuffer.Vector v = graph.vector(3, "operators", 4);
        List<Operator> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        limit(v.length(), "subgraph", "operators");
        for (int i = 0; i < v.length(); i++) {
            FlatBuffer.Table t = v.table(i, "operator");
            int codeIndex = t.i32(0, 0);
            if (codeIndex < 0 || codeIndex >= codes.length) {
                throw new InvalidModelException("op #" + i + ": opcode_index " + codeIndex + " is out of range (model has "
                        + codes.length + " operator codes)");
            }
            OpCode code = codes[codeIndex];
            String where = "op #" + i + " " + code.name();
            int[] inputs = indices(t.ints(1, "inputs"), tensorCount, where + " inputs", true);
            int[] outputs = indices(t.ints(2, "outputs"), tensorCount, where + " outputs", false);
            BuiltinOp op = BuiltinOp.of(code.code());
            OperatorOptions options = op != null ? readOptions(op, t.u8(3, 0), t.table(4, "builtin_options"), where)
                    : code.customCode() != null ? customOptions(code.customCode(), t, where)
                    : new OperatorOptions.None();
            out.add(new Operator(i, code.code(), op, code.name(), code.version(), inputs, outputs, options));
        }
        return out;
    }

    /** A CUSTOM operator's options, kept as bytes for its op class: FlexBuffers is the only format. */
    private OperatorOptions customOptions(String customCode, FlatBuffer.Table t, String where)
            throws InvalidModelException {
        int format = t.i8(6, 0);
        if (format != 0) {
            throw new InvalidModelException(where + ": custom_options_format " + format + " is not FLEXBUFFERS (0)");
        }
        FlatBuffer.Vector v = t.vector(5, "custom_options", 1);
        byte[] bytes = new byte[0];
        if (v != null) {
            fb.charge(v.length(), where + " custom_options");
            bytes = new byte[v.length()];
            v.bytes().get(bytes);
        }
        return new OperatorOptions.Custom(customCode, bytes);
    }

    /**
     * Gives the outputs of TFLite_Detection_PostProcess the shapes TFLite's Prepare sets (converters leave
     * them empty, since they follow from the options), parsing and validating the options on the way.
     * Outputs that already have a shape keep it; the op checks it when prepared.
     */
    private static void shapeCustomOutputs(List<Operator> operators, List<Tensor> tensors)
            throws InvalidModelException {
        for (Operator op : operators) {
            if (!(op.options() instanceof OperatorOptions.Custom c)
                    || !c.code().equals(DetectionPostProcessOptions.CUSTOM_CODE)) {
                continue;
            }
            int[][] shapes = DetectionPostProcessOptions.parse(c.options(), op.describe()).outputShapes();
            for (int k = 0; k < Math.min(shapes.length, op.outputs().length); k++) {
                Tensor t = tensors.get(op.outputs()[k]);
                if (t.rank() == 0 && !t.isConstant()) {
                    tensors.set(t.index(), new Tensor(t.index(), t.name(), t.type(), shapes[k], t.quantization(),
                            null));
                }
            }
        }
    }

    private static void limit(int count, String owner, String what) throws InvalidModelException {
        if (count > MAX_GRAPH_ITEMS) {
            throw new InvalidModelException(owner + ": " + count + " " + what + " is more than the limit of "
                    + MAX_GRAPH_ITEMS);
        }
    }

    private static int[] indices(int[] raw, int tensorCount, String where, boolean optionalAllowed)
            throws InvalidModelException {
        if (raw == null) {
            return new int[0];
        }
        for (int k = 0; k < raw.length; k++) {
            int idx = raw[k];
            if (idx >= tensorCount || idx < (optionalAllowed ? -1 : 0)) {
                throw new InvalidModelException(where + "[" + k + "]: tensor index " + idx + " is out of range (graph has "
                        + tensorCount + " tensors)");
            }
        }
        return raw;
    }

    /** BuiltinOptions union type numbers for the tables read here. */
    private static int optionsType(BuiltinOp op) {
        return switch (op) {
            case CONV_2D -> 1;
            case DEPTHWISE_CONV_2D -> 2;
            case AVERAGE_POOL_2D, MAX_POOL_2D -> 5;
            case FULLY_CONNECTED -> 8;
            case SOFTMAX -> 9;
            case CONCATENATION -> 10;
            case ADD -> 11;
            case RESHAPE -> 17;
            case MUL -> 21;
            case MEAN -> 27;
            case SUB -> 28;
            case SQUEEZE -> 30;
            // Issue #16's operators.
            case STRIDED_SLICE -> 32;
            case SPLIT -> 35;
            case CAST -> 37;
            case PACK -> 59;
            case UNPACK -> 64;
            case RESIZE_BILINEAR -> 15;
            case RESIZE_NEAREST_NEIGHBOR -> 74;
            case SPLIT_V -> 79;
            default -> -1;
        };
    }

    private static OperatorOptions readOptions(BuiltinOp op, int type, FlatBuffer.Table t, String where)
            throws InvalidModelException {
        int expected = optionsType(op);
        if (expected < 0) {
            return new OperatorOptions.None();
        }
        if (t != null && type != expected) {
            throw new InvalidModelException(where + ": builtin_options has union type " + type + ", expected "
                    + expected);
        }
        return switch (op) {
            case CONV_2D -> new OperatorOptions.Conv2D(padding(t, 0, where), positive(t, 1, "stride_w", where),
                    positive(t, 2, "stride_h", where), activation(t, 3, where), positive(t, 4, "dilation_w_factor", where),
                    positive(t, 5, "dilation_h_factor", where));
            case DEPTHWISE_CONV_2D -> new OperatorOptions.DepthwiseConv2D(padding(t, 0, where),
                    positive(t, 1, "stride_w", where), positive(t, 2, "stride_h", where),
                    t == null ? 1 : t.i32(3, 1), activation(t, 4, where), positive(t, 5, "dilation_w_factor", where),
                    positive(t, 6, "dilation_h_factor", where));
            case AVERAGE_POOL_2D, MAX_POOL_2D -> new OperatorOptions.Pool2D(padding(t, 0, where),
                    positive(t, 1, "stride_w", where), positive(t, 2, "stride_h", where),
                    positive(t, 3, "filter_width", where), positive(t, 4, "filter_height", where),
                    activation(t, 5, where));
            case FULLY_CONNECTED -> new OperatorOptions.FullyConnected(activation(t, 0, where),
                    t == null ? 0 : t.i8(1, 0), t != null && t.bool(2, false));
            case SOFTMAX -> new OperatorOptions.Softmax(softmaxBeta(t == null ? 0f : t.f32(0, 0f), where));
            case CONCATENATION -> new OperatorOptions.Concatenation(t == null ? 0 : t.i32(0, 0),
                    activation(t, 1, where));
            case ADD, MUL, SUB -> new OperatorOptions.Elementwise(activation(t, 0, where));
            case RESHAPE -> new OperatorOptions.Reshape(t == null ? null : t.ints(0, "new_shape"));
            case SQUEEZE -> new OperatorOptions.Squeeze(t == null ? new int[0] : orEmpty(t.ints(0, "squeeze_dims")));
            case MEAN -> new OperatorOptions.Reducer(t != null && t.bool(0, false));
            // Issue #16's operators; the op classes check the values against the tensors.
            case PACK -> new OperatorOptions.Pack(t == null ? 0 : t.i32(0, 0), t == null ? 0 : t.i32(1, 0));
            case UNPACK -> new OperatorOptions.Unpack(t == null ? 0 : t.i32(0, 0), t == null ? 0 : t.i32(1, 0));
            case SPLIT, SPLIT_V -> new OperatorOptions.Split(t == null ? 0 : t.i32(0, 0));
            case STRIDED_SLICE -> new OperatorOptions.StridedSlice(t == null ? 0 : t.i32(0, 0),
                    t == null ? 0 : t.i32(1, 0), t == null ? 0 : t.i32(2, 0), t == null ? 0 : t.i32(3, 0),
                    t == null ? 0 : t.i32(4, 0), t != null && t.bool(5, false));
            case CAST -> new OperatorOptions.Cast(t == null ? 0 : t.i8(0, 0), t == null ? 0 : t.i8(1, 0));
            case RESIZE_BILINEAR -> new OperatorOptions.Resize(t != null && t.bool(2, false),
                    t != null && t.bool(3, false));
            case RESIZE_NEAREST_NEIGHBOR -> new OperatorOptions.Resize(t != null && t.bool(0, false),
                    t != null && t.bool(1, false));
            default -> new OperatorOptions.None();
        };
    }

    /**
     * SOFTMAX's beta multiplies every logit: NaN would score every class 0, a negative one inverts the
     * ranking, zero makes every class equal. TFLite does not check it; Owlet refuses such a model.
     */
    static float softmaxBeta(float beta, String where) throws InvalidModelException {
        if (!(beta > 0) || Float.isInfinite(beta)) {
            throw new InvalidModelException(where + ": beta = " + beta + " is not a positive finite number");
        }
        return beta;
    }

    private static int[] orEmpty(int[] a) {
        return a == null ? new int[0] : a;
    }

    private static Padding padding(FlatBuffer.Table t, int id, String where) throws InvalidModelException {
        int p = t == null ? 0 : t.i8(id, 0);
        if (p < 0 || p >= Padding.values().length) {
            throw new InvalidModelException(where + ": padding " + p + " is neither SAME (0) nor VALID (1)");
        }
        return Padding.values()[p];
    }

    private static Activation activation(FlatBuffer.Table t, int id, String where) throws InvalidModelException {
        int a = t == null ? 0 : t.i8(id, 0);
        if (a < 0 || a >= Activation.values().length) {
            throw new InvalidModelException(where + ": fused activation " + a + " is unknown");
        }
        return Activation.values()[a];
    }

    private static int positive(FlatBuffer.Table t, int id, String field, String where) throws InvalidModelException {
        int v = t == null ? 1 : t.i32(id, 1);
        if (v < 1 || v > 1 << 16) {
            throw new InvalidModelException(where + ": " + field + " = " + v + " is out of range");
        }
        return v;
    }
}
