package owlet.quantization.ptq;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Turns a quantized model into a float32 one with the same layers: every quantized constant becomes
 * {@code scale[c] * (q - zeroPoint[c])} along its quantized dimension (int8 and uint8 weights, and int32
 * biases, whose scale is {@code s_in * s_w[c]}); every 8-bit activation becomes float32 without
 * quantization; QUANTIZE and DEQUANTIZE operators are dropped, their output replaced by their input. The
 * result is float in, float out: an image classifier's input then takes {@code (x - 127.5) / 127.5},
 * which is what {@link owlet.runtime.api.Classifier} feeds a float input.
 */
public final class Dequantizer {
    private Dequantizer() {
    }

    public static Model dequantize(Model q, String name) {
        int n = q.tensors().size();
        // alias[t]: the tensor that stands for t once QUANTIZE and DEQUANTIZE are gone.
        int[] alias = new int[n];
        for (int t = 0; t < n; t++) {
            alias[t] = t;
        }
        for (Operator op : q.operators()) {
            if (op.op() == BuiltinOp.QUANTIZE || op.op() == BuiltinOp.DEQUANTIZE) {
                alias[op.outputs()[0]] = alias[op.inputs()[0]];
            }
        }
        ModelBuilder b = new ModelBuilder(name).description("float32 from " + q.source() + " by owlet dequantize");
        int[] index = new int[n];
        Arrays.fill(index, -1);
        for (Operator op : q.operators()) {
            if (op.op() == BuiltinOp.QUANTIZE || op.op() == BuiltinOp.DEQUANTIZE) {
                continue;
            }
            int[] in = new int[op.inputs().length];
            for (int k = 0; k < in.length; k++) {
                int t = op.inputs()[k];
                in[k] = t < 0 ? -1 : add(b, q, alias[t], index);
            }
            int[] out = new int[op.outputs().length];
            for (int k = 0; k < out.length; k++) {
                out[k] = add(b, q, op.outputs()[k], index);
            }
            if (op.op() == null) {
                throw new IllegalArgumentException(op.describe() + ": unknown operator");
            }
            b.operator(op.op(), op.options(), in, out);
        }
        int[] inputs = q.inputs();
        for (int k = 0; k < inputs.length; k++) {
            inputs[k] = add(b, q, alias[inputs[k]], index);
        }
        int[] outputs = q.outputs();
        for (int k = 0; k < outputs.length; k++) {
            outputs[k] = add(b, q, alias[outputs[k]], index);
        }
        return b.inputs(inputs).outputs(outputs).build();
    }

    private static int add(ModelBuilder b, Model q, int t, int[] index) {
        if (index[t] < 0) {
            Tensor x = q.tensor(t);
            if (!x.isConstant()) {
                index[t] = b.tensor(x.name(), x.type().isQuantized8() ? TensorType.FLOAT32 : x.type(), x.shape());
            } else if (x.quantization().isPresent() && (x.type().isQuantized8() || x.type() == TensorType.INT32)) {
                index[t] = b.tensor(x.name(), TensorType.FLOAT32, x.shape(), Quantization.NONE, floatBytes(x));
            } else {
                index[t] = b.tensor(x.name(), x.type(), x.shape(), x.quantization(), x.data());
            }
        }
        return index[t];
    }

    /** The real values of a quantized constant, as little-endian float32 bytes. */
    static byte[] floatBytes(Tensor x) {
        float[] v = realValues(x);
        ByteBuffer out = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            out.putFloat(f);
        }
        return out.array();
    }

    /** {@code scale[c] * (q - zeroPoint[c])} for every element, c its index along the quantized dimension. */
    static float[] realValues(Tensor x) {
        Quantization qp = x.quantization();
        int count = x.elementCount();
        // Elements per step of the quantized dimension, and its extent.
        int inner = 1;
        int channels = qp.isPerChannel() ? x.dim(qp.quantizedDimension()) : 1;
        if (qp.isPerChannel()) {
            for (int d = qp.quantizedDimension() + 1; d < x.rank(); d++) {
                inner *= x.dim(d);
            }
        }
        ByteBuffer data = ByteBuffer.wrap(x.data()).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            int c = (i / inner) % channels;
            long q = switch (x.type()) {
                case INT8 -> data.get(i);
                case UINT8 -> data.get(i) & 0xFF;
                case INT32 -> data.getInt(4 * i);
                default -> throw new IllegalArgumentException(x.describe() + ": cannot dequantize " + x.type());
            };
            out[i] = (float) (qp.scales()[c] * (double) (q - qp.zeroPoints()[c]));
        }
        return out;
    }
}
