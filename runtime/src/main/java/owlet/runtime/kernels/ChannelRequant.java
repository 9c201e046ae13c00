package owlet.runtime.kernels;

import owlet.runtime.model.Activation;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.FixedPoint;
import owlet.runtime.quant.QuantizedMultiplier;

/**
 * The output stage of a quantized conv, depthwise conv or fully connected op, per output channel:
 * {@code clamp(M_c(acc + bias_c) + outZp)} with {@code M_c = inScale * filterScale_c / outScale} as a Q31
 * multiplier and shift (TFLite's PopulateConvolutionQuantizationParams, computed in double).
 * Per-tensor weights give the same multiplier to every channel.
 */
public final class ChannelRequant {
    final int[] bias;
    final int[] multiplier;
    final int[] shift;
    final int outZeroPoint;
    final int min;
    final int max;

    private ChannelRequant(int[] bias, int[] multiplier, int[] shift, int outZeroPoint, int min, int max) {
        this.bias = bias;
        this.multiplier = multiplier;
        this.shift = shift;
        this.outZeroPoint = outZeroPoint;
        this.min = min;
        this.max = max;
    }

    /**
     * Validates the quantization of a weighted op and computes its output stage.
     *
     * @param channelDim the filter dimension that indexes output channels (0 for conv and fully connected,
     *                   3 for depthwise)
     */
    public static ChannelRequant prepare(OpContext ctx, Tensor in, Tensor filter, Tensor bias, Tensor out,
                                         int channelDim, int channels, Activation activation)
            throws InvalidModelException {
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
        double inScale = in.quantization().scale();
        double outScale = out.quantization().scale();
        for (int c = 0; c < channels; c++) {
            double filterScale = fq.scales()[fq.isPerChannel() ? c : 0];
            QuantizedMultiplier qm = QuantizedMultiplier.of(inScale * filterScale / outScale);
            m[c] = qm.multiplier();
            s[c] = qm.shift();
        }
        int[] range = Quant8.activationRange(ctx, activation, out);
        return new ChannelRequant(b, m, s, Quant8.storedZeroPoint(out), range[0], range[1]);
    }

    /** bias, multiply (with the given rounding rule), add the output zero point, clamp. */
    public byte requantize(int acc, int c, boolean tiesUp) {
        int x = acc + bias[c];
        int v = tiesUp ? FixedPoint.multiplyByQuantizedMultiplierTiesUp(x, multiplier[c], shift[c])
                : FixedPoint.multiplyByQuantizedMultiplier(x, multiplier[c], shift[c]);
        v += outZeroPoint;
        return (byte) Math.max(min, Math.min(max, v));
    }
}
