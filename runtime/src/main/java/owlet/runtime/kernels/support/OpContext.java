package owlet.runtime.kernels.support;

import java.util.Arrays;
import java.util.List;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * What an op class's {@code prepare} sees: the operator, its tensors, where each activation tensor lives
 * in the arena, and helpers that turn a violated expectation into an {@link InvalidModelException}
 * naming the operator ("op #12 DEPTHWISE_CONV_2D: filter has 3 scales, expected 32").
 */
public final class OpContext {
    private final List<Tensor> tensors;
    private final Operator op;
    private final int[] arenaOffsets;
    private final int parts;
    private final boolean vector;
    private final int scratchOffset;
    private final int scratchBytes;

    /**
     * @param tensors      all tensors of the graph, by index
     * @param arenaOffsets byte offset of each activation tensor in the arena, -1 for constants
     */
    public OpContext(List<Tensor> tensors, Operator op, int[] arenaOffsets) {
        this(tensors, op, arenaOffsets, 1, true);
    }

    /**
     * @param parts  the most parts a {@link PartitionedKernel} will be split into (the interpreter's thread
     *               count); kernels size their per-part scratch by it
     * @param vector whether the Vector API kernels may be chosen (they are only when
     *               {@link VectorApi#ENABLED} too)
     */
    public OpContext(List<Tensor> tensors, Operator op, int[] arenaOffsets, int parts, boolean vector) {
        this(tensors, op, arenaOffsets, parts, vector, -1, 0);
    }

    /**
     * @param scratchOffset arena offset of the scratch the execution plan reserved for this operator's step
     *                      ({@link #scratchBytes} bytes), -1 for none
     */
    public OpContext(List<Tensor> tensors, Operator op, int[] arenaOffsets, int parts, boolean vector,
                     int scratchOffset, int scratchBytes) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts " + parts + " < 1");
        }
        this.tensors = tensors;
        this.op = op;
        this.arenaOffsets = arenaOffsets;
        this.parts = parts;
        this.vector = vector && VectorApi.ENABLED;
        this.scratchOffset = scratchOffset;
        this.scratchBytes = scratchOffset < 0 ? 0 : scratchBytes;
    }

    /**
     * The arena offset of this operator's scratch, reserved by the execution plan for its step only, or -1
     * when the context has none (then a kernel that needs scratch keeps its own).
     */
    public int scratchOffset() {
        return scratchOffset;
    }

    /** Bytes of the scratch at {@link #scratchOffset()}, 0 when there is none. */
    public int scratchBytes() {
        return scratchBytes;
    }

    /** Whether prepare may choose a Vector API kernel. */
    public boolean vector() {
        return vector;
    }

    /** The most parts a partitioned kernel of this op will be split into. */
    public int parts() {
        return parts;
    }

    public Operator op() {
        return op;
    }

    public InvalidModelException fail(String message) {
        return new InvalidModelException(op.describe() + ": " + message);
    }

    public int inputCount() {
        return op.inputs().length;
    }

    /** Requires between {@code min} and {@code max} inputs and exactly {@code outputs} outputs. */
    public void requireArity(int min, int max, int outputs) throws InvalidModelException {
        int n = op.inputs().length;
        if (n < min || n > max) {
            throw fail("has " + n + " inputs, expected " + (min == max ? "" + min : min + " to " + max));
        }
        if (op.outputs().length != outputs) {
            throw fail("has " + op.outputs().length + " outputs, expected " + outputs);
        }
    }

    /** Input {@code i}, which must be present. */
    public Tensor input(int i) throws InvalidModelException {
        if (i >= op.inputs().length || op.inputs()[i] < 0) {
            throw fail("input " + i + " is missing");
        }
        return tensors.get(op.inputs()[i]);
    }

    /** Input {@code i}, or null when the model omits this optional input. */
    public Tensor optionalInput(int i) {
        return i >= op.inputs().length || op.inputs()[i] < 0 ? null : tensors.get(op.inputs()[i]);
    }

    public Tensor output(int i) throws InvalidModelException {
        if (i >= op.outputs().length) {
            throw fail("output " + i + " is missing");
        }
        return tensors.get(op.outputs()[i]);
    }

    /** The arena offset of an activation tensor (the byte index of its first element). */
    public int offset(Tensor t) throws InvalidModelException {
        int off = arenaOffsets[t.index()];
        if (off < 0) {
            throw fail(t.describe() + " is a constant where an activation was expected");
        }
        return off;
    }

    public <T extends OperatorOptions> T options(Class<T> type) throws InvalidModelException {
        if (!type.isInstance(op.options())) {
            throw fail("options are " + op.options().getClass().getSimpleName() + ", expected " + type.getSimpleName());
        }
        return type.cast(op.options());
    }

    public void requireType(Tensor t, String role, TensorType... allowed) throws InvalidModelException {
        for (TensorType a : allowed) {
            if (t.type() == a) {
                return;
            }
        }
        throw fail(role + " " + t.describe() + " has type " + t.type() + ", expected " + Arrays.toString(allowed));
    }

    public void requireConstant(Tensor t, String role) throws InvalidModelException {
        if (!t.isConstant()) {
            throw fail(role + " " + t.describe() + " must be a constant (weights computed at run time are not supported)");
        }
    }

    public void requireRank(Tensor t, String role, int rank) throws InvalidModelException {
        if (t.rank() != rank) {
            throw fail(role + " " + t.describe() + " has rank " + t.rank() + ", expected " + rank);
        }
    }

    public void requireShape(Tensor t, String role, int... expected) throws InvalidModelException {
        if (!Arrays.equals(t.shape(), expected)) {
            throw fail(role + " " + t.describe() + " has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(expected));
        }
    }

    /** Requires per-tensor or per-channel (along {@code dim}, {@code channels} of them) quantization. */
    public void requireQuantized(Tensor t, String role) throws InvalidModelException {
        if (!t.quantization().isPresent()) {
            throw fail(role + " " + t.describe() + " is " + t.type() + " but has no quantization parameters");
        }
    }

    public void requirePerTensor(Tensor t, String role) throws InvalidModelException {
        requireQuantized(t, role);
        if (t.quantization().isPerChannel()) {
            throw fail(role + " " + t.describe() + " must be quantized per tensor, but has "
                    + t.quantization().scales().length + " scales");
        }
    }
}
