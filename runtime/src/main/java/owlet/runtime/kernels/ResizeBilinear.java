package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;
import owlet.runtime.quant.Quant8;

/**
 * RESIZE_BILINEAR ({@link ResizeInput} gives the checks), per TFLite 2.18's builtin kernels. Per axis, in
 * float: {@code scale = (in - 1) / (float)(out - 1)} with align_corners (and {@code out > 1}), else
 * {@code in / (float) out}; the source coordinate {@code v = (i + 0.5f) · scale - 0.5f} with
 * half_pixel_centers, else {@code i · scale}; {@code i0 = max(floor(v), 0)}, {@code i1 = min(ceil(v), in - 1)}
 * (ComputeInterpolationValues). With {@code dy = y - y0}, {@code dx = x - x0} the four weights are
 * {@code (1-dy)(1-dx)}, {@code (1-dy)dx}, {@code dy(1-dx)}, {@code dy·dx}, each a float product.
 *
 * <p>uint8: TFLite's ResizeBilinearGenericSmallChannel on the original values,
 * {@code static_cast<uint8_t>(q00·w0 + q01·w1 + q10·w2 + q11·w3 + 0.5f)} summed left to right in float, the cast
 * truncating.
 *
 * <p>int8: TFLite's ResizeBilinearInteger, without floating point. Per axis, 10 fractional bits:
 * {@code scale = (2^10·in + out/2) / out} (with align_corners and {@code out > 1}:
 * {@code (2^10·(in-1) + (out-1)/2) / (out-1)}); {@code v = i·scale}, or {@code i·scale + scale/2 - 2^9} with
 * half_pixel_centers; {@code i0 = max(v / 2^10, 0)}, {@code i1 = min((v + 2^10 - 1) / 2^10, in - 1)} (C division,
 * toward zero). The four products {@code q·(2^10 - (v - 2^10·i0))·…} are summed in 64 bits (20 fractional bits)
 * and divided by 2^20 with ties away from zero ({@code ±2^19}, then truncation).
 *
 * <p>Quantization passes through unchanged (input and output must be quantized alike).
 *
 * <p>Float32: the same weighted sum without the 0.5. TFLite's optimized float kernel accumulates in another
 * order (and has a 2× special case), so float results can differ from TFLite's in the last bits.
 */
public final class ResizeBilinear {
    private ResizeBilinear() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ResizeInput r = ResizeInput.of(ctx);
        Axis rows = Axis.of(r.inH(), r.outH(), r);
        Axis cols = Axis.of(r.inW(), r.outW(), r);
        if (r.in().type() == TensorType.INT8) {
            return new IntegerKernel(ctx.offset(r.in()), ctx.offset(r.out()), r.batches(), r.inH(), r.inW(), r.depth(),
                    IntegerAxis.of(r.inH(), r.outH(), r), IntegerAxis.of(r.inW(), r.outW(), r));
        }
        boolean isFloat = r.in().type() == TensorType.FLOAT32;
        return new BilinearKernel(ctx.offset(r.in()), ctx.offset(r.out()), r.batches(), r.inH(), r.inW(), r.depth(),
                rows, cols, isFloat, Quant8.shift(r.in()));
    }

    /** Per output index: the two source indexes and the fractional position {@code v - i0}. */
    record Axis(int[] lower, int[] upper, float[] frac) {
        static Axis of(int in, int out, ResizeInput r) {
            float scale = r.alignCorners() && out > 1 ? (in - 1) / (float) (out - 1) : in / (float) out;
            int[] lower = new int[out];
            int[] upper = new int[out];
            float[] frac = new float[out];
            for (int i = 0; i < out; i++) {
                float v = r.halfPixelCenters() ? (i + 0.5f) * scale - 0.5f : i * scale;
                lower[i] = Math.max(CRound.truncate(Math.floor(v)), 0);
                upper[i] = Math.min(CRound.truncate(Math.ceil(v)), in - 1);
                frac[i] = v - lower[i];
            }
            return new Axis(lower, upper, frac);
        }
    }

    record BilinearKernel(int inOff, int outOff, int batches, int inH, int inW, int depth, Axis rows, Axis cols,
                          boolean isFloat, int shift) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            int o = 0;
            for (int b = 0; b < batches; b++) {
                for (int y = 0; y < rows.lower().length; y++) {
                    float dy = rows.frac()[y];
                    int r0 = (b * inH + rows.lower()[y]) * inW;
                    int r1 = (b * inH + rows.upper()[y]) * inW;
                    for (int x = 0; x < cols.lower().length; x++) {
                        float dx = cols.frac()[x];
                        float w0 = (1 - dy) * (1 - dx);
                        float w1 = (1 - dy) * dx;
                        float w2 = dy * (1 - dx);
                        float w3 = dy * dx;
                        int p00 = (r0 + cols.lower()[x]) * depth;
                        int p01 = (r0 + cols.upper()[x]) * depth;
                        int p10 = (r1 + cols.lower()[x]) * depth;
                        int p11 = (r1 + cols.upper()[x]) * depth;
                        for (int d = 0; d < depth; d++, o++) {
                            if (isFloat) {
                                float v = get(arena, p00 + d) * w0 + get(arena, p01 + d) * w1 + get(arena, p10 + d) * w2
                                        + get(arena, p11 + d) * w3;
                                ArenaFloats.setFloat(arena, outOff + 4 * o, v);
                            } else {
                                float v = q(arena, p00 + d) * w0 + q(arena, p01 + d) * w1 + q(arena, p10 + d) * w2
                                        + q(arena, p11 + d) * w3 + 0.5f;
                                int t = CRound.truncate(v);
                                // static_cast<uint8_t / int8_t>: the low byte of the truncated value.
                                arena[outOff + o] = (byte) (t - shift);
                            }
                        }
                    }
                }
            }
        }

        private float get(byte[] arena, int element) {
            return ArenaFloats.getFloat(arena, inOff + 4 * element);
        }

        /** The original 8-bit value. */
        private int q(byte[] arena, int element) {
            return arena[inOff + element] + shift;
        }
    }

    /** Per output index, int8 path: source indexes and the position {@code v} with 10 fractional bits. */
    record IntegerAxis(int[] lower, int[] upper, int[] scaled) {
        static IntegerAxis of(int in, int out, ResizeInput r) {
            int scale = ((1 << 10) * in + out / 2) / out;
            if (r.alignCorners() && out > 1) {
                scale = ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
            }
            int[] lower = new int[out];
            int[] upper = new int[out];
            int[] scaled = new int[out];
            for (int i = 0; i < out; i++) {
                int v = r.halfPixelCenters() ? i * scale + scale / 2 - (1 << 9) : i * scale;
                scaled[i] = v;
                lower[i] = Math.max(v / (1 << 10), 0);
                upper[i] = Math.min((v + (1 << 10) - 1) / (1 << 10), in - 1);
            }
            return new IntegerAxis(lower, upper, scaled);
        }
    }

    /** int8 kernel (stored values are the original ones). */
    record IntegerKernel(int inOff, int outOff, int batches, int inH, int inW, int depth, IntegerAxis rows,
                         IntegerAxis cols) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            int o = outOff;
            for (int b = 0; b < batches; b++) {
                for (int y = 0; y < rows.lower().length; y++) {
                    long fy = rows.scaled()[y] - (1L << 10) * rows.lower()[y];
                    int r0 = (b * inH + rows.lower()[y]) * inW;
                    int r1 = (b * inH + rows.upper()[y]) * inW;
                    for (int x = 0; x < cols.lower().length; x++) {
                        long fx = cols.scaled()[x] - (1L << 10) * cols.lower()[x];
                        int p00 = inOff + (r0 + cols.lower()[x]) * depth;
                        int p01 = inOff + (r0 + cols.upper()[x]) * depth;
                        int p10 = inOff + (r1 + cols.lower()[x]) * depth;
                        int p11 = inOff + (r1 + cols.upper()[x]) * depth;
                        for (int d = 0; d < depth; d++) {
                            long sum = arena[p00 + d] * ((1 << 10) - fy) * ((1 << 10) - fx)
                                    + arena[p10 + d] * fy * ((1 << 10) - fx)
                                    + arena[p01 + d] * ((1 << 10) - fy) * fx
                                    + arena[p11 + d] * fy * fx;
                            long round = sum > 0 ? 1L << 19 : -(1L << 19);
                            arena[o++] = (byte) ((sum + round) / (1L << 20));
                        }
                    }
                }
            }
        }
    }
}
