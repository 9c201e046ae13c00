package owlet.runtime.kernels;

import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;

/**
 * The check of the copying ops (PACK, UNPACK, SPLIT, SPLIT_V): they move 8-bit values without rescaling, so
 * an 8-bit tensor they read and one they write must have the same scale and zero point, as TFLite requires of
 * its quantized PACK and UNPACK.
 */
final class SameQuantization {
    private SameQuantization() {
    }

    static void require(OpContext ctx, Tensor from, String fromRole, Tensor to, String toRole)
            throws InvalidModelException {
        if (!from.type().isQuantized8()) {
            return;
        }
        ctx.requirePerTensor(from, fromRole);
        ctx.requirePerTensor(to, toRole);
        if (from.quantization().scale() != to.quantization().scale()
                || from.quantization().zeroPoint() != to.quantization().zeroPoint()) {
            throw ctx.fail(toRole + " " + to.describe() + " is quantized (" + to.quantization().scale() + ", "
                    + to.quantization().zeroPoint() + ") unlike " + fromRole + " (" + from.quantization().scale()
                    + ", " + from.quantization().zeroPoint() + "); the op copies values without rescaling");
        }
    }
}
