package owlet.runtime.kernels;

import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.CRound;

/**
 * RESIZE_NEAREST_NEIGHBOR ({@link ResizeInput} gives the checks): each output pixel copies the input pixel
 * chosen per axis as TFLite 2.18 chooses it.
 * <ul>
 * <li>8-bit without align_corners or half_pixel_centers: TFLite's optimized kernel, in 16-bit fixed point,
 *     {@code scale = (in << 16) / out + 1}, source {@code min((i · scale) >> 16, in - 1)};</li>
 * <li>otherwise TFLite's reference GetNearestNeighbor, in float: {@code scale = (in - 1) / (float)(out - 1)}
 *     with align_corners (and {@code out > 1}), else {@code in / (float) out}; offset 0.5 with
 *     half_pixel_centers; source {@code round((i + offset) · scale)} (half away from zero) with align_corners,
 *     else {@code floor((i + offset) · scale)}; at most {@code in - 1}, and at least 0 with
 *     half_pixel_centers.</li>
 * </ul>
 * Values are copied, so no arithmetic on them; float32 and 8-bit alike.
 */
public final class ResizeNearestNeighbor {
    private ResizeNearestNeighbor() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ResizeInput r = ResizeInput.of(ctx);
        boolean fixedPoint = r.in().type() != TensorType.FLOAT32 && !r.alignCorners() && !r.halfPixelCenters();
        int[] rows = new int[r.outH()];
        int[] cols = new int[r.outW()];
        for (int y = 0; y < r.outH(); y++) {
            rows[y] = fixedPoint ? fixedPointSource(y, r.inH(), r.outH()) : source(y, r.inH(), r.outH(), r);
        }
        for (int x = 0; x < r.outW(); x++) {
            cols[x] = fixedPoint ? fixedPointSource(x, r.inW(), r.outW()) : source(x, r.inW(), r.outW(), r);
        }
        int pixelBytes = r.depth() * r.in().type().bytes();
        return new NearestKernel(ctx.offset(r.in()), ctx.offset(r.out()), r.batches(), r.inH(), r.inW(), rows, cols,
                pixelBytes);
    }

    private static int fixedPointSource(int i, int in, int out) {
        int scale = (in << 16) / out + 1;
        return Math.min((int) (((long) i * scale) >> 16), in - 1);
    }

    private static int source(int i, int in, int out, ResizeInput r) {
        float scale = r.alignCorners() && out > 1 ? (in - 1) / (float) (out - 1) : in / (float) out;
        float offset = r.halfPixelCenters() ? 0.5f : 0f;
        float at = (i + offset) * scale;
        int v = Math.min(r.alignCorners() ? CRound.round(at) : CRound.truncate(Math.floor(at)), in - 1);
        return r.halfPixelCenters() ? Math.max(0, v) : v;
    }

    record NearestKernel(int inOff, int outOff, int batches, int inH, int inW, int[] rows, int[] cols, int pixelBytes)
            implements Kernel {
        @Override
        public void eval(byte[] arena) {
            int o = outOff;
            for (int b = 0; b < batches; b++) {
                int image = inOff + b * inH * inW * pixelBytes;
                for (int row : rows) {
                    int line = image + row * inW * pixelBytes;
                    for (int col : cols) {
                        System.arraycopy(arena, line + col * pixelBytes, arena, o, pixelBytes);
                        o += pixelBytes;
                    }
                }
            }
        }
    }
}
