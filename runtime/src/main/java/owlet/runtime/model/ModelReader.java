package owlet.runtime.model;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a TFLite flatbuffer into a {@link Model}, validating as it goes. Field ids, union types and the
 * options tables are {@link Schema}'s.
 */
final class ModelReader {
    /** Largest rank accepted. */
    static final int MAX_RANK = 8;
    /** Largest element count of one tensor (1 GiB of int8); anything bigger is not a MobileNet. */
    static final long MAX_ELEMENTS = 1L << 30;
    /** Most tensors or operators accepted in one graph (MobileNets have a few hundred). */
    static final int MAX_GRAPH_ITEMS = 16384;

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
        int version = model.i32(Schema.Model.VERSION, 0);
        if (version != Schema.VERSION) {
            throw new InvalidModelException("model: schema version " + version
                    + " is not TFLite's version 3 (is this a .tflite file?)");
        }
        String description = model.string(Schema.Model.DESCRIPTION, "description");
        FlatBuffer.Vector buffers = readBuffers(model);
        OpCode[] codes = readOpCodes(model);

        FlatBuffer.Vector subgraphs = model.vector(Schema.Model.SUBGRAPHS, "subgraphs", 4);
        if (subgraphs == null || subgraphs.length() == 0) {
            throw new InvalidModelException("model: has no subgraph");
        }
        if (subgraphs.length() > 1) {
            throw new InvalidModelException("model: has " + subgraphs.length()
                    + " subgraphs; Owlet runs single-subgraph models only (no control flow)");
        }
        FlatBuffer.Table graph = subgraphs.table(0, "subgraph");
        List<Tensor> tensors = readTensors(graph, buffers);
        int[] inputs = indices(graph.ints(Schema.SubGraph.INPUTS, "inputs"), tensors.size(), "subgraph inputs", false);
        int[] outputs = indices(graph.ints(Schema.SubGraph.OUTPUTS, "outputs"), tensors.size(), "subgraph outputs", false);
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
        FlatBuffer.Vector v = model.vector(Schema.Model.BUFFERS, "buffers", 4);
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
        FlatBuffer.Vector data = b.vector(Schema.Buffer.DATA, "data", 1);
        long offset = b.u64(Schema.Buffer.OFFSET, 0);
        long size = b.u64(Schema.Buffer.SIZE, 0);
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
        FlatBuffer.Vector v = model.vector(Schema.Model.OPERATOR_CODES, "operator_codes", 4);
        if (v == null) {
            return new OpCode[0];
        }
        limit(v.length(), "model", "operator codes");
        OpCode[] out = new OpCode[v.length()];
        for (int i = 0; i < out.length; i++) {
            FlatBuffer.Table t = v.table(i, "");
            int deprecated = t.i8(Schema.OperatorCode.DEPRECATED_BUILTIN_CODE, 0);
            int builtin = t.i32(Schema.OperatorCode.BUILTIN_CODE, 0);
            // Writers before the int32 field existed set only the int8 one; newer writers set both, with
            // the int8 one capped at 127. The larger of the two is the operator.
            int code = Math.max(deprecated, builtin);
            int version = t.i32(Schema.OperatorCode.VERSION, 1);
            String name;
            String customCode = null;
            if (code == Schema.OperatorCode.CUSTOM) {
                customCode = t.string(Schema.OperatorCode.CUSTOM_CODE, "custom_code");
                name = "CUSTOM '" + customCode + "'";
            } else {
                name = BuiltinOp.nameOf(code);
            }
            if (code < 0 || (deprecated == Schema.OperatorCode.PLACEHOLDER_FOR_GREATER_OP_CODES && builtin < deprecated)) {
                throw new InvalidModelException("operator_codes[" + i + "]: invalid builtin code " + code);
            }
            out[i] = new OpCode(code, name, version, customCode);
        }
        return out;
    }

    private List<Tensor> readTensors(FlatBuffer.Table graph, FlatBuffer.Vector buffers)
            throws InvalidModelException {
        FlatBuffer.Vector v = graph.vector(Schema.SubGraph.TENSORS, "tensors", 4);
        if (v == null) {
            throw new InvalidModelException("subgraph: has no tensors");
        }
        limit(v.length(), "subgraph", "tensors");
        int bufferCount = buffers == null ? 0 : buffers.length();
        List<Tensor> out = new ArrayList<>(v.length());
        for (int i = 0; i < v.length(); i++) {
            FlatBuffer.Table t = v.table(i, "tensor");
            String name = t.string(Schema.Tensor.NAME, "name");
            String where = "tensor #" + i + (name == null ? "" : " '" + name + "'");
            int[] shape = t.ints(Schema.Tensor.SHAPE, "shape");
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
            int typeCode = t.i8(Schema.Tensor.TYPE, 0);
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
            int bufferIndex = t.i32(Schema.Tensor.BUFFER, 0);
            if (bufferIndex < 0 || (bufferIndex >= bufferCount && bufferIndex != 0)) {
                throw new InvalidModelException(where + ": buffer index " + bufferIndex + " is out of range (model has "
                        + bufferCount + " buffers)");
            }
            byte[] data = bufferIndex < bufferCount ? constant(buffers, bufferIndex, where) : null;
            if (data != null && data.length != bytes) {
                throw new InvalidModelException(where + ": buffer #" + bufferIndex + " holds " + data.length
                        + " bytes, but shape " + Arrays.toString(shape) + " of " + type + " needs " + bytes);
            }
            Quantization q = readQuantization(t.table(Schema.Tensor.QUANTIZATION, "quantization"), type, shape, where);
            out.add(new Tensor(i, name == null ? "" : name, type, shape, q, data));
        }
        return out;
    }

    private Quantization readQuantization(FlatBuffer.Table q, TensorType type, int[] shape, String where)
            throws InvalidModelException {
        if (q == null) {
            return Quantization.NONE;
        }
        float[] scales = q.floats(Schema.QuantizationParameters.SCALE, "scale");
        long[] zeroPoints = q.longs(Schema.QuantizationParameters.ZERO_POINT, "zero_point");
        int dim = q.i32(Schema.QuantizationParameters.QUANTIZED_DIMENSION, 0);
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
        FlatBuffer.Vector v = graph.vector(Schema.SubGraph.OPERATORS, "operators", 4);
        List<Operator> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        limit(v.length(), "subgraph", "operators");
        for (int i = 0; i < v.length(); i++) {
            FlatBuffer.Table t = v.table(i, "operator");
            int codeIndex = t.i32(Schema.Operator.OPCODE_INDEX, 0);
            if (codeIndex < 0 || codeIndex >= codes.length) {
                throw new InvalidModelException("op #" + i + ": opcode_index " + codeIndex + " is out of range (model has "
                        + codes.length + " operator codes)");
            }
            OpCode code = codes[codeIndex];
            String where = "op #" + i + " " + code.name();
            int[] inputs = indices(t.ints(Schema.Operator.INPUTS, "inputs"), tensorCount, where + " inputs", true);
            int[] outputs = indices(t.ints(Schema.Operator.OUTPUTS, "outputs"), tensorCount, where + " outputs",
                    false);
            BuiltinOp op = BuiltinOp.of(code.code());
            OperatorOptions options = op != null ? readOptions(op, t.u8(Schema.Operator.BUILTIN_OPTIONS_TYPE, 0),
                    t.table(Schema.Operator.BUILTIN_OPTIONS, "builtin_options"), where)
                    : code.customCode() != null ? customOptions(code.customCode(), t, where)
                    : new OperatorOptions.None();
            out.add(new Operator(i, code.code(), op, code.name(), code.version(), inputs, outputs, options));
        }
        return out;
    }

    /** A CUSTOM operator's options, kept as bytes for its op class: FlexBuffers is the only format. */
    private OperatorOptions customOptions(String customCode, FlatBuffer.Table t, String where)
            throws InvalidModelException {
        int format = t.i8(Schema.Operator.CUSTOM_OPTIONS_FORMAT, 0);
        if (format != Schema.Operator.FLEXBUFFERS) {
            throw new InvalidModelException(where + ": custom_options_format " + format + " is not FLEXBUFFERS (0)");
        }
        FlatBuffer.Vector v = t.vector(Schema.Operator.CUSTOM_OPTIONS, "custom_options", 1);
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

    private static OperatorOptions readOptions(BuiltinOp op, int type, FlatBuffer.Table t, String where)
            throws InvalidModelException {
        OptionsTable<?> table = Schema.optionsOf(op);
        if (table == null) {
            return new OperatorOptions.None();
        }
        if (t != null && type != table.unionType()) {
            throw new InvalidModelException(where + ": builtin_options has union type " + type + ", expected "
                    + table.unionType());
        }
        return table.read(new OptionFields(t, where));
    }
}
