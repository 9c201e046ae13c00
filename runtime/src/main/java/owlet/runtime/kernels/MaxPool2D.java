package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.FloatClamp;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.TensorType;

/**
 * MAX_POOL_2D: {@code out[b,y,x,c] = act(max of in[b, y*sh - pt + ky, x*sw - pl + kx, c])} over the taps of
 * the KH x KW window that fall inside the input (padding never wins), as TFLite's reference kernel.
 *
 * <p>Layouts: input and output NHWC with the same channel count; input and output share their quantization
 * ({@link Pool2DWindow}), so the maximum is copied without requantization. The arena's uint8 shift preserves
 * order, so one int8 kernel serves both types; the fused activation clamps the result.
 *
 * <p>Float: the maximum starts from the lowest finite float and follows {@code std::max(max, tap)}, which
 * skips NaN taps, then the activation clamp.
 */
public final class MaxPool2D {
    private MaxPool2D() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        Pool2DWindow p = Pool2DWindow.prepare(ctx);
        if (p.type() == TensorType.FLOAT32) {
            return new FloatKernel(p.window(), p.floatMin(), p.floatMax());
        }
        return new QuantizedKernel(p.window(), p.min(), p.max());
    }

    /** 8-bit kernel on stored values. */
    static final class QuantizedKernel implements Kernel {
        private final Window w;
        private final int min;
        private final int max;

        QuantizedKernel(Window w, int min, int max) {
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
                int inBase = g.inOffset() + b * inImage;
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy0 = oy * g.strideH() - g.padTop();
                    int ky0 = Math.max(0, -iy0);
                    int ky1 = Math.min(g.kh(), g.inH() - iy0);
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int ix0 = ox * g.strideW() - g.padLeft();
                        int kx0 = Math.max(0, -ix0);
                        int kx1 = Math.min(g.kw(), g.inW() - ix0);
                        for (int ch = 0; ch < c; ch++) {
                            int m = Byte.MIN_VALUE;
                            for (int ky = ky0; ky < ky1; ky++) {
                                int ip = inBase + (iy0 + ky) * inRow + (ix0 + kx0) * c + ch;
                                for (int kx = kx0; kx < kx1; kx++) {
                                    m = Math.max(m, arena[ip]);
                                    ip += c;
                                }
                            }
                            arena[outPos++] = (byte) Math.max(min, Math.min(max, m));
                        }
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
                        for (int ch = 0; ch < c; ch++) {
                            float m = -Float.MAX_VALUE;
                            for (int ky = ky0; ky < ky1; ky++) {
                                int ip = inBase + 4 * ((iy0 + ky) * inRow + (ix0 + kx0) * c + ch);
                                for (int kx = kx0; kx < kx1; kx++) {
                                    float v = ArenaFloats.getFloat(arena, ip);
                                    m = m < v ? v : m;
                                    ip += 4 * c;
                                }
                            }
                            ArenaFloats.setFloat(arena, outPos, FloatClamp.apply(m, min, max));
                            outPos += 4;
                        }
                    }
                }
            }
        }
    }
}
