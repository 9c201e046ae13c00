package owlet.runtime.kernels;

import java.util.Random;
import owlet.runtime.model.Activation;
import owlet.runtime.model.Padding;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * The plain arithmetic the kernel tests compare against, written from TFLite's documented rules on original
 * (unshifted) values, independently of the kernels' own helpers (except {@link FixedPoint} and
 * {@link QuantizedMultiplier}, which have their own tests).
 */
final class TextbookOps {
    static final Activation[] ACTIVATIONS = {Activation.NONE, Activation.RELU, Activation.RELU6,
            Activation.RELU_N1_TO_1};

    private TextbookOps() {
    }

    /** Output extent: SAME = ceil(in / stride), VALID = ceil((in - effective + 1) / stride). */
    static int outSize(Padding p, int in, int k, int stride, int dilation) {
        int effective = (k - 1) * dilation + 1;
        int span = p == Padding.SAME ? in : in - effective + 1;
        return span <= 0 ? 0 : (span + stride - 1) / stride;
    }

    /** Padding before the first element: half the total, rounded down. */
    static int padBefore(int in, int k, int stride, int dilation, int out) {
        int effective = (k - 1) * dilation + 1;
        return Math.max(0, (out - 1) * stride + effective - in) / 2;
    }

    static int qmin(TensorType t) {
        return t == TensorType.UINT8 ? 0 : -128;
    }

    static int qmax(TensorType t) {
        return t == TensorType.UINT8 ? 255 : 127;
    }

    /** C's roundf, in double so that the 0.5 addition is exact. */
    static int roundf(float x) {
        double r = Math.floor(Math.abs((double) x) + 0.5);
        return (int) (x < 0 ? -r : r);
    }

    /** CalculateActivationRangeQuantized, original values: {lo, hi}. */
    static int[] activationRange(TensorType t, float scale, int zp, Activation a) {
        int lo = qmin(t);
        int hi = qmax(t);
        switch (a) {
            case RELU -> lo = Math.max(lo, zp + roundf(0f / scale));
            case RELU6 -> {
                lo = Math.max(lo, zp + roundf(0f / scale));
                hi = Math.min(hi, zp + roundf(6f / scale));
            }
            case RELU_N1_TO_1 -> {
                lo = Math.max(lo, zp + roundf(-1f / scale));
                hi = Math.min(hi, zp + roundf(1f / scale));
            }
            default -> {
            }
        }
        return new int[] {lo, hi};
    }

    static float[] activationRangeFloat(Activation a) {
        return switch (a) {
            case RELU -> new float[] {0f, Float.POSITIVE_INFINITY};
            case RELU6 -> new float[] {0f, 6f};
            case RELU_N1_TO_1 -> new float[] {-1f, 1f};
            default -> new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        };
    }

    /** std::min(std::max(x, lo), hi). */
    static float clampFloat(float x, float lo, float hi) {
        float t = x < lo ? lo : x;
        return hi < t ? hi : t;
    }

    /** TFLite's legacy per-tensor multiplier: the scale product is a float. */
    static QuantizedMultiplier legacyMultiplier(float in, float filter, float out) {
        float product = in * filter;
        return QuantizedMultiplier.of((double) product / (double) out);
    }

    /** TFLite's per-channel multiplier: all in double. */
    static QuantizedMultiplier channelMultiplier(float in, float filter, float out) {
        return QuantizedMultiplier.of((double) in * (double) filter / (double) out);
    }

    /** bias, multiply (ties away from zero), zero point, clamp; acc must fit an int as in TFLite. */
    static int requantize(long acc, QuantizedMultiplier m, int outZp, int lo, int hi) {
        if (acc != (int) acc) {
            throw new AssertionError("accumulator overflows int32: " + acc);
        }
        int v = FixedPoint.multiplyByQuantizedMultiplier((int) acc, m.multiplier(), m.shift()) + outZp;
        return Math.max(lo, Math.min(hi, v));
    }

    static int[] randomValues(Random r, TensorType t, int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = qmin(t) + r.nextInt(256);
        }
        return v;
    }

    /** Values within {@code spread} of {@code center}, clamped to the type's range. */
    static int[] randomValuesNear(Random r, TensorType t, int n, int center, int spread) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(qmin(t), Math.min(qmax(t), center + r.nextInt(2 * spread + 1) - spread));
        }
        return v;
    }

    static int randomZeroPoint(Random r, TensorType t) {
        return qmin(t) + r.nextInt(256);
    }

    /** Log-uniform in [lo, hi). */
    static float logUniform(Random r, double lo, double hi) {
        return (float) Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    static float[] randomFloats(Random r, int n, float range) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextFloat() * 2 - 1) * range;
        }
        return v;
    }
}
