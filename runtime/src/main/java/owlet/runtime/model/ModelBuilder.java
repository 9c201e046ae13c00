package owlet.runtime.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Builds a {@link Model} in memory, for graphs made by code rather than read from a file (the MobileNet
 * builders of the quantization module). Tensors and operators are added in execution order and get the
 * next index; {@link #build()} checks the graph as a whole. Every check {@link ModelReader} makes on a
 * file is made here too (ranks, sizes, data lengths, quantization, indices, option kinds), plus the
 * order: an operator may read only graph inputs, constants and the outputs of earlier operators.
 *
 * <p>A weight may be added without its bytes ({@code data == null}) for a graph that is only costed,
 * never run: it is then a constant of the graph without data (see {@link Model#isGraphConstant}).
 * Mistakes are programming errors and raise {@link IllegalArgumentException} naming the place.
 */
public final class ModelBuilder {
    private final String source;
    private String description = "";
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Operator> operators = new ArrayList<>();
    private int[] inputs = new int[0];
    private int[] outputs = new int[0];

    /** @param source the name the model goes by in messages, as a file name does for a loaded model */
    public ModelBuilder(String source) {
        this.source = source;
    }

    public ModelBuilder description(String text) {
        this.description = text;
        return this;
    }

    /** Adds an activation (or a weight without bytes) and returns its index. */
    public int tensor(String name, TensorType type, int... shape) {
        return tensor(name, type, shape, Quantization.NONE, null);
    }

    /** Adds a constant with its little-endian bytes and returns its index. */
    public int constant(String name, TensorType type, int[] shape, byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("constant '" + name + "': data is null");
        }
        return tensor(name, type, shape, Quantization.NONE, data);
    }

    /** Adds a tensor and returns its index; {@code data} null for an activation or an unattached weight. */
    public int tensor(String name, TensorType type, int[] shape, Quantization quantization, byte[] data) {
        int index = tensors.size();
        String where = "tensor #" + index + " '" + name + "'";
        if (index >= ModelReader.MAX_GRAPH_ITEMS) {
            throw new IllegalArgumentException(where + ": more than " + ModelReader.MAX_GRAPH_ITEMS + " tensors");
        }
        if (type == null || shape == null || quantization == null) {
            throw new IllegalArgumentException(where + ": type, shape and quantization are required");
        }
        if (shape.length > ModelReader.MAX_RANK) {
            throw new IllegalArgumentException(where + ": rank " + shape.length + " exceeds " + ModelReader.MAX_RANK);
        }
        long elements = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException(where + ": dimension " + d + " in shape " + Arrays.toString(shape)
                        + " (a built graph has no empty tensors)");
            }
            elements *= d;
            if (elements > ModelReader.MAX_ELEMENTS) {
                throw new IllegalArgumentException(where + ": shape " + Arrays.toString(shape) + " has more than "
                        + ModelReader.MAX_ELEMENTS + " elements");
            }
        }
        if (data != null && data.length != elements * type.bytes()) {
            throw new IllegalArgumentException(where + ": " + data.length + " bytes of data, but shape "
                    + Arrays.toString(shape) + " of " + type + " needs " + elements * type.bytes());
        }
        checkQuantization(quantization, type, shape, where);
        tensors.add(new Tensor(index, name, type, shape.clone(), quantization, data));
        return index;
    }

    private static void checkQuantization(Quantization q, TensorType type, int[] shape, String where) {
        if (!q.isPresent()) {
            return;
        }
        if (q.zeroPoints().length != q.scales().length) {
            throw new IllegalArgumentException(where + ": " + q.scales().length + " scales but "
                    + q.zeroPoints().length + " zero points");
        }
        for (float s : q.scales()) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException(where + ": quantization scale " + s + " is not positive and finite");
            }
        }
        String zeroPointError = Quantization.zeroPointError(type, q.zeroPoints());
        if (zeroPointError != null) {
            throw new IllegalArgumentException(where + ": " + zeroPointError);
        }
        int dim = q.quantizedDimension();
        if (q.isPerChannel() && (dim < 0 || dim >= shape.length || shape[dim] != q.scales().length)) {
            throw new IllegalArgumentException(where + ": " + q.scales().length + " per-channel scales do not match "
                    + "quantized dimension " + dim + " of shape " + Arrays.toString(shape));
        }
    }

    /** The tensor added with this index. */
    public Tensor tensor(int index) {
        if (index < 0 || index >= tensors.size()) {
            throw new IllegalArgumentException("tensor index " + index + " is out of range (" + tensors.size()
                    + " tensors so far)");
        }
        return tensors.get(index);
    }

    /**
     * Appends an operator and returns its index. Input -1 marks an omitted optional input. The options
     * must be the record the reader would decode for this operator ({@link OperatorOptions.None} for
     * operators without options).
     */
    public int operator(BuiltinOp op, OperatorOptions options, int[] inputs, int... outputs) {
        int index = operators.size();
        String where = "op #" + index + " " + (op == null ? "null" : op.name());
        if (op == null || options == null || inputs == null || outputs == null) {
            throw new IllegalArgumentException(where + ": op, options, inputs and outputs are required");
        }
        if (index >= ModelReader.MAX_GRAPH_ITEMS) {
            throw new IllegalArgumentException(where + ": more than " + ModelReader.MAX_GRAPH_ITEMS + " operators");
        }
        Class<? extends OperatorOptions> expected = optionsKind(op);
        if (!expected.isInstance(options)) {
            throw new IllegalArgumentException(where + ": options are " + options.getClass().getSimpleName()
                    + ", expected " + expected.getSimpleName());
        }
        if (options instanceof OperatorOptions.Softmax s && (!(s.beta() > 0) || Float.isInfinite(s.beta()))) {
            throw new IllegalArgumentException(where + ": beta = " + s.beta() + " is not a positive finite number");
        }
        checkIndices(inputs, where + " inputs", true);
        checkIndices(outputs, where + " outputs", false);
        if (outputs.length == 0) {
            throw new IllegalArgumentException(where + ": has no output");
        }
        operators.add(new Operator(index, op.code(), op, op.name(), 1, inputs.clone(), outputs.clone(), options));
        return index;
    }

    /** The options record {@link ModelReader} decodes for each operator. */
    private static Class<? extends OperatorOptions> optionsKind(BuiltinOp op) {
        OptionsTable<?> table = Schema.optionsOf(op);
        return table == null ? OperatorOptions.None.class : table.kind();
    }

    private void checkIndices(int[] indices, String where, boolean optionalAllowed) {
        for (int k = 0; k < indices.length; k++) {
            int t = indices[k];
            if (t >= tensors.size() || t < (optionalAllowed ? -1 : 0)) {
                throw new IllegalArgumentException(where + "[" + k + "]: tensor index " + t + " is out of range ("
                        + tensors.size() + " tensors)");
            }
        }
    }

    public ModelBuilder inputs(int... tensorIndices) {
        checkIndices(tensorIndices, "graph inputs", false);
        this.inputs = tensorIndices.clone();
        return this;
    }

    public ModelBuilder outputs(int... tensorIndices) {
        checkIndices(tensorIndices, "graph outputs", false);
        this.outputs = tensorIndices.clone();
        return this;
    }

    /**
     * Checks the graph and returns it: inputs and outputs given; each tensor written at most once, and
     * never a graph input or a constant; each operator reads only what exists by then (a graph input, a
     * constant, an unattached weight, or the output of an earlier operator); each graph output written.
     */
    public Model build() {
        if (inputs.length == 0 || outputs.length == 0) {
            throw new IllegalArgumentException(source + ": needs at least one graph input and one output");
        }
        BitSet written = new BitSet();
        for (Operator op : operators) {
            for (int o : op.outputs()) {
                if (written.get(o)) {
                    throw new IllegalArgumentException(op.describe() + ": " + tensors.get(o).describe()
                            + " is already written by an earlier operator");
                }
                if (tensors.get(o).isConstant()) {
                    throw new IllegalArgumentException(op.describe() + ": writes the constant " + tensors.get(o).describe());
                }
                written.set(o);
            }
        }
        BitSet available = new BitSet();
        for (int i : inputs) {
            if (written.get(i)) {
                throw new IllegalArgumentException("graph input " + tensors.get(i).describe() + " is written by an operator");
            }
            available.set(i);
        }
        for (Operator op : operators) {
            int[] in = op.inputs();
            for (int k = 0; k < in.length; k++) {
                int t = in[k];
                // Constants and unattached weights (never written) are available from the start.
                if (t >= 0 && written.get(t) && !available.get(t)) {
                    throw new IllegalArgumentException(op.describe() + ": input " + k + " " + tensors.get(t).describe()
                            + " is read before the operator that writes it");
                }
            }
            for (int o : op.outputs()) {
                available.set(o);
            }
        }
        for (int o : outputs) {
            if (!available.get(o)) {
                throw new IllegalArgumentException("graph output " + tensors.get(o).describe()
                        + " is neither a graph input nor written by an operator");
            }
        }
        return new Model(source, description, tensors, operators, inputs, outputs);
    }
}
