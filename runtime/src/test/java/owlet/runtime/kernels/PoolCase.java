package owlet.runtime.kernels;

import java.util.Random;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/** One AVERAGE_POOL_2D or MAX_POOL_2D op for the pool tests: geometry, quantization, input in original values. */
record PoolCase(TensorType type, int batches, int inH, int inW, int channels, int kh, int kw, int stride,
                Padding padding, Activation activation, float scale, int zeroPoint, int[] input) {

    int outH() {
        return TextbookOps.outSize(padding, inH, kh, stride, 1);
    }

    int outW() {
        return TextbookOps.outSize(padding, inW, kw, stride, 1);
    }

    int padTop() {
        return TextbookOps.padBefore(inH, kh, stride, 1, outH());
    }

    int padLeft() {
        return TextbookOps.padBefore(inW, kw, stride, 1, outW());
    }

    int inIndex(int b, int y, int x, int c) {
        return ((b * inH + y) * inW + x) * channels + c;
    }

    OperatorOptions.Pool2D options() {
        return new OperatorOptions.Pool2D(padding, stride, stride, kw, kh, activation);
    }

    String describe() {
        return type + " in " + batches + "x" + inH + "x" + inW + "x" + channels + " k=" + kh + "x" + kw + " stride "
                + stride + " " + padding + " " + activation + " scale " + scale + " zp " + zeroPoint;
    }

    /** Prepares and runs {@code op} on this case; returns the output in original values. */
    int[] run(BuiltinOp op) throws InvalidModelException {
        OpHarness h = new OpHarness();
        Quantization q = OpHarness.quant(scale, zeroPoint);
        int in = h.tensor(type, q, batches, inH, inW, channels);
        int out = h.tensor(type, q, batches, outH(), outW(), channels);
        Kernel k = h.prepare(op, options(), new int[] {in}, out);
        h.set8(in, input);
        h.run(k);
        return h.get8Ints(out);
    }

    /** Throws naming the first output that differs, with its coordinates. */
    void assertSame(int[] expected, int[] got, String label) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != got[i]) {
                int c = i % channels;
                int x = i / channels % outW();
                int y = i / channels / outW() % outH();
                int b = i / channels / outW() / outH();
                throw new AssertionError(label + " (" + describe() + "): output[" + b + "," + y + "," + x + "," + c
                        + "] = " + got[i] + ", textbook " + expected[i]);
            }
        }
    }

    /** A random case: odd and even sizes, stride 1 or 2, SAME or VALID, both types, any zero point. */
    static PoolCase random(Random r) {
        while (true) {
            TensorType t = r.nextBoolean() ? TensorType.UINT8 : TensorType.INT8;
            int inH = 1 + r.nextInt(9);
            int inW = 1 + r.nextInt(9);
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int stride = 1 + r.nextInt(2);
            Padding p = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            if (TextbookOps.outSize(p, inH, kh, stride, 1) < 1 || TextbookOps.outSize(p, inW, kw, stride, 1) < 1) {
                continue;
            }
            int batches = 1 + r.nextInt(2);
            int channels = 1 + r.nextInt(4);
            return new PoolCase(t, batches, inH, inW, channels, kh, kw, stride, p,
                    TextbookOps.ACTIVATIONS[r.nextInt(4)], TextbookOps.logUniform(r, 0.005, 0.2),
                    TextbookOps.randomZeroPoint(r, t), TextbookOps.randomValues(r, t, batches * inH * inW * channels));
        }
    }
}
