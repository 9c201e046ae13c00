package owlet.runtime.quant;

import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.Activation;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * The arena's 8-bit convention. Owlet stores every 8-bit quantized tensor as int8: a uint8 value
 * {@code q} with zero point {@code z} is held as {@code q - 128} with zero point {@code z - 128}. Every
 * quantized computation reads {@code q - z}, which this leaves unchanged, so one int8 kernel serves both
 * types with identical results. Where TFLite's uint8 and int8 kernels round differently (average pool,
 * softmax output, float-based requantization), the op class keeps the original type in a flag.
 */
public final class Quant8 {
    private Quant8() {
    }

    /** 128 for uint8 tensors (the shift between stored and original values), 0 otherwise. */
    public static int shift(Tensor t) {
        return t.type() == TensorType.UINT8 ? 128 : 0;
    }

    /** The zero point as stored in the arena. */
    public static int storedZeroPoint(Tensor t) {
        return t.quantization().zeroPoint() - shift(t);
    }

    /** A constant's bytes in arena form (uint8 flipped to int8). */
    public static byte[] storedBytes(Tensor t) {
        byte[] data = t.data().clone();
        if (t.type() == TensorType.UINT8) {
            for (int i = 0; i < data.length; i++) {
                data[i] ^= (byte) 0x80;
            }
        }
        return data;
    }

    /**
     * A quantized filter's weights minus their zero point, {@code weight - filterZp} (per-tensor zero
     * point; per-channel filters have zero point 0), in the filter's layout: what the conv, depthwise conv
     * and fully connected kernels multiply by.
     */
    public static short[] centeredWeights(Tensor filter) {
        byte[] weights = storedBytes(filter);
        int filterOffset = -storedZeroPoint(filter);
        short[] centered = new short[weights.length];
        for (int i = 0; i < weights.length; i++) {
            centered[i] = (short) (weights[i] + filterOffset);
        }
        return centered;
    }

    /** Little-endian int32 constant (biases). */
    public static int[] int32s(Tensor t) {
        byte[] d = t.data();
        int[] out = new int[d.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = (d[4 * i] & 0xFF) | (d[4 * i + 1] & 0xFF) << 8 | (d[4 * i + 2] & 0xFF) << 16 | d[4 * i + 3] << 24;
        }
        return out;
    }

    /** Little-endian float32 constant. */
    public static float[] floats(Tensor t) {
        int[] bits = int32s(t);
        float[] out = new float[bits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat(bits[i]);
        }
        return out;
    }

    /**
     * The clamp range of a fused activation on a quantized output, in stored form: TFLite's
     * CalculateActivationRangeQuantized, {@code zp + round(x / scale)} in float with ties away from zero,
     * intersected with the type's range.
     */
    public static int[] activationRange(OpContext ctx, Activation activation, Tensor out) throws InvalidModelException {
        int qmin = out.type() == TensorType.UINT8 ? 0 : -128;
        int qmax = out.type() == TensorType.UINT8 ? 255 : 127;
        int zp = out.quantization().zeroPoint();
        float scale = out.quantization().scale();
        int lo;
        int hi;
        switch (activation) {
            case NONE -> {
                lo = qmin;
                hi = qmax;
            }
            case RELU -> {
                lo = Math.max(qmin, zp);
                hi = qmax;
            }
            case RELU6 -> {
                lo = Math.max(qmin, zp);
                hi = Math.min(qmax, zp + roundHalfAway(6f / scale));
            }
            case RELU_N1_TO_1 -> {
                lo = Math.max(qmin, zp + roundHalfAway(-1f / scale));
                hi = Math.min(qmax, zp + roundHalfAway(1f / scale));
            }
            default -> throw ctx.fail("fused activation " + activation + " is not supported on quantized outputs");
        }
        int s = shift(out);
        return new int[] {lo - s, hi - s};
    }

    /** The clamp range of a fused activation on a float output. */
    public static float[] activationRangeFloat(OpContext ctx, Activation activation) throws InvalidModelException {
        return switch (activation) {
            case NONE -> new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
            case RELU -> new float[] {0f, Float.POSITIVE_INFINITY};
            case RELU6 -> new float[] {0f, 6f};
            case RELU_N1_TO_1 -> new float[] {-1f, 1f};
            default -> throw ctx.fail("fused activation " + activation + " is not supported");
        };
    }

    /** C's roundf: half away from zero. */
    public static int roundHalfAway(float x) {
        return (int) roundHalfAway((double) x);
    }

    /** C's round: half away from zero (exact: no {@code x + 0.5} that could itself round). */
    public static long roundHalfAway(double x) {
        double a = Math.abs(x);
        double f = Math.floor(a);
        double r = a - f >= 0.5 ? f + 1 : f;
        return (long) (x < 0 ? -r : r);
    }
}
