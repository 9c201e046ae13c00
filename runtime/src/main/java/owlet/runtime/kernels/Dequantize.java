package owlet.runtime.kernels;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * DEQUANTIZE, uint8/int8 (per-tensor) to float32, elementwise over any shape: TFLite's
 * {@code (float)((double)scale · (x - zp))} on original values, an exact product rounded once to float.
 */
public final class Dequantize {
    private Dequantize() {
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(1, 1, 1);
        Tensor in = ctx.input(0);
        Tensor out = ctx.output(0);
        ctx.requireType(in, "input", TensorType.UINT8, TensorType.INT8);
        ctx.requireType(out, "output", TensorType.FLOAT32);
        ctx.requireShape(out, "output", in.shape());
        ctx.requirePerTensor(in, "input");
        double scale = in.quantization().scale();
        int zp = in.quantization().zeroPoint();
        return new Kernel8(in.elementCount(), ctx.offset(in), ctx.offset(out), scale, zp, Quant8.shift(in));
    }

    /** {@code inShift} maps stored to original values. */
    record Kernel8(int n, int inOff, int outOff, double scale, int zp, int inShift) implements Kernel {
        @Override
        public void eval(byte[] arena) {
            for (int i = 0; i < n; i++) {
                int x = arena[inOff + i] + inShift;
                ArenaFloats.setFloat(arena, outOff + 4 * i, (float) (scale * (x - zp)));
            }
        }
    }
}
