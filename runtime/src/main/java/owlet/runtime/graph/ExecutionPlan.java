package owlet.runtime.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import owlet.runtime.kernels.Ops;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;

/**
 * The static schedule of a model: operators run in file order (TFLite's order); each activation tensor
 * lives from the step that writes it (step 0 for graph inputs) to the last step that reads it (the end for
 * graph outputs), and the planner gives it a fixed offset in one arena. An operator that needs scratch
 * ({@link Ops#scratchBytes}) gets a buffer in the same arena, live during its own step. Built once per model.
 */
public final class ExecutionPlan {
    /** Refuse arenas above this size: no MobileNet needs more than a few MB. */
    public static final long MAX_ARENA_BYTES = 1L << 30;
    /**
     * Bytes an arena has past {@link #arenaSize()}: a vector kernel may read (never write) up to one vector
     * past the last byte of its input, into lanes it then discards, instead of finishing in a scalar loop.
     * 64 bytes cover the widest vector (512 bits).
     */
    public static final int ARENA_TAIL_BYTES = 64;

    private final Model model;
    private final int[] offsets;
    private final int[] scratchOffsets;
    private final int[] scratchBytes;
    private final int arenaSize;
    private final long lowerBound;

    private ExecutionPlan(Model model, int[] offsets, int[] scratchOffsets, int[] scratchBytes, int arenaSize,
                          long lowerBound) {
        this.model = model;
        this.offsets = offsets;
        this.scratchOffsets = scratchOffsets;
        this.scratchBytes = scratchBytes;
        this.arenaSize = arenaSize;
        this.lowerBound = lowerBound;
    }

    public static ExecutionPlan create(Model model) throws InvalidModelException {
        return create(model, new GreedyArenaPlanner());
    }

    public static ExecutionPlan create(Model model, ArenaPlanner planner) throws InvalidModelException {
        List<Tensor> tensors = model.tensors();
        List<Operator> ops = model.operators();
        int n = tensors.size();
        int end = ops.size();
        int[] first = new int[n];
        int[] last = new int[n];
        Arrays.fill(first, -1);
        Arrays.fill(last, -1);
        for (int in : model.inputs()) {
            if (tensors.get(in).isConstant()) {
                throw new InvalidModelException("graph input " + tensors.get(in).describe() + " is a constant");
            }
            first[in] = 0;
            last[in] = 0;
        }
        for (Operator op : ops) {
            int step = op.index();
            for (int t : op.inputs()) {
                if (t < 0 || tensors.get(t).isConstant()) {
                    continue;
                }
                if (first[t] < 0) {
                    throw new InvalidModelException(op.describe() + ": reads " + tensors.get(t).describe()
                            + " before any operator writes it");
                }
                last[t] = Math.max(last[t], step);
            }
            for (int t : op.outputs()) {
                Tensor out = tensors.get(t);
                if (out.isConstant()) {
                    throw new InvalidModelException(op.describe() + ": writes to constant " + out.describe());
                }
                if (first[t] >= 0) {
                    throw new InvalidModelException(op.describe() + ": writes " + out.describe()
                            + ", which is already written by an earlier operator or is a graph input");
                }
                first[t] = step;
                last[t] = step;
            }
        }
        for (int out : model.outputs()) {
            if (first[out] < 0) {
                throw new InvalidModelException("graph output " + tensors.get(out).describe() + " is never written");
            }
            last[out] = end;
        }
        // Kernels copy and pack their weights; a hostile file could make thousands of ops share one large
        // constant and multiply the memory that takes. Refuse sharing beyond a small factor.
        long constantBytes = 0;
        long referencedBytes = 0;
        for (Tensor t : tensors) {
            constantBytes += t.isConstant() ? t.byteSize() : 0;
        }
        for (Operator op : ops) {
            for (int t : op.inputs()) {
                referencedBytes += t >= 0 && tensors.get(t).isConstant() ? tensors.get(t).byteSize() : 0;
            }
        }
        if (referencedBytes > 4 * constantBytes + (1 << 20)) {
            throw new InvalidModelException("operators read " + referencedBytes + " bytes of constants, but the model holds "
                    + constantBytes + ": constants shared by that many operators are not supported");
        }
        int[] live = java.util.stream.IntStream.range(0, n).filter(t -> first[t] >= 0).toArray();
        // Operator scratch (a hybrid operator's quantized input) is one more buffer, live during its step only.
        int[] scratchBytes = new int[ops.size()];
        int scratchCount = 0;
        for (Operator op : ops) {
            scratchBytes[op.index()] = Ops.scratchBytes(tensors, op);
            scratchCount += scratchBytes[op.index()] > 0 ? 1 : 0;
        }
        int[] scratchOps = new int[scratchCount];
        int[] sizes = new int[live.length + scratchCount];
        int[] f = new int[sizes.length];
        int[] l = new int[sizes.length];
        for (int k = 0; k < live.length; k++) {
            sizes[k] = tensors.get(live[k]).byteSize();
            f[k] = first[live[k]];
            l[k] = last[live[k]];
        }
        for (int i = 0, k = live.length; i < ops.size(); i++) {
            if (scratchBytes[i] > 0) {
                scratchOps[k - live.length] = i;
                sizes[k] = scratchBytes[i];
                f[k] = i;
                l[k] = i;
                k++;
            }
        }
        long bound = ArenaPlanner.lowerBound(sizes, f, l);
        if (bound > MAX_ARENA_BYTES) {
            throw new InvalidModelException("activations need at least " + bound + " bytes at once, more than the "
                    + MAX_ARENA_BYTES + "-byte limit");
        }
        int[] placed;
        try {
            placed = planner.plan(sizes, f, l);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("cannot plan the arena: " + e.getMessage(), e);
        }
        long size = ArenaPlanner.arenaSize(placed, sizes);
        if (size > MAX_ARENA_BYTES) {
            throw new InvalidModelException("the planned arena of " + size + " bytes exceeds the "
                    + MAX_ARENA_BYTES + "-byte limit");
        }
        int[] offsets = new int[n];
        Arrays.fill(offsets, -1);
        for (int k = 0; k < live.length; k++) {
            offsets[live[k]] = placed[k];
        }
        int[] scratchOffsets = new int[ops.size()];
        Arrays.fill(scratchOffsets, -1);
        for (int k = 0; k < scratchCount; k++) {
            scratchOffsets[scratchOps[k]] = placed[live.length + k];
        }
        return new ExecutionPlan(model, offsets, scratchOffsets, scratchBytes, (int) size, bound);
    }

    /** Prepares one kernel per operator; each call gives fresh kernels (they may hold scratch space). */
    public Kernel[] prepareKernels() throws InvalidModelException {
        return prepareKernels(1, true);
    }

    /**
     * Prepares every operator for evaluation split into at most {@code parts} parts (threads);
     * {@code vector} allows the Vector API kernels.
     */
    public Kernel[] prepareKernels(int parts, boolean vector) throws InvalidModelException {
        List<Operator> ops = model.operators();
        refuseUnsupported(ops);
        Kernel[] kernels = new Kernel[ops.size()];
        for (Operator op : ops) {
            try {
                kernels[op.index()] = Ops.prepare(new OpContext(model.tensors(), op, offsets, parts, vector,
                        scratchOffsets[op.index()], scratchBytes[op.index()]));
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new InvalidModelException(op.describe() + ": " + e.getMessage(), e);
            }
        }
        return kernels;
    }

    /**
     * Names every operator Owlet cannot run in one message, each type once with the indices where it
     * occurs ("MINIMUM (op #3, #7), CUSTOM 'foo' (op #9)"), so one attempt shows all that a model lacks.
     */
    private static void refuseUnsupported(List<Operator> ops) throws InvalidModelException {
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (Operator op : ops) {
            if (!Ops.supports(op)) {
                missing.computeIfAbsent(op.name(), k -> new ArrayList<>()).add(op.index());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<Integer>> e : missing.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(" (op ");
            for (int k = 0; k < e.getValue().size(); k++) {
                b.append(k == 0 ? "#" : ", #").append(e.getValue().get(k));
            }
            b.append(')');
        }
        String supported = Ops.SUPPORTED.stream().map(Enum::name).sorted().collect(Collectors.joining(", "))
                + Ops.SUPPORTED_CUSTOM.stream().sorted().map(c -> ", CUSTOM '" + c + "'").collect(Collectors.joining());
        throw new InvalidModelException((missing.size() == 1 ? "operator " : missing.size() + " operators ") + b
                + (missing.size() == 1 ? " is" : " are") + " not supported by Owlet (it runs " + supported + ")");
    }

    public Model model() {
        return model;
    }

    /** Arena offset of an activation tensor, -1 for constants and unused tensors. */
    public int offset(int tensor) {
        return offsets[tensor];
    }

    /** Bytes of the arena. */
    public int arenaSize() {
        return arenaSize;
    }

    /** The most activation bytes that must be live at one step: no plan can use less. */
    public long lowerBound() {
        return lowerBound;
    }
}
