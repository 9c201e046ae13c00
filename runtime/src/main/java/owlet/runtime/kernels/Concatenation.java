package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.Activation;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;

/**
 * CONCATENATION along {@code axis} (negative counts from the end): inputs of equal rank that agree on every
 * other dimension; the output's {@code axis} dimension is their sum. Row-major layout: for each index of the
 * dimensions before {@code axis} ("outer"), the output holds input 0's slab, then input 1's, and so on, each
 * slab {@code dim(axis) · inner} elements long.
 *
 * <p>Float32 and slabs whose quantization equals the output's are copied. A uint8 input with another scale
 * or zero point is rescaled as TFLite's ConcatenationWithScaling does, on original values in float:
 * {@code scale = s_in · (1.0f / s_out)}, {@code bias = -z_in · scale},
 * {@code clamp(roundf(x · scale + bias) + z_out, 0, 255)}, taken once per input byte value at prepare: the
 * slab goes through a 256-byte table (computed per element, the SSD's class-score concatenation of
 * 1917×91 bytes took 2.3 ms, 7 % of the detector, see BENCHMARKS.md). TFLite's int8 kernel does not rescale: it
 * requires every input to have the output's scale and zero point, and so does this class. Fused activations
 * other than NONE are rejected, as TFLite does.
 */
public final class Concatenation {
    private Concatenation() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        int n = ctx.inputCount();
        ctx.requireArity(1, Math.max(1, n), 1);
        OperatorOptions.Concatenation o = ctx.options(OperatorOptions.Concatenation.class);
        if (o.activation() != Activation.NONE) {
            throw ctx.fail("fused activation " + o.activation() + " is not supported (TFLite requires NONE)");
        }
        Tensor out = ctx.output(0);
        ctx.requireType(out, "output", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8);
        int rank = out.rank();
        int axis = o.axis() < 0 ? o.axis() + rank : o.axis();
        if (axis < 0 || axis >= rank) {
            throw ctx.fail("axis " + o.axis() + " is out of range for output rank " + rank);
        }
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= out.dim(d);
        }
        int inner = 1;
        for (int d = axis + 1; d < rank; d++) {
            inner *= out.dim(d);
        }
        boolean quantized = out.type() != TensorType.FLOAT32;
        if (quantized) {
            ctx.requirePerTensor(out, "output");
        }
        int elementBytes = out.type().bytes();
        int[] inOffsets = new int[n];
        int[] slabBytes = new int[n];
        byte[][] tables = new byte[n][];
        int total = 0;
        for (int i = 0; i < n; i++) {
            Tensor t = ctx.input(i);
            String role = "input " + i;
            ctx.requireType(t, role, out.type());
            ctx.requireRank(t, role, rank);
            for (int d = 0; d < rank; d++) {
                if (d != axis && t.dim(d) != out.dim(d)) {
                    throw ctx.fail(role + " " + t.describe() + " has shape " + Arrays.toString(t.shape())
                            + ", which differs from the output " + Arrays.toString(out.shape())
                            + " outside axis " + axis);
                }
            }
            total += t.dim(axis);
            inOffsets[i] = ctx.offset(t);
            slabBytes[i] = t.dim(axis) * inner * elementBytes;
            if (quantized) {
                ctx.requirePerTensor(t, role);
                boolean same = t.quantization().scale() == out.quantization().scale()
                        && t.quantization().zeroPoint() == out.quantization().zeroPoint();
                if (!same && out.type() == TensorType.INT8) {
                    throw ctx.fail(role + " " + t.describe() + " is quantized (" + t.quantization().scale() + ", "
                            + t.quantization().zeroPoint() + ") unlike the output (" + out.quantization().scale() + ", "
                            + out.quantization().zeroPoint() + "); TFLite's int8 CONCATENATION does not rescale");
                }
                if (!same) {
                    tables[i] = rescaleTable(t.quantization().scale(), t.quantization().zeroPoint(),
                            out.quantization().scale(), out.quantization().zeroPoint());
                }
            }
        }
        if (total != out.dim(axis)) {
            throw ctx.fail("inputs add up to " + total + " along axis " + axis + ", but the output has "
                    + out.dim(axis));
        }
        return new ConcatKernel(outer, inOffsets, slabBytes, ctx.offset(out), tables);
    }

    /**
     * The rescaled stored byte for each stored uint8 input byte (at {@code stored + 128}): TFLite's
     * {@code clamp(roundf(x · scale + bias) + z_out, 0, 255)} on the original value {@code x = stored + 128},
     * in float as it computes it.
     */
    static byte[] rescaleTable(float inScale, int inZp, float outScale, int outZp) {
        float scale = inScale * (1.f / outScale);
        float bias = -inZp * scale;
        byte[] table = new byte[256];
        for (int x = 0; x < 256; x++) {
            int v = CRound.round(x * scale + bias) + outZp; // roundf, then CVTTSS2SI
            table[x] = (byte) (Math.max(0, Math.min(255, v)) - 128);
        }
        return table;
    }

    /**
     * For each outer index, each input's slab in turn: copied, or through its table where it is rescaled
     * (uint8: stored values are original minus 128 on both sides).
     */
    record ConcatKernel(int outer, int[] inOffsets, int[] slabBytes, int outOff, byte[][] tables) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            int out = outOff;
            for (int k = 0; k < outer; k++) {
                for (int i = 0; i < inOffsets.length; i++) {
                    int size = slabBytes[i];
                    int in = inOffsets[i] + k * size;
                    byte[] table = tables[i];
                    if (table == null) {
                        System.arraycopy(arena, in, arena, out, size);
                    } else {
                        for (int j = 0; j < size; j++) {
                            arena[out + j] = table[arena[in + j] + 128];
                        }
                    }
                    out += size;
                }
            }
        }
    }
}
