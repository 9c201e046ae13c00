package owlet.runtime.api;

import owlet.runtime.graph.ExecutionPlan;
import owlet.runtime.kernels.ArenaFloats;
import owlet.runtime.kernels.Kernel;
import owlet.runtime.kernels.Quant8;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Runs a model: fill the inputs, {@link #run()}, read the outputs. One interpreter owns one arena and its
 * prepared kernels, so it is for one thread at a time; make one per thread to run a model in parallel.
 * {@link #run()} allocates nothing.
 *
 * <p>Inputs and outputs are read and written in the tensor's own representation (uint8 values 0..255 for
 * a uint8 tensor), whatever the arena stores internally.
 */
public final class Interpreter {
    private final Model model;
    private final ExecutionPlan plan;
    private final Kernel[] kernels;
    private final byte[] arena;

    private Interpreter(Model model, ExecutionPlan plan) throws InvalidModelException {
        this.model = model;
        this.plan = plan;
        this.kernels = plan.prepareKernels();
        this.arena = new byte[plan.arenaSize()];
    }

    /** Plans the arena and prepares every operator; unsupported or invalid graphs fail here. */
    public static Interpreter create(Model model) throws InvalidModelException {
        return new Interpreter(model, ExecutionPlan.create(model));
    }

    public Model model() {
        return model;
    }

    public ExecutionPlan plan() {
        return plan;
    }

    public Tensor inputTensor(int i) {
        return model.input(i);
    }

    public Tensor outputTensor(int i) {
        return model.output(i);
    }

    /** Writes an 8-bit input (uint8 as 0..255, int8 as -128..127). */
    public void setInput(int i, byte[] values) {
        Tensor t = model.input(i);
        requireLength(t, values.length, TensorType.UINT8, TensorType.INT8);
        int off = plan.offset(t.index());
        int shift = Quant8.shift(t);
        for (int k = 0; k < values.length; k++) {
            arena[off + k] = (byte) (values[k] - shift);
        }
    }

    /** Writes a float32 input. */
    public void setInput(int i, float[] values) {
        Tensor t = model.input(i);
        requireLength(t, values.length, TensorType.FLOAT32);
        int off = plan.offset(t.index());
        for (int k = 0; k < values.length; k++) {
            ArenaFloats.setFloat(arena, off + 4 * k, values[k]);
        }
    }

    /** Runs every operator once. */
    public void run() {
        for (Kernel k : kernels) {
            k.eval(arena);
        }
    }

    /** Told after each operator of {@link #run(StepObserver)}; its outputs can then be read. */
    @FunctionalInterface
    public interface StepObserver {
        void afterOperator(int operatorIndex);
    }

    /**
     * Runs every operator once, calling {@code observer} after each: calibration and per-layer error
     * reports read each operator's outputs with {@link #tensorAsFloat} before the arena reuses their
     * bytes. {@link #run()} stays a plain loop, so the hook costs ordinary inference nothing.
     */
    public void run(StepObserver observer) {
        for (int i = 0; i < kernels.length; i++) {
            kernels[i].eval(arena);
            observer.afterOperator(i);
        }
    }

    /** Copies an 8-bit output into {@code dst} (uint8 as 0..255 in each byte). */
    public void output(int i, byte[] dst) {
        Tensor t = model.output(i);
        requireLength(t, dst.length, TensorType.UINT8, TensorType.INT8);
        int off = plan.offset(t.index());
        int shift = Quant8.shift(t);
        for (int k = 0; k < dst.length; k++) {
            dst[k] = (byte) (arena[off + k] + shift);
        }
    }

    /**
     * Copies an output as real numbers: float outputs as they are, quantized outputs dequantized with
     * {@code scale * (q - zeroPoint)}.
     */
    public void outputAsFloat(int i, float[] dst) {
        tensorAsFloat(model.output(i).index(), dst);
    }

    /**
     * Copies any activation (a graph input or an operator's output) as real numbers, like
     * {@link #outputAsFloat}. Its bytes are valid from the step that writes it to its last reader; later
     * steps may reuse them, so read intermediates from a {@link StepObserver}.
     */
    public void tensorAsFloat(int tensor, float[] dst) {
        Tensor t = model.tensor(tensor);
        requireLength(t, dst.length, TensorType.UINT8, TensorType.INT8, TensorType.FLOAT32);
        int off = plan.offset(t.index());
        if (off < 0) {
            throw new IllegalArgumentException(t.describe() + " is not an activation of the arena");
        }
        if (t.type() == TensorType.FLOAT32) {
            for (int k = 0; k < dst.length; k++) {
                dst[k] = ArenaFloats.getFloat(arena, off + 4 * k);
            }
            return;
        }
        float scale = t.quantization().isPresent() ? t.quantization().scale() : 1f;
        int zp = Quant8.storedZeroPoint(t);
        for (int k = 0; k < dst.length; k++) {
            dst[k] = scale * (arena[off + k] - zp);
        }
    }

    private static void requireLength(Tensor t, int length, TensorType... types) {
        boolean typeOk = false;
        for (TensorType type : types) {
            typeOk |= t.type() == type;
        }
        if (!typeOk) {
            throw new IllegalArgumentException(t.describe() + " is " + t.type() + ", not " + java.util.Arrays.toString(types));
        }
        if (length != t.elementCount()) {
            throw new IllegalArgumentException(t.describe() + " has " + t.elementCount() + " elements, got " + length);
        }
    }
}
