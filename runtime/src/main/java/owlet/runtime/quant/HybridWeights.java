package owlet.runtime.quant;

import java.util.Arrays;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;

/**
 * The int8 weights of a hybrid operator (float32 activations): the weights as the integer kernels multiply
 * them, and one float scale per output channel. TFLite's hybrid kernels take the weights as symmetric: a
 * zero point other than 0 is ignored there, so Owlet refuses it.
 *
 * @param weights  the weights, in the filter's layout
 * @param scales     the scale of each output channel (a per-tensor scale repeated)
 * @param perChannel whether the file lists one scale per channel rather than one for the tensor
 * @param distinct   whether the scales differ between channels (TFLite's CONV_2D picks its per-channel
 *                   hybrid kernel by this, not by how many scales the file lists)
 */
public record HybridWeights(short[] weights, float[] scales, boolean perChannel, boolean distinct) {

    /**
     * Validates {@code filter} as the int8 weights of a hybrid operator with {@code channels} output
     * channels along dimension {@code channelDim}: quantized, zero points 0, one scale or one per channel
     * along that dimension, every scale positive and finite. Errors name the operator and the field.
     */
    public static HybridWeights prepare(OpContext ctx, Tensor filter, int channelDim) throws InvalidModelException {
        ctx.requireQuantized(filter, "int8 filter");
        Quantization q = filter.quantization();
        int channels = filter.dim(channelDim);
        float[] s = q.scales();
        if (s.length != 1 && (s.length != channels || q.quantizedDimension() != channelDim)) {
            throw ctx.fail("int8 filter " + filter.describe() + " has " + s.length
                    + " scales along quantized_dimension " + q.quantizedDimension() + ", expected 1 or "
                    + channels + " along dimension " + channelDim);
        }
        for (float scale : s) {
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw ctx.fail("int8 filter " + filter.describe() + " has scale " + scale
                        + ", not a positive finite number");
            }
        }
        for (long z : q.zeroPoints()) {
            if (z != 0) {
                throw ctx.fail("int8 filter " + filter.describe() + " has zero point " + z
                        + "; TFLite's hybrid kernels take int8 weights as symmetric (zero point 0)");
            }
        }
        float[] scales = s.length == 1 ? filledWith(channels, s[0]) : s.clone();
        boolean distinct = false;
        for (float scale : s) {
            distinct |= scale != s[0];
        }
        return new HybridWeights(Quant8.centeredWeights(filter), scales, s.length > 1, distinct);
    }

    private static float[] filledWith(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
