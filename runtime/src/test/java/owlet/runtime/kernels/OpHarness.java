package owlet.runtime.kernels;

import java.util.ArrayList;
import java.util.List;
import owlet.runtime.graph.ExecutionPlan;
import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * Runs one op in isolation: declare tensors, prepare the op through {@link Ops}, write inputs in their
 * original representation (uint8 values as 0..255), evaluate, read outputs back.
 */
public final class OpHarness {
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Integer> offsets = new ArrayList<>();
    private int arenaSize = 0;
    private byte[] arena;

    public static Quantization quant(float scale, int zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public static Quantization perChannel(float[] scales, int dim) {
        return new Quantization(scales, new long[scales.length], dim);
    }

    /** An activation tensor; returns its index. */
    public int tensor(TensorType type, Quantization q, int... shape) {
        Tensor t = new Tensor(tensors.size(), "t" + tensors.size(), type, shape, q, null);
        tensors.add(t);
        offsets.add(arenaSize);
        arenaSize += t.byteSize() + 16;
        return t.index();
    }

    /** A constant tensor with raw little-endian bytes in the original representation. */
    public int constant(TensorType type, Quantization q, byte[] data, int... shape) {
        Tensor t = new Tensor(tensors.size(), "c" + tensors.size(), type, shape, q, data);
        tensors.add(t);
        offsets.add(-1);
        return t.index();
    }

    public int constantInts(int[] values, int... shape) {
        byte[] b = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (values[i] >> (8 * k));
            }
        }
        return constant(TensorType.INT32, Quantization.NONE, b, shape);
    }

    public int constantFloats(float[] values, int... shape) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        int idx = constantInts(bits, shape);
        Tensor t = tensors.get(idx);
        tensors.set(idx, new Tensor(idx, t.name(), TensorType.FLOAT32, t.shape(), Quantization.NONE, t.data()));
        return idx;
    }

    public Tensor get(int index) {
        return tensors.get(index);
    }

    /** Prepares the op; inputs may contain -1 for omitted optional inputs. */
    public Kernel prepare(BuiltinOp op, OperatorOptions options, int[] inputs, int... outputs)
            throws InvalidModelException {
        Operator operator = new Operator(0, op.code(), op, op.name(), 1, inputs, outputs, options);
        int[] off = offsets.stream().mapToInt(Integer::intValue).toArray();
        Kernel k = Ops.prepare(new OpContext(tensors, operator, off));
        if (arena == null || arena.length < arenaSize + ExecutionPlan.ARENA_TAIL_BYTES) {
            arena = new byte[arenaSize + ExecutionPlan.ARENA_TAIL_BYTES];
        }
        return k;
    }

    /**
     * The context an op class's {@code prepare} sees, for preparing one op more than one way (reference
     * and optimized kernels over the same arena); {@code parts} as {@link OpContext#parts()}.
     */
    public OpContext context(BuiltinOp op, OperatorOptions options, int[] inputs, int[] outputs, int parts) {
        Operator operator = new Operator(0, op.code(), op, op.name(), 1, inputs, outputs, options);
        int[] off = offsets.stream().mapToInt(Integer::intValue).toArray();
        if (arena == null || arena.length < arenaSize + ExecutionPlan.ARENA_TAIL_BYTES) {
            arena = new byte[arenaSize + ExecutionPlan.ARENA_TAIL_BYTES];
        }
        return new OpContext(tensors, operator, off, parts, true);
    }

    /** Runs part {@code part} of {@code parts} of a partitioned kernel. */
    public void run(PartitionedKernel k, int part, int parts) {
        k.eval(arena, part, parts);
    }

    /** Writes 8-bit values in the tensor's original representation (uint8 as 0..255 in a byte). */
    public void set(int index, byte[] values) {
        Tensor t = tensors.get(index);
        int shift = Quant8.shift(t);
        int off = offsets.get(index);
        for (int i = 0; i < values.length; i++) {
            arena[off + i] = (byte) (values[i] - shift);
        }
    }

    public byte[] get8(int index) {
        Tensor t = tensors.get(index);
        int shift = Quant8.shift(t);
        int off = offsets.get(index);
        byte[] out = new byte[t.elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (arena[off + i] + shift);
        }
        return out;
    }

    public void setFloats(int index, float[] values) {
        int off = offsets.get(index);
        for (int i = 0; i < values.length; i++) {
            ArenaFloats.setFloat(arena, off + 4 * i, values[i]);
        }
    }

    public float[] getFloats(int index) {
        int off = offsets.get(index);
        float[] out = new float[tensors.get(index).elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ArenaFloats.getFloat(arena, off + 4 * i);
        }
        return out;
    }

    public void run(Kernel k) {
        k.eval(arena);
    }

    /** Fills the whole arena, gaps between tensors and the tail included, with random bytes. */
    public void scribble(java.util.Random r) {
        r.nextBytes(arena);
    }

    /** A copy of the whole arena, for checking what a kernel wrote. */
    public byte[] arenaCopy() {
        return arena.clone();
    }

    /**
     * Index of the first arena byte outside tensor {@code index} that differs from {@code before}, or -1:
     * a kernel must write its output tensor and nothing else.
     */
    public int firstWriteOutside(byte[] before, int index) {
        int from = offsets.get(index);
        int to = from + tensors.get(index).byteSize();
        for (int i = 0; i < arena.length; i++) {
            if ((i < from || i >= to) && arena[i] != before[i]) {
                return i;
            }
        }
        return -1;
    }

    /** A constant 8-bit tensor from values in the original representation (uint8 as 0..255). */
    public int constant8(TensorType type, Quantization q, int[] values, int... shape) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return constant(type, q, b, shape);
    }

    /** Writes 8-bit values given as ints in the original representation (uint8 as 0..255). */
    public void set8(int index, int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        set(index, b);
    }

    /** Reads 8-bit values as ints in the original representation (uint8 as 0..255, int8 as -128..127). */
    public int[] get8Ints(int index) {
        byte[] b = get8(index);
        boolean unsigned = tensors.get(index).type() == TensorType.UINT8;
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = unsigned ? b[i] & 0xFF : b[i];
        }
        return out;
    }

    /** Prepares a CUSTOM operator with the given custom code and custom_options bytes. */
    public Kernel prepareCustom(String code, byte[] options, int[] inputs, int... outputs)
            throws InvalidModelException {
        Operator operator = new Operator(0, 32, null, "CUSTOM '" + code + "'", 1, inputs, outputs,
                new OperatorOptions.Custom(code, options));
        int[] off = offsets.stream().mapToInt(Integer::intValue).toArray();
        Kernel k = Ops.prepare(new OpContext(tensors, operator, off));
        if (arena == null || arena.length < arenaSize + ExecutionPlan.ARENA_TAIL_BYTES) {
            arena = new byte[arenaSize + ExecutionPlan.ARENA_TAIL_BYTES];
        }
        return k;
    }
}
