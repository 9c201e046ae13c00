package owlet.quantization.ptq;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Post-training quantization of a float32 graph to TensorFlow Lite's int8 scheme, from calibrated
 * activation ranges. The result has the same tensors (same indices) and operators; only types and
 * quantization change, so it is a standard {@code .tflite} graph:
 *
 * <ul>
 *   <li>Filters of CONV_2D and DEPTHWISE_CONV_2D: int8, symmetric per output channel (quantized dimension
 *       0, resp. 3 for the depthwise {@code [1, H, W, C]} layout), zero point 0, scale {@code max|w| / 127},
 *       values rounded half away from zero into [-127, 127]. FULLY_CONNECTED filters: the same, per
 *       tensor (the converter's default for that op).</li>
 *   <li>Biases: int32, zero point 0, scale {@code s_in * s_w[c]} per channel.</li>
 *   <li>Activations, graph input and output included: int8, asymmetric per tensor. The range is widened to
 *       contain 0; scale {@code (max - min) / 255}; zero point {@code -128 - min / scale}, rounded and
 *       clamped to [-128, 127] (TFLite's nudging).</li>
 *   <li>A fused RELU or RELU6 narrows its output's range to [0, max] or [0, 6] before that.</li>
 *   <li>Operators that move values without computing (AVERAGE_POOL_2D, MAX_POOL_2D, RESHAPE, SQUEEZE,
 *       PAD) give their output the input's parameters; CONCATENATION gives all its inputs and its output one
 *       set (TFLite's int8 kernels require both), covering the union of their ranges. Tied tensors are
 *       grouped with union-find, so chains of such operators share one set.</li>
 *   <li>SOFTMAX and LOGISTIC outputs: scale 1/256, zero point -128 (what TFLite's int8 kernels require).</li>
 *   <li>HARD_SWISH and MUL outputs, like those of ADD, from their calibrated ranges.</li>
 *   <li>Other float constants (operands of ADD and MUL, such as a hard sigmoid's 3 and 1/6): int8 asymmetric
 *       per tensor over their own values.</li>
 * </ul>
 *
 * <p>The graph input and output are int8, as TFLite's converter makes them with
 * {@code inference_input_type = inference_output_type = int8}: no QUANTIZE operators are added.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Quantization parameters of one 8-bit tensor. */
    public record Params(float scale, int zeroPoint) {
        Quantization quantization() {
            return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
        }
    }

    /** TFLite's asymmetric int8 parameters for real values in [min, max]. */
    public static Params asymmetric(float min, float max) {
        double lo = Math.min(min, 0.0);
        double hi = Math.max(max, 0.0);
        if (!(hi - lo > 1e-9)) {
            hi = lo + 1.0;
        }
        double scale = (hi - lo) / 255.0;
        float s = (float) scale;
        double zeroFromMin = -128 - lo / s;
        return new Params(s, (int) clamp(roundHalfAway(zeroFromMin), -128, 127));
    }

    public static Model quantize(Model f, Calibration ranges, String name) {
        int n = f.tensors().size();
        float[] lo = new float[n];
        float[] hi = new float[n];
        for (int t = 0; t < n; t++) {
            lo[t] = ranges.min(t);
            hi[t] = ranges.max(t);
        }
        // Narrow by fused activations, tie pass-through and concatenation tensors.
        int[] parent = new int[n];
        for (int t = 0; t < n; t++) {
            parent[t] = t;
        }
        boolean[] fixed256 = new boolean[n]; // SOFTMAX and LOGISTIC outputs: scale 1/256, zero point -128
        for (Operator op : f.operators()) {
            Activation act = activation(op.options());
            for (int t : op.outputs()) {
                if (act == Activation.RELU || act == Activation.RELU6) {
                    lo[t] = Math.max(lo[t], 0f);
                    hi[t] = Math.max(hi[t], 0f);
                }
                if (act == Activation.RELU6) {
                    hi[t] = Math.min(hi[t], 6f);
                    lo[t] = Math.min(lo[t], 6f);
                }
            }
            switch (op.op()) {
                case AVERAGE_POOL_2D, MAX_POOL_2D, RESHAPE, SQUEEZE, PAD -> union(parent, op.inputs()[0], op.outputs()[0]);
                case CONCATENATION -> {
                    for (int in : op.inputs()) {
                        union(parent, in, op.outputs()[0]);
                    }
                }
                case SOFTMAX, LOGISTIC -> fixed256[op.outputs()[0]] = true;
                default -> {
                }
            }
        }
        float[] groupLo = new float[n];
        float[] groupHi = new float[n];
        java.util.Arrays.fill(groupLo, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(groupHi, Float.NEGATIVE_INFINITY);
        for (int t = 0; t < n; t++) {
            if (!Float.isNaN(lo[t])) {
                int g = find(parent, t);
                groupLo[g] = Math.min(groupLo[g], lo[t]);
                groupHi[g] = Math.max(groupHi[g], hi[t]);
            }
        }
        Params[] params = new Params[n];
        for (int t = 0; t < n; t++) {
            int g = find(parent, t);
            if (fixed256[t]) {
                params[t] = new Params(1f / 256, -128);
            } else if (groupLo[g] <= groupHi[g]) {
                params[t] = asymmetric(groupLo[g], groupHi[g]);
            }
        }

        // Which constants are filters and biases, and of which operator.
        Operator[] filterOf = new Operator[n];
        Operator[] biasOf = new Operator[n];
        for (Operator op : f.operators()) {
            if (op.op() == BuiltinOp.CONV_2D || op.op() == BuiltinOp.DEPTHWISE_CONV_2D
                    || op.op() == BuiltinOp.FULLY_CONNECTED) {
                filterOf[op.inputs()[1]] = op;
                if (op.inputs().length > 2 && op.inputs()[2] >= 0) {
                    biasOf[op.inputs()[2]] = op;
                }
            }
        }

        ModelBuilder b = new ModelBuilder(name).description("int8 from " + f.source() + " by owlet quantize ("
                + ranges.method().label() + " ranges over " + ranges.count() + " inputs)");
        Quantization[] filterQ = new Quantization[n];
        for (int t = 0; t < n; t++) {
            Tensor x = f.tensor(t);
            String where = x.describe();
            if (x.type() != TensorType.FLOAT32) {
                b.tensor(x.name(), x.type(), x.shape(), x.quantization(), x.data());
            } else if (filterOf[t] != null) {
                int dim = filterOf[t].op() == BuiltinOp.DEPTHWISE_CONV_2D ? 3
                        : filterOf[t].op() == BuiltinOp.CONV_2D ? 0 : -1;
                Quantized q = symmetric(x, dim);
                filterQ[t] = q.quantization;
                b.tensor(x.name(), TensorType.INT8, x.shape(), q.quantization, q.data);
            } else if (biasOf[t] != null) {
                Operator op = biasOf[t];
                Params in = params[op.inputs()[0]];
                Quantization w = filterQ[op.inputs()[1]];
                if (in == null || w == null) {
                    throw new IllegalArgumentException(where + ": bias of " + op.describe()
                            + " before its input was calibrated or its filter quantized");
                }
                b.tensor(x.name(), TensorType.INT32, x.shape(), biasQuantization(in.scale(), w), bias(x, in.scale(), w));
            } else if (x.isConstant()) {
                float[] v = floats(x);
                float mn = Float.POSITIVE_INFINITY;
                float mx = Float.NEGATIVE_INFINITY;
                for (float y : v) {
                    mn = Math.min(mn, y);
                    mx = Math.max(mx, y);
                }
                Params p = asymmetric(mn, mx);
                byte[] q = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    q[i] = (byte) clamp(p.zeroPoint() + roundHalfAway(v[i] / p.scale()), -128, 127);
                }
                b.tensor(x.name(), TensorType.INT8, x.shape(), p.quantization(), q);
            } else {
                if (params[t] == null) {
                    throw new IllegalArgumentException(where + ": no calibrated range (never written on the calibration"
                            + " inputs?)");
                }
                b.tensor(x.name(), TensorType.INT8, x.shape(), params[t].quantization(), null);
            }
        }
        for (Operator op : f.operators()) {
            b.operator(op.op(), op.options(), op.inputs(), op.outputs());
        }
        return b.inputs(f.inputs()).outputs(f.outputs()).build();
    }

    private static Activation activation(OperatorOptions o) {
        if (o instanceof OperatorOptions.Conv2D c) {
            return c.activation();
        } else if (o instanceof OperatorOptions.DepthwiseConv2D c) {
            return c.activation();
        } else if (o instanceof OperatorOptions.FullyConnected c) {
            return c.activation();
        } else if (o instanceof OperatorOptions.Elementwise c) {
            return c.activation();
        } else if (o instanceof OperatorOptions.Pool2D c) {
            return c.activation();
        } else if (o instanceof OperatorOptions.Concatenation c) {
            return c.activation();
        }
        return Activation.NONE;
    }

    private static int find(int[] parent, int t) {
        while (parent[t] != t) {
            parent[t] = parent[parent[t]];
            t = parent[t];
        }
        return t;
    }

    private static void union(int[] parent, int a, int b) {
        parent[find(parent, a)] = find(parent, b);
    }

    private record Quantized(Quantization quantization, byte[] data) {
    }

    /** Symmetric int8 along {@code dim} (per tensor when dim is -1). */
    static Quantized symmetric(Tensor x, int dim) {
        float[] v = floats(x);
        int channels = dim < 0 ? 1 : x.dim(dim);
        int inner = 1;
        if (dim >= 0) {
            for (int d = dim + 1; d < x.rank(); d++) {
                inner *= x.dim(d);
            }
        }
        float[] maxAbs = new float[channels];
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(v[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            // An all-zero channel quantizes to zeros under any scale; 1 keeps the scale valid.
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / 127f : 1f;
        }
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % channels;
            q[i] = (byte) clamp(roundHalfAway(v[i] / scales[c]), -127, 127);
        }
        return new Quantized(new Quantization(scales, new long[channels], Math.max(dim, 0)), q);
    }

    private static Quantization biasQuantization(float inputScale, Quantization filter) {
        float[] s = new float[filter.scales().length];
        for (int c = 0; c < s.length; c++) {
            s[c] = (float) ((double) inputScale * filter.scales()[c]);
        }
        return new Quantization(s, new long[s.length], 0);
    }

    private static byte[] bias(Tensor x, float inputScale, Quantization filter) {
        float[] v = floats(x);
        Quantization q = biasQuantization(inputScale, filter);
        ByteBuffer out = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            float s = q.scales()[q.scales().length == 1 ? 0 : i];
            out.putInt((int) clamp(roundHalfAway((double) v[i] / s), Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        return out.array();
    }

    static float[] floats(Tensor x) {
        ByteBuffer d = ByteBuffer.wrap(x.data()).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[x.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = d.getFloat(4 * i);
        }
        return v;
    }

    /** C's round: half away from zero. */
    static long roundHalfAway(double x) {
        return (long) Math.signum(x) * (long) Math.floor(Math.abs(x) + 0.5);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
