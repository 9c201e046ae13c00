package owlet.runtime.api;

import java.lang.ref.Cleaner;
import owlet.runtime.graph.ExecutionPlan;
import owlet.runtime.model.OpCost;
import owlet.runtime.io.MemoryBudget;
import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelTooLargeException;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * Runs a model: fill the inputs, {@link #run()}, read the outputs. One interpreter owns one arena and its
 * prepared kernels, so it is for one thread at a time; make one per thread to run a model in parallel.
 * {@link #run()} allocates nothing.
 *
 * <p>With {@code threads > 1} ({@link #create(Model, int)}) the interpreter owns a fixed pool of
 * {@code threads - 1} daemon worker threads, created once, and splits each operator but the smallest into
 * as many parts or a few times more ({@link #partsFor}), claimed by the calling thread and the workers as
 * each becomes free. {@link #close()} stops
 * the workers; an interpreter that becomes unreachable without being closed stops them too.
 *
 * <p>Inputs and outputs are read and written in the tensor's own representation (uint8 values 0..255 for
 * a uint8 tensor), whatever the arena stores internally.
 */
public final class Interpreter implements AutoCloseable {
    /**
     * Operators with fewer mult-adds and fewer output elements than these run on the calling thread alone:
     * splitting them costs more than it saves. (Elementwise ops such as ADD have no mult-adds.) With the
     * workers spinning between operators, handing them a part costs about a microsecond, so only the
     * smallest operators stay whole: at 200,000 and 16,384 before 2026-12-03, 5 of MobileNet V1 0.25's
     * 3×3 depthwise layers of 45 µs each ran on one thread, and V1 0.25 on two threads went from 1.47–1.79x
     * its one-thread speed to 1.83–1.92x with these (BENCHMARKS.md, "Two threads on every model").
     */
    static final long MIN_SPLIT_MULT_ADDS = 20_000;
    static final long MIN_SPLIT_ELEMENTS = 2_048;
    /**
     * A split operator has {@code threads} parts, or {@value #PARTS_PER_THREAD} per thread when each part
     * still gets {@link #PART_MULT_ADDS} mult-adds or {@link #PART_ELEMENTS} output elements: parts are
     * claimed by whichever thread is free, so with more parts than threads a thread that another program
     * keeps off its core holds up a smaller piece of work, while on an idle machine the threads still end
     * together (the count is a multiple of the threads).
     */
    static final int PARTS_PER_THREAD = 2;
    static final long PART_MULT_ADDS = 100_000;
    static final long PART_ELEMENTS = 8_192;
    private static final Cleaner CLEANER = Cleaner.create();

    private final Model model;
    private final ExecutionPlan plan;
    private final Kernel[] kernels;
    /** For each kernel, whether it runs split across the pool. */
    private final boolean[] split;
    /** For each split kernel, how many parts it is split into. */
    private final int[] parts;
    private final byte[] arena;
    private final WorkerPool pool;
    private final Cleaner.Cleanable cleanable;

    /**
     * How an interpreter runs.
     *
     * @param threads       threads per inference, at least 1: the caller and {@code threads - 1} workers
     * @param vectorKernels whether the Vector API kernels may be used (when {@code jdk.incubator.vector}
     *                      is present; false forces the scalar reference kernels)
     */
    public record Options(int threads, boolean vectorKernels) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }

        /**
         * Options for a process that runs {@code inferences} inferences and exits ({@code owlet classify} or
         * {@code detect} on the images given): the Vector API kernels only for more than one. They are fast
         * once C2 has compiled them, but until then each vector operation runs as interpreted or C1 code
         * that allocates, and compiling them costs more CPU than a whole inference on the scalar kernels;
         * a single inference is over sooner on the scalar kernels (same output bytes). See BENCHMARKS.md,
         * "Start-up".
         */
        public static Options forInferences(int threads, long inferences) {
            return new Options(threads, inferences > 1);
        }
    }

    private Interpreter(Model model, ExecutionPlan plan, Options options) throws InvalidModelException {
        int threads = options.threads();
        this.model = model;
        this.plan = plan;
        int maxParts = threads == 1 ? 1 : threads * PARTS_PER_THREAD;
        this.kernels = plan.prepareKernels(maxParts, options.vectorKernels());
        this.arena = new byte[plan.arenaSize() + ExecutionPlan.ARENA_TAIL_BYTES];
        this.split = new boolean[kernels.length];
        this.parts = new int[kernels.length];
        boolean any = false;
        for (int i = 0; i < kernels.length; i++) {
            Operator op = model.operators().get(i);
            long elements = op.outputs().length > 0 && op.outputs()[0] >= 0
                    ? model.tensor(op.outputs()[0]).elementCount() : 0;
            long macs = OpCost.of(model, op).multAdds();
            split[i] = threads > 1 && kernels[i] instanceof PartitionedKernel
                    && (macs >= MIN_SPLIT_MULT_ADDS || elements >= MIN_SPLIT_ELEMENTS);
            parts[i] = partsFor(threads, maxParts, macs, elements);
            any |= split[i];
        }
        this.pool = any ? new WorkerPool(threads, maxParts) : null;
        WorkerPool p = pool;
        this.cleanable = p == null ? null : CLEANER.register(this, p::close);
    }

    /** Parts of an operator split across {@code threads} threads: a multiple of them, at most {@code maxParts}. */
    static int partsFor(int threads, int maxParts, long multAdds, long elements) {
        long byWork = Math.max(multAdds / PART_MULT_ADDS, elements / PART_ELEMENTS);
        return (int) Math.max(threads, Math.min(maxParts, byWork) / threads * threads);
    }

    /** Plans the arena and prepares every operator to run on the calling thread alone. */
    public static Interpreter create(Model model) throws InvalidModelException {
        return create(model, 1);
    }

    /**
     * Plans the arena and prepares every operator to run on {@code threads} threads: the caller and a
     * fixed pool of {@code threads - 1} workers. Unsupported or invalid graphs fail here.
     */
    public static Interpreter create(Model model, int threads) throws InvalidModelException {
        return create(model, new Options(threads, true));
    }

    public static Interpreter create(Model model, Options options) throws InvalidModelException {
        ExecutionPlan plan = ExecutionPlan.create(model);
        long needed = memoryNeeded(model, plan, options.threads());
        String shortfall = MemoryBudget.shortfall(needed);
        if (shortfall != null) {
            throw new ModelTooLargeException(model.source() + ": running it " + shortfall + " (arena "
                    + MemoryBudget.mb(plan.arenaSize()) + ", weights and working buffers about "
                    + MemoryBudget.mb(needed - plan.arenaSize()) + ")");
        }
        return new Interpreter(model, plan, options);
    }

    /**
     * What preparing and running the model allocates, at most: the arena, and per operator its packed
     * weights (at most {@value #PACKED_BYTES_PER_WEIGHT_BYTE} bytes per byte of constant input: weights
     * widened to ints, plus per-channel tables), its tables (at most {@value #KERNEL_OVERHEAD_BYTES} bytes:
     * a 64 KB pair table) and per part a working row ({@value #ROW_SCRATCH_BYTES} bytes, and a depthwise
     * layer's three padded input rows; an operator split
     * across several threads has up to {@value #PARTS_PER_THREAD} parts per thread). Measured against what
     * the shared models allocate in {@code MemoryBudgetTest}.
     */
    static long memoryNeeded(Model model, ExecutionPlan plan, int threads) {
        int parts = threads == 1 ? 1 : threads * PARTS_PER_THREAD;
        long total = (long) plan.arenaSize() + ExecutionPlan.ARENA_TAIL_BYTES;
        for (Operator op : model.operators()) {
            total += KERNEL_OVERHEAD_BYTES;
            for (int t : op.inputs()) {
                if (t >= 0 && model.tensor(t).isConstant()) {
                    total += PACKED_BYTES_PER_WEIGHT_BYTE * model.tensor(t).byteSize();
                }
            }
            for (int t : op.outputs()) {
                total += (long) parts * ROW_SCRATCH_BYTES;
            }
            total += (long) parts * paddedRowBytes(model, op);
        }
        return total;
    }

    /**
     * A DEPTHWISE_CONV_2D's padded input rows per part, at most: three rows of the input's width + 3 pixels
     * (a stride-s window row spans at most the input plus its padding), and a vector of slack.
     */
    private static long paddedRowBytes(Model model, Operator op) {
        if (op.op() != BuiltinOp.DEPTHWISE_CONV_2D || op.inputs().length == 0 || op.inputs()[0] < 0) {
            return 0;
        }
        int[] shape = model.tensor(op.inputs()[0]).shape();
        return shape.length == 4 ? 3L * (shape[2] + 3) * shape[3] + 64 : 0;
    }

    private static final int PACKED_BYTES_PER_WEIGHT_BYTE = 6;
    private static final int KERNEL_OVERHEAD_BYTES = 96 << 10;
    private static final int ROW_SCRATCH_BYTES = 16 << 10;

    /** Threads an inference runs on (1 when no operator is worth splitting). */
    public int threads() {
        return pool == null ? 1 : pool.threads();
    }

    /** Thread ids of the worker threads (empty when single-threaded), for allocation measurements. */
    long[] workerThreadIds() {
        return pool == null ? new long[0] : pool.workerThreadIds();
    }

    /** Stops the worker threads; the interpreter cannot run afterwards if it had any. Idempotent. */
    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
        }
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
        for (int i = 0; i < kernels.length; i++) {
            step(i);
        }
    }

    private void step(int i) {
        if (split[i]) {
            pool.run((PartitionedKernel) kernels[i], arena, parts[i]);
        } else {
            kernels[i].eval(arena);
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
     * bytes; {@code owlet bench --profile} times the steps. Operators run split across the pool as in
     * {@link #run()}, which stays a plain loop, so the hook costs ordinary inference nothing.
     */
    public void run(StepObserver observer) {
        for (int i = 0; i < kernels.length; i++) {
            step(i);
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

    /** Threads to use when none are asked for: the number of cores, at most 4. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }
}
