package owlet.runtime.quant;

import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.Activation;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * The output stage of a quantized conv, depthwise conv or fully connected op, per output channel:
 * {@code clamp(M_c(acc + bias_c) + outZp)} with {@code M_c = inScale * filterScale_c / outScale} as a Q31
 * multiplier and shift.
 *
 * <p>TFLite computes {@code M_c} two ways, and the low bits differ for most layers of the uint8 MobileNets:
 * <ul>
 *   <li>{@link #prepare}: per channel, entirely in double (PopulateConvolutionQuantizationParams) — int8
 *       CONV_2D and DEPTHWISE_CONV_2D, and FULLY_CONNECTED with per-channel weights;</li>
 *   <li>{@link #prepareLegacy}: one multiplier, {@code (double) (inScale * filterScale) / outScale} with the
 *       product of the two scales rounded to float first (GetQuantizedConvolutionMultipler) — uint8 CONV_2D
 *       and DEPTHWISE_CONV_2D, and FULLY_CONNECTED with per-tensor weights.</li>
 * </ul>
 */
public final class ChannelRequant {
    final int[] bias;
    final int[] multiplier;
    final int[] shift;
    final int outZeroPoint;
    final int min;
    final int max;
    /** Whether ties round toward +infinity ({@link Rounding#TIES_UP}), else away from zero. */
    private final boolean tiesUp;

    // Per channel, from multiplier and shift: the two shifts, and the rounding constants of the final
    // division by 2^rightShift: mask = 2^e - 1 and half = mask >> 1.
    private final int[] leftShift;
    private final int[] rightShift;
    private final int[] mask;
    private final int[] half;

    private ChannelRequant(int[] bias, int[] multiplier, int[] shift, int outZeroPoint, int min, int max,
                           Rounding rounding) {
        this.bias = bias;
        this.multiplier = multiplier;
        this.shift = shift;
        this.outZeroPoint = outZeroPoint;
        this.min = min;
        this.max = max;
        this.tiesUp = rounding == Rounding.TIES_UP;
        int n = multiplier.length;
        this.leftShift = new int[n];
        this.rightShift = new int[n];
        this.mask = new int[n];
        this.half = new int[n];
        for (int c = 0; c < n; c++) {
            if (multiplier[c] < 0 || shift[c] > 31 || shift[c] < -31) {
                throw new IllegalArgumentException("multiplier " + multiplier[c] + " shift " + shift[c]
                        + " of channel " + c + " is not a Q31 multiplier");
            }
            leftShift[c] = Math.max(shift[c], 0);
            rightShift[c] = Math.max(-shift[c], 0);
            mask[c] = (1 << rightShift[c]) - 1;
            half[c] = mask[c] >> 1;
        }
    }

    /**
     * Validates the quantization of a weighted op and computes its output stage.
     *
     * @param channelDim the filter dimension that indexes output channels (0 for conv and fully connected,
     *                   3 for depthwise)
     * @param rounding   the op's rule for ties, fixed here for every call of the stage
     */
    public static ChannelRequant prepare(OpContext ctx, Tensor in, Tensor filter, Tensor bias, Tensor out,
                                         int channelDim, int channels, Activation activation, Rounding rounding)
            throws InvalidModelException {
        return prepare(ctx, in, filter, bias, out, channelDim, channels, activation, false, rounding);
    }

    /** The legacy single multiplier; the filter must be quantized per tensor. */
    public static ChannelRequant prepareLegacy(OpContext ctx, Tensor in, Tensor filter, Tensor bias, Tensor out,
                                               int channels, Activation activation, Rounding rounding)
            throws InvalidModelException {
        ctx.requirePerTensor(filter, "filter");
        return prepare(ctx, in, filter, bias, out, 0, channels, activation, true, rounding);
    }

    private static ChannelRequant prepare(OpContext ctx, Tensor in, Tensor filter, Tensor bias, Tensor out,
                                          int channelDim, int channels, Activation activation, boolean legacy,
                                          Rounding rounding) throws InvalidModelException {
        ctx.requirePerTensor(in, "input");
        ctx.requirePerTensor(out, "output");
        ctx.requireQuantized(filter, "filter");
        Quantization fq = filter.quantization();
        if (fq.isPerChannel()) {
            if (fq.quantizedDimension() != channelDim || fq.scales().length != channels) {
                throw ctx.fail("filter has " + fq.scales().length + " scales along dimension " + fq.quantizedDimension()
                        + ", expected " + channels + " along dimension " + channelDim);
            }
            for (long z : fq.zeroPoints()) {
                if (z != 0) {
                    throw ctx.fail("per-channel filter has zero point " + z + "; TFLite's int8 scheme requires 0");
                }
            }
        }
        int[] b = new int[channels];
        if (bias != null) {
            ctx.requireType(bias, "bias", TensorType.INT32);
            b = Quant8.int32s(bias);
        }
        int[] m = new int[channels];
        int[] s = new int[channels];
        float inScale = in.quantization().scale();
        float outScale = out.quantization().scale();
        for (int c = 0; c < channels; c++) {
            float filterScale = fq.scales()[fq.isPerChannel() ? c : 0];
            double real = legacy ? (double) (inScale * filterScale) / outScale
                    : (double) inScale * filterScale / outScale;
            if (!(real > 0) || Double.isInfinite(real)) {
                throw ctx.fail("scales give the output multiplier " + real + " for channel " + c
                        + "; it must be positive and finite");
            }
            QuantizedMultiplier qm = QuantizedMultiplier.of(real);
            m[c] = qm.multiplier();
            s[c] = qm.shift();
        }
        int[] range = Quant8.activationRange(ctx, activation, out);
        return new ChannelRequant(b, m, s, Quant8.storedZeroPoint(out), range[0], range[1], rounding);
    }

    /**
     * The same output stage with {@code extra[c]} added to each channel's bias: optimized kernels fold
     * constant accumulator terms (the input zero point times the weight sums) into the bias. int32
     * addition wraps, as the reference accumulator does, so the result is the same for every input.
     */
    public ChannelRequant withBiasAdded(int[] extra) {
        int[] b = bias.clone();
        for (int c = 0; c < b.length; c++) {
            b[c] += extra[c];
        }
        return new ChannelRequant(b, multiplier, shift, outZeroPoint, min, max, rounding());
    }

    /** Output channels. */
    public int channels() {
        return bias.length;
    }

    /** The rule for ties this stage was prepared with. */
    public Rounding rounding() {
        return tiesUp ? Rounding.TIES_UP : Rounding.TIES_AWAY_FROM_ZERO;
    }

    /** bias, multiply (with the stage's rounding rule), add the output zero point, clamp. */
    public byte requantize(int acc, int c) {
        int x = (acc + bias[c]) << leftShift[c];
        // The doubling high multiply, floor((x*M + 2^30) / 2^31): TFLite's nudge-and-truncate gives the
        // same for both signs (see FixedPoint); x*M cannot be MIN*MIN since M >= 0.
        int h = (int) (((long) x * multiplier[c] + (1L << 30)) >> 31);
        // Division by 2^e rounding to nearest: add one when the remainder exceeds half of 2^e, minus one
        // half-unit; ties round up, or away from zero (the threshold one higher for negative h).
        int e = rightShift[c];
        int threshold = half[c] + (tiesUp ? 0 : h >>> 31);
        int v = (h >> e) + ((h & mask[c]) > threshold ? 1 : 0);
        v += outZeroPoint;
        return (byte) Math.max(min, Math.min(max, v));
    }

    public int bias(int c) {
        return bias[c];
    }

    /** The Q31 multiplier of channel {@code c}, in [0, 2^31). */
    public int multiplier(int c) {
        return multiplier[c];
    }

    public int leftShift(int c) {
        return leftShift[c];
    }

    public int rightShift(int c) {
        return rightShift[c];
    }

    public int outZeroPoint() {
        return outZeroPoint;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    /** The output stage computed with {@link FixedPoint}'s reference functions: the oracle for tests. */
    byte requantizeReference(int acc, int c) {
        int x = acc + bias[c];
        int v = tiesUp ? FixedPoint.multiplyByQuantizedMultiplierTiesUp(x, multiplier[c], shift[c])
                : FixedPoint.multiplyByQuantizedMultiplier(x, multiplier[c], shift[c]);
        v += outZeroPoint;
        return (byte) Math.max(min, Math.min(max, v));
    }

    /** An output stage from raw parameters (tests and benchmarks; op classes use {@link #prepare}). */
    public static ChannelRequant of(int[] bias, int[] multiplier, int[] shift, int outZeroPoint, int min, int max,
                                    Rounding rounding) {
        return new ChannelRequant(bias, multiplier, shift, outZeroPoint, min, max, rounding);
    }
}
