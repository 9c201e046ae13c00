package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Geometry;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.PartitionedKernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.QuantizedMultiplier;

class Conv2DTest {

    /** 1x3x3x1 input, 1x2x2x1 filter, VALID stride 1: each output is a 2x2 window sum weighted by the filter. */
    @Test
    void uint8ValidHandComputed() throws Exception {
        OpHarness h = new OpHarness();
        // input values q, zp 0, scale 1: real = q
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 3, 3, 1);
        // filter [Cout=1, KH=2, KW=2, Cin=1] = [[1,2],[3,4]], zp 0
        int w = h.constant(TensorType.UINT8, OpHarness.quant(1f, 0), new byte[] {1, 2, 3, 4}, 1, 2, 2, 1);
        int b = h.constantInts(new int[] {10}, 1);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 2, 2, 1);
        Kernel k = h.prepare(BuiltinOp.CONV_2D, conv(Padding.VALID, 1, Activation.NONE), new int[] {in, w, b}, out);
        h.set(in, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        h.run(k);
        // [1,2;4,5]·[1,2;3,4] = 1+4+12+20 = 37, +10 bias = 47; then 2+6+15+24 = 47+10 = 57; 4+10+21+32 = 67+10; 5+12+24+36 = 77+10
        assertArrayEquals(new byte[] {47, 57, 77, 87}, h.get8(out));
    }

    @Test
    void sameStride2OnEvenAndOddSizesMatchesTextbook() throws Exception {
        Random r = new Random(1);
        for (int size : new int[] {6, 7, 8, 9}) {
            checkRandom(r, TensorType.UINT8, size, size, 3, 4, 3, 3, 2, 2, Padding.SAME, 1, false);
            checkRandom(r, TensorType.INT8, size, size, 3, 4, 3, 3, 2, 2, Padding.SAME, 1, true);
        }
    }

    @Test
    void randomShapesMatchTextbook() throws Exception {
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            TensorType type = r.nextBoolean() ? TensorType.UINT8 : TensorType.INT8;
            int k = 1 + r.nextInt(3);
            checkRandom(r, type, 1 + r.nextInt(9), 1 + r.nextInt(9), 1 + r.nextInt(5), 1 + r.nextInt(6), k, 1 + r.nextInt(3),
                    1 + r.nextInt(2), 1 + r.nextInt(2), r.nextBoolean() ? Padding.SAME : Padding.VALID, 1 + r.nextInt(2),
                    type == TensorType.INT8 && r.nextBoolean());
        }
    }

    @Test
    void floatConvolution() throws Exception {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 2);
        int w = h.constantFloats(new float[] {1, 0, 0, 1, 0.5f, 0.5f, -1, 2}, 2, 1, 1, 2); // two 1x1 filters
        int b = h.constantFloats(new float[] {0, 1}, 2);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, 2, 2, 2);
        Kernel k = h.prepare(BuiltinOp.CONV_2D, conv(Padding.SAME, 1, Activation.RELU6), new int[] {in, w, b}, out);
        // filter 0 = [1,0] (first two), filter 1 = [0,1]; the rest belongs to the shape [2,1,1,2] only: 4 values
        h.setFloats(in, new float[] {1, 2, 3, 4, -5, 6, 7, 8});
        h.run(k);
        assertArrayEquals(new float[] {1, 3, 3, 5, 0, 6, 6, 6}, h.getFloats(out));
    }

    @Test
    void rejectsChannelMismatchWithPlace() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 4, 4, 3);
        int w = h.constant(TensorType.UINT8, OpHarness.quant(1f, 0), new byte[8 * 2], 8, 1, 1, 2);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 0), 1, 4, 4, 8);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONV_2D, conv(Padding.SAME, 1, Activation.NONE), new int[] {in, w, -1}, out));
        assertTrue(e.getMessage().startsWith("op #0 CONV_2D: filter has 2 input channels, input has 3"), e.getMessage());
    }

    @Test
    void rejectsWrongOutputShapeAndScaleCount() {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.INT8, OpHarness.quant(0.5f, -3), 1, 5, 5, 2);
        int w = h.constant(TensorType.INT8, OpHarness.perChannel(new float[] {0.1f, 0.2f, 0.3f}, 0), new byte[4 * 2 * 4],
                4, 2, 2, 2);
        int out = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 3, 3, 4);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONV_2D, conv(Padding.SAME, 2, Activation.NONE), new int[] {in, w, -1}, out));
        assertTrue(e.getMessage().contains("filter has 3 scales"), e.getMessage());
        int out2 = h.tensor(TensorType.INT8, OpHarness.quant(1f, 0), 1, 2, 2, 4);
        int w2 = h.constant(TensorType.INT8, OpHarness.quant(0.1f, 0), new byte[4 * 2 * 4], 4, 2, 2, 2);
        e = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.CONV_2D, conv(Padding.SAME, 2, Activation.NONE), new int[] {in, w2, -1}, out2));
        assertTrue(e.getMessage().contains("expected [1, 3, 3, 4]"), e.getMessage());
    }

    private static OperatorOptions.Conv2D conv(Padding p, int stride, Activation a) {
        return new OperatorOptions.Conv2D(p, stride, stride, a, 1, 1);
    }

    /** Builds a random conv, runs the kernel and compares every byte with {@link #textbook}. */
    private static void checkRandom(Random r, TensorType type, int inH, int inW, int inC, int outC, int kh, int kw,
                                    int sh, int sw, Padding padding, int dilation, boolean perChannel) throws Exception {
        boolean u8 = type == TensorType.UINT8;
        int lo = u8 ? 0 : -128;
        int inZp = lo + r.nextInt(256);
        int outZp = lo + r.nextInt(256);
        int wZp = u8 ? r.nextInt(256) : 0;
        float inScale = 0.01f + r.nextFloat() * 0.05f;
        float outScale = 0.05f + r.nextFloat() * 0.5f;
        float[] wScales = new float[perChannel ? outC : 1];
        for (int i = 0; i < wScales.length; i++) {
            wScales[i] = 0.001f + r.nextFloat() * 0.02f;
        }
        int outH = owlet.runtime.kernels.support.Geometry.outputSize(padding, inH, kh, sh, dilation);
        int outW = owlet.runtime.kernels.support.Geometry.outputSize(padding, inW, kw, sw, dilation);
        if (outH < 1 || outW < 1) {
            return;
        }
        byte[] input = new byte[inH * inW * inC];
        byte[] weights = new byte[outC * kh * kw * inC];
        int[] bias = new int[outC];
        r.nextBytes(input);
        r.nextBytes(weights);
        for (int i = 0; i < outC; i++) {
            bias[i] = r.nextInt(20000) - 10000;
        }
        OpHarness h = new OpHarness();
        int in = h.tensor(type, OpHarness.quant(inScale, inZp), 1, inH, inW, inC);
        Quantization wq = perChannel ? OpHarness.perChannel(wScales, 0) : OpHarness.quant(wScales[0], wZp);
        int w = h.constant(type, wq, weights, outC, kh, kw, inC);
        int b = h.constantInts(bias, outC);
        int out = h.tensor(type, OpHarness.quant(outScale, outZp), 1, outH, outW, outC);
        Activation act = r.nextBoolean() ? Activation.RELU6 : Activation.NONE;
        OperatorOptions.Conv2D options = new OperatorOptions.Conv2D(padding, sw, sh, act, dilation, dilation);
        Kernel k = h.prepare(BuiltinOp.CONV_2D, options, new int[] {in, w, b}, out);
        h.set(in, input);
        h.run(k);
        byte[] want = textbook(input, weights, bias, u8, inH, inW, inC, outC, kh, kw, sh, sw, dilation, outH, outW,
                inZp, wZp, outZp, inScale, wScales, outScale, act, padding);
        String what = type + " " + inH + "x" + inW + "x" + inC + " -> " + outC + " k" + kh + "x" + kw + " s" + sh + ","
                + sw + " d" + dilation + " " + padding;
        assertArrayEquals(want, h.get8(out), what);
        assertEquals(want.length, outH * outW * outC);
        // the scalar kernel (the reference, and what a one-shot runs) whatever Ops chose, split into parts
        int parts = 1 + r.nextInt(3);
        PartitionedKernel scalar = (PartitionedKernel) Conv2D.prepare(
                h.context(BuiltinOp.CONV_2D, options, new int[] {in, w, b}, new int[] {out}, parts), false);
        h.set(out, new byte[want.length]);
        for (int part = 0; part < parts; part++) {
            h.run(scalar, part, parts);
        }
        assertArrayEquals(want, h.get8(out), what + ", scalar kernel in " + parts + " parts");
    }

    /**
     * A patch longer than two of the scalar kernel's runs of taps summed in one long, most products 255·255,
     * so that the int32 sum wraps as {@link Conv2D#dot}'s does, over 9 output channels (a partial block of 8).
     * The bias brings the first pixel's sums back near 0 and the scales are 1, so an error of one in a
     * channel's sum changes its output byte.
     */
    @Test
    void scalarKernelSumsLongPatchesInRuns() throws Exception {
        int inC = 2 * Conv2D.QuantizedKernel.RUN + 10;
        int outC = 9;
        byte[] weights = new byte[outC * inC];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (i % 7 == 0 ? 255 : 0);
        }
        byte[] input = new byte[2 * inC];
        for (int i = inC; i < input.length; i++) {
            input[i] = (byte) (i % 3 == 0 ? 0 : 255);
        }
        int[] bias = new int[outC];
        for (int oc = 0; oc < outC; oc++) {
            long sum = 0;
            for (int ic = 0; ic < inC; ic++) {
                sum += (long) ((input[ic] & 0xFF) - 255) * ((weights[oc * inC + ic] & 0xFF) - 255);
            }
            assertTrue(sum > Integer.MAX_VALUE, "the int32 sum wraps");
            bias[oc] = -(int) sum + oc - 4;
        }
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 255), 1, 1, 2, inC);
        int w = h.constant(TensorType.UINT8, OpHarness.quant(1f, 255), weights, outC, 1, 1, inC);
        int b = h.constantInts(bias, outC);
        int out = h.tensor(TensorType.UINT8, OpHarness.quant(1f, 128), 1, 1, 2, outC);
        OperatorOptions.Conv2D options = conv(Padding.VALID, 1, Activation.NONE);
        PartitionedKernel k = (PartitionedKernel) Conv2D.prepare(
                h.context(BuiltinOp.CONV_2D, options, new int[] {in, w, b}, new int[] {out}, 1), false);
        h.set(in, input);
        h.run(k, 0, 1);
        byte[] want = textbook(input, weights, bias, true, 1, 2, inC, outC, 1, 1, 1, 1, 1, 1, 2, 255, 255, 128, 1f,
                new float[] {1f}, 1f, Activation.NONE, Padding.VALID);
        for (int oc = 0; oc < outC; oc++) {
            assertEquals(128 + oc - 4, want[oc] & 0xFF, "pixel 0 is not clamped");
        }
        assertArrayEquals(want, h.get8(out));
    }

    /** Straightforward conv on the original values, int8 per-channel rounding ties up, uint8 away from zero. */
    static byte[] textbook(byte[] input, byte[] weights, int[] bias, boolean u8, int inH, int inW, int inC, int outC,
                           int kh, int kw, int sh, int sw, int d, int outH, int outW, int inZp, int wZp, int outZp,
                           float inScale, float[] wScales, float outScale, Activation act, Padding padding) {
        int padT = Geometry.paddingBefore(inH, kh, sh, d, outH);
        int padL = Geometry.paddingBefore(inW, kw, sw, d, outW);
        int qmin = u8 ? 0 : -128;
        int qmax = u8 ? 255 : 127;
        int lo = act == Activation.RELU6 ? Math.max(qmin, outZp) : qmin;
        int hi = act == Activation.RELU6 ? Math.min(qmax, outZp + Math.round(6f / outScale)) : qmax;
        byte[] out = new byte[outH * outW * outC];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int oc = 0; oc < outC; oc++) {
                    long acc = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * sh - padT + ky * d;
                            int ix = ox * sw - padL + kx * d;
                            if (iy < 0 || ix < 0 || iy >= inH || ix >= inW) {
                                continue;
                            }
                            for (int ic = 0; ic < inC; ic++) {
                                int x = u8 ? input[(iy * inW + ix) * inC + ic] & 0xFF : input[(iy * inW + ix) * inC + ic];
                                int wv = weights[((oc * kh + ky) * kw + kx) * inC + ic];
                                wv = u8 ? wv & 0xFF : wv;
                                acc += (long) (x - inZp) * (wv - wZp);
                            }
                        }
                    }
                    float ws = wScales[wScales.length == 1 ? 0 : oc];
                    // uint8: TFLite's legacy multiplier rounds the scale product to float first
                    QuantizedMultiplier m = QuantizedMultiplier.of(u8 ? (double) (inScale * ws) / outScale
                            : (double) inScale * ws / outScale);
                    int x = (int) acc + bias[oc];
                    int v = u8 ? FixedPoint.multiplyByQuantizedMultiplier(x, m.multiplier(), m.shift())
                            : FixedPoint.multiplyByQuantizedMultiplierTiesUp(x, m.multiplier(), m.shift());
                    out[(oy * outW + ox) * outC + oc] = (byte) Math.max(lo, Math.min(hi, v + outZp));
                }
            }
        }
        return out;
    }
}
