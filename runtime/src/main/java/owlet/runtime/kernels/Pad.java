package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * PAD: {@code out[i_0 + before_0, ..., i_k + before_k] = in[i_0, ..., i_k]}, every other output element the
 * pad value. Paddings come from a constant int32 (or int64) {@code [rank, 2]} input, row {@code d} holding
 * {@code (before_d, after_d)}, both non-negative; {@code out.dim(d) = before_d + in.dim(d) + after_d}. Any
 * rank and type; row-major.
 *
 * <p>The pad value is 0.0 for float32 and the output zero point for uint8/int8, as TFLite's PAD without
 * constant values; like TFLite the input bytes are copied unchanged (no requantization), so input and output
 * normally share their quantization.
 */
public final class Pad {
    private Pad() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(2, 2, 1);
        Tensor in = ctx.input(0);
        Tensor paddings = ctx.input(1);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8, TensorType.INT32);
        ctx.requireType(out, "output", in.type());
        ctx.requireType(paddings, "paddings", TensorType.INT32, TensorType.INT64);
        ctx.requireConstant(paddings, "paddings");
        int rank = in.rank();
        ctx.requireShape(paddings, "paddings", rank, 2);
        long[] pads = values(paddings);
        int[] before = new int[rank];
        int[] expected = new int[rank];
        for (int d = 0; d < rank; d++) {
            long b = pads[2 * d];
            long a = pads[2 * d + 1];
            if (b < 0 || a < 0 || b > Integer.MAX_VALUE || a > Integer.MAX_VALUE) {
                throw ctx.fail("paddings row " + d + " is (" + b + ", " + a + "); paddings must be non-negative");
            }
            before[d] = (int) b;
            expected[d] = (int) Math.min(Integer.MAX_VALUE, b + a + in.dim(d));
        }
        if (!Arrays.equals(out.shape(), expected)) {
            throw ctx.fail("output " + out.describe() + " has shape " + Arrays.toString(out.shape())
                    + ", but input " + Arrays.toString(in.shape()) + " padded by " + Arrays.toString(pads)
                    + " gives " + Arrays.toString(expected));
        }
        byte padByte = 0;
        if (in.type().isQuantized8()) {
            ctx.requirePerTensor(out, "output");
            int zp = out.quantization().zeroPoint();
            int lo = in.type() == TensorType.UINT8 ? 0 : -128;
            if (zp < lo || zp > lo + 255) {
                throw ctx.fail("output zero point " + zp + " is outside the " + out.type() + " range");
            }
            padByte = (byte) Quant8.storedZeroPoint(out);
        }
        int elementBytes = in.type().bytes();
        int inner = rank == 0 ? 1 : in.dim(rank - 1);
        int rows = inner == 0 ? 0 : in.elementCount() / inner;
        // Output element offset of each input row's first element.
        int[] outStrides = new int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            outStrides[d] = s;
            s *= out.dim(d);
        }
        int[] rowStarts = new int[rows];
        int[] index = new int[Math.max(0, rank - 1)];
        for (int r = 0; r < rows; r++) {
            int off = rank == 0 ? 0 : before[rank - 1];
            for (int d = 0; d < rank - 1; d++) {
                off += (index[d] + before[d]) * outStrides[d];
            }
            rowStarts[r] = off * elementBytes;
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < in.dim(d)) {
                    break;
                }
                index[d] = 0;
            }
        }
        return new PadKernel(ctx.offset(in), ctx.offset(out), out.byteSize(), inner * elementBytes, rowStarts,
                padByte);
    }

    private static long[] values(Tensor t) {
        if (t.type() == TensorType.INT32) {
            int[] v = Quant8.int32s(t);
            long[] r = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = v[i];
            }
            return r;
        }
        byte[] d = t.data();
        long[] r = new long[d.length / 8];
        for (int i = 0; i < r.length; i++) {
            long v = 0;
            for (int k = 7; k >= 0; k--) {
                v = (v << 8) | (d[8 * i + k] & 0xFF);
            }
            r[i] = v;
        }
        return r;
    }

    /** Fills the output with the pad byte, then copies each input row to its place. */
    record PadKernel(int inOff, int outOff, int outBytes, int rowBytes, int[] rowStarts, byte padByte)
            implements Kernel {
        @Override
        public void eval(byte[] arena) {
            Arrays.fill(arena, outOff, outOff + outBytes, padByte);
            for (int r = 0; r < rowStarts.length; r++) {
                System.arraycopy(arena, inOff + r * rowBytes, arena, outOff + rowStarts[r], rowBytes);
            }
        }
    }
}
