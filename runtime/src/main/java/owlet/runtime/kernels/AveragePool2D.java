package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.FloatClamp;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.TensorType;

/**
 * AVERAGE_POOL_2D: {@code out[b,y,x,c] = act(mean of in[b, y*sh - pt + ky, x*sw - pl + kx, c])} over the
 * taps of the KH x KW window that fall inside the input; padding is not counted, so edge windows average
 * fewer values (TFLite's filter_count).
 *
 * <p>Layouts: input and output NHWC with the same channel count; input and output share their quantization
 * ({@link Pool2DWindow}).
 *
 * <p>Rounding (TFLite's reference and builtin kernels): the int32 sum of the original values is divided by
 * the tap count {@code n} with C++ division (truncating toward zero) after adding {@code n/2}: uint8 as
 * {@code (sum + n/2) / n}; int8 as {@code (sum + n/2) / n} when {@code sum > 0}, else
 * {@code (sum - n/2) / n} (ties away from zero). Because the arena holds uint8 values shifted by -128, the
 * uint8 kernel adds {@code 128·n} back before dividing; the sum of original uint8 values is never negative,
 * so the int8 rule then gives exactly the uint8 one. The fused activation clamps the result.
 *
 * <p>Float: the sum in window order from 0, divided by {@code n} in float, then the activation clamp.
 */
public final class AveragePool2D {
    private AveragePool2D() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        Pool2DWindow p = Pool2DWindow.prepare(ctx);
        if (p.type() == TensorType.FLOAT32) {
            return new FloatKernel(p.window(), p.floatMin(), p.floatMax());
        }
        return new QuantizedKernel(p.window(), p.shift(), p.min(), p.max());
    }

    /**
     * 8-bit kernel; {@code shift} is 128 for uint8 tensors, 0 for int8. A window's sums are taken a row of
     * channels at a time ({@link #CHUNK} channels at most), its taps in the outer loops: the loads run along
     * the input's rows rather than a channel's taps, one channel-stride apart (V2's 7×7×1280 pool took 67 µs
     * that way, see BENCHMARKS.md).
     */
    static final class QuantizedKernel implements Kernel {
        /** Channels summed at once: the sums are a working row of {@code 4·CHUNK} bytes. */
        static final int CHUNK = 1024;
        private final Window w;
        private final int shift;
        private final int min;
        private final int max;
        private final int[] sums;

        QuantizedKernel(Window w, int shift, int min, int max) {
            this.w = w;
            this.shift = shift;
            this.min = min;
            this.max = max;
            this.sums = new int[Math.min(w.inC(), CHUNK)];
        }

        @Override
        public void eval(byte[] arena) {
            Window g = w;
            int c = g.inC();
            int inRow = g.inW() * c;
            int inImage = g.inH() * inRow;
            int[] s = sums;
            int outPos = g.outOffset();
            for (int b = 0; b < g.batches(); b++) {
                int inBase = g.inOffset() + b * inImage;
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy0 = oy * g.strideH() - g.padTop();
                    int ky0 = Math.max(0, -iy0);
                    int ky1 = Math.min(g.kh(), g.inH() - iy0);
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int ix0 = ox * g.strideW() - g.padLeft();
                        int kx0 = Math.max(0, -ix0);
                        int kx1 = Math.min(g.kw(), g.inW() - ix0);
                        int n = (ky1 - ky0) * (kx1 - kx0);
                        for (int c0 = 0; c0 < c; c0 += CHUNK) {
                            int len = Math.min(CHUNK, c - c0);
                            Arrays.fill(s, 0, len, 0);
                            for (int ky = ky0; ky < ky1; ky++) {
                                for (int kx = kx0; kx < kx1; kx++) {
                                    int ip = inBase + (iy0 + ky) * inRow + (ix0 + kx) * c + c0;
                                    for (int ch = 0; ch < len; ch++) {
                                        s[ch] += arena[ip + ch];
                                    }
                                }
                            }
                            // Round on the original values: uint8 sums are >= 0, where both rules agree.
                            int offset = shift * n;
                            for (int ch = 0; ch < len; ch++) {
                                int total = s[ch] + offset;
                                int avg = (total > 0 ? total + n / 2 : total - n / 2) / n - shift;
                                arena[outPos + c0 + ch] = (byte) Math.max(min, Math.min(max, avg));
                            }
                        }
                        outPos += c;
                    }
                }
            }
        }
    }

    /** Float32 kernel. */
    static final class FloatKernel implements Kernel {
        private final Window w;
        private final float min;
        private final float max;

        FloatKernel(Window w, float min, float max) {
            this.w = w;
            this.min = min;
            this.max = max;
        }

        @Override
        public void eval(byte[] arena) {
            Window g = w;
            int c = g.inC();
            int inRow = g.inW() * c;
            int inImage = g.inH() * inRow;
            int outPos = g.outOffset();
            for (int b = 0; b < g.batches(); b++) {
                int inBase = g.inOffset() + 4 * b * inImage;
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy0 = oy * g.strideH() - g.padTop();
                    int ky0 = Math.max(0, -iy0);
                    int ky1 = Math.min(g.kh(), g.inH() - iy0);
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int ix0 = ox * g.strideW() - g.padLeft();
                        int kx0 = Math.max(0, -ix0);
                        int kx1 = Math.min(g.kw(), g.inW() - ix0);
                        int n = (ky1 - ky0) * (kx1 - kx0);
                        for (int ch = 0; ch < c; ch++) {
                            float sum = 0f;
                            for (int ky = ky0; ky < ky1; ky++) {
                                int ip = inBase + 4 * ((iy0 + ky) * inRow + (ix0 + kx0) * c + ch);
                                for (int kx = kx0; kx < kx1; kx++) {
                                    sum += ArenaFloats.getFloat(arena, ip);
                                    ip += 4 * c;
                                }
                            }
                            ArenaFloats.setFloat(arena, outPos, FloatClamp.apply(sum / n, min, max));
                            outPos += 4;
                        }
                    }
                }
            }
        }
    }
}
