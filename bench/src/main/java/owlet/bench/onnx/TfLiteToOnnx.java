package owlet.bench.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.Activation;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * Writes a quantized {@code .tflite} model, as Owlet's model reader loaded it, as an ONNX graph of
 * quantized operators (no QDQ pairs around float operators where a quantized operator exists), for
 * running the same network on ONNX Runtime as a speed reference. Not byte-exact with TensorFlow Lite:
 * ONNX Runtime requantizes in float; the point is the speed of an optimized runtime on the same graph.
 *
 * <ul>
 *   <li>CONV_2D: {@code QLinearConv}, weights OHWI → OIHW. DEPTHWISE_CONV_2D: {@code QLinearConv} with
 *       {@code group} = input channels, weights 1HWC → C1HW. Per-channel int8 weight scales become a
 *       1-D {@code w_scale} and a 1-D {@code w_zero_point}; per-tensor (uint8) ones stay scalars. The int32
 *       bias is passed as it is (its scale is input scale × weight scale, as in both formats).
 *   <li>ADD: {@code com.microsoft.QLinearAdd} (same shapes only).
 *   <li>AVERAGE_POOL_2D: {@code com.microsoft.QLinearAveragePool}, padded cells not counted (TFLite's
 *       rule). MEAN over height and width: {@code com.microsoft.QLinearGlobalAveragePool}.
 *   <li>RESHAPE: {@code Reshape}, with a {@code Transpose} to NHWC order around it when a 4-D side's
 *       bytes are not already in that order.
 *   <li>SOFTMAX: {@code DequantizeLinear → Softmax → QuantizeLinear} (beta folded into the dequantizing
 *       scale); QUANTIZE: {@code DequantizeLinear → QuantizeLinear}.
 *   <li>A fused activation is TFLite's quantized clamp ({@link Quant8#activationRange}, the rule Owlet's
 *       kernels use). Where it is narrower than the type's range it becomes a {@code Clip} on the 8-bit
 *       values (exact: a clamp of the stored values is what TFLite does); where it is not, nothing.
 * </ul>
 *
 * <p>4-D activations are NCHW in the ONNX graph, so the graph's input is the TFLite input transposed
 * ({@link #toNchw}); the output must not be 4-D (unless height and width are 1, where both orders agree).
 */
public final class TfLiteToOnnx {
    private final Model model;
    private final OnnxGraph graph;
    /** Tensors whose scale and zero point initializers exist. */
    private final Set<String> declared = new HashSet<>();
    /** Weights already written. */
    private final Set<String> weightsWritten = new HashSet<>();
    private int clips;

    /**
     * The converted model: the ONNX bytes, the names and NCHW shape of its input and output, and how many
     * nodes of each type it has and how many clamps became a Clip.
     */
    public record Converted(byte[] bytes, String input, long[] inputShape, String output, long[] outputShape,
                            Map<String, Integer> opCounts, int clips) {
    }

    private TfLiteToOnnx(Model model) {
        this.model = model;
        this.graph = new OnnxGraph(model.source());
    }

    /** Converts; an operator or type that the conversion does not cover is an {@link InvalidModelException}. */
    public static Converted convert(Model model) throws InvalidModelException {
        return new TfLiteToOnnx(model).run();
    }

    /** NHWC bytes (one image, {@code h × w × c}) as NCHW, the ONNX graph's input order. */
    public static byte[] toNchw(byte[] nhwc, int h, int w, int c) {
        byte[] nchw = new byte[nhwc.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    nchw[(ch * h + y) * w + x] = nhwc[(y * w + x) * c + ch];
                }
            }
        }
        return nchw;
    }

    private Converted run() throws InvalidModelException {
        if (model.inputs().length != 1 || model.outputs().length != 1) {
            throw new InvalidModelException(model.source() + ": the ONNX export takes one input and one output, not "
                    + model.inputs().length + " and " + model.outputs().length);
        }
        Tensor in = model.input(0);
        Tensor out = model.output(0);
        if (!in.type().isQuantized8() || in.rank() != 4) {
            throw new InvalidModelException(model.source() + ": input " + in.describe()
                    + ": the ONNX export needs a 4-D uint8 or int8 input");
        }
        if (!out.type().isQuantized8() || out.rank() == 4 && out.dim(1) * out.dim(2) != 1) {
            throw new InvalidModelException(model.source() + ": output " + out.describe()
                    + ": the ONNX export needs an 8-bit output that is not a 4-D map (NCHW would reorder it)");
        }
        graph.input(name(in), onnxType(in), dims(in));
        for (Operator op : model.operators()) {
            convert(op);
        }
        graph.output(name(out), onnxType(out), dims(out));
        return new Converted(graph.toModel("owlet.bench TfLiteToOnnx"), name(in), dims(in), name(out), dims(out),
                graph.opCounts(), clips);
    }

    private void convert(Operator op) throws InvalidModelException {
        if (op.op() == null) {
            throw unsupported(op);
        }
        switch (op.op()) {
            case CONV_2D -> conv(op, (OperatorOptions.Conv2D) op.options());
            case DEPTHWISE_CONV_2D -> depthwise(op, (OperatorOptions.DepthwiseConv2D) op.options());
            case ADD -> add(op, (OperatorOptions.Elementwise) op.options());
            case AVERAGE_POOL_2D -> averagePool(op, (OperatorOptions.Pool2D) op.options());
            case MEAN -> mean(op, (OperatorOptions.Reducer) op.options());
            case RESHAPE -> reshape(op);
            case SOFTMAX -> softmax(op, (OperatorOptions.Softmax) op.options());
            case QUANTIZE -> quantize(op);
            default -> throw unsupported(op);
        }
    }

    private void conv(Operator op, OperatorOptions.Conv2D o) throws InvalidModelException {
        Tensor x = activation8(op, 0);
        Tensor w = weights(op);
        Tensor y = tensor(op.outputs()[0]);
        int outC = w.dim(0);
        int kh = w.dim(1);
        int kw = w.dim(2);
        int inC = w.dim(3);
        byte[] src = w.data();
        byte[] oihw = new byte[src.length];
        for (int oc = 0; oc < outC; oc++) {
            for (int ic = 0; ic < inC; ic++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        oihw[((oc * inC + ic) * kh + ky) * kw + kx] = src[((oc * kh + ky) * kw + kx) * inC + ic];
                    }
                }
            }
        }
        qlinearConv(op, o.activation(), x, w, oihw, new long[] {outC, inC, kh, kw}, 0, y, 1,
                o.padding(), o.strideH(), o.strideW(), o.dilationH(), o.dilationW());
    }

    private void depthwise(Operator op, OperatorOptions.DepthwiseConv2D o) throws InvalidModelException {
        Tensor x = activation8(op, 0);
        Tensor w = weights(op);
        Tensor y = tensor(op.outputs()[0]);
        int kh = w.dim(1);
        int kw = w.dim(2);
        int channels = w.dim(3);
        byte[] src = w.data();
        byte[] c1hw = new byte[src.length];
        for (int c = 0; c < channels; c++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    c1hw[(c * kh + ky) * kw + kx] = src[(ky * kw + kx) * channels + c];
                }
            }
        }
        qlinearConv(op, o.activation(), x, w, c1hw, new long[] {channels, 1, kh, kw}, 3, y, x.dim(3),
                o.padding(), o.strideH(), o.strideW(), o.dilationH(), o.dilationW());
    }

    /**
     * QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp[, B]); {@code channelDim} is the
     * TFLite weight dimension a per-channel quantization must run along.
     */
    private void qlinearConv(Operator op, Activation activation, Tensor x, Tensor w, byte[] weights, long[] wDims,
            int channelDim, Tensor y, int group, Padding padding, int strideH, int strideW, int dilationH,
            int dilationW) throws InvalidModelException {
        Quantization q = w.quantization();
        int outC = (int) wDims[0];
        String wName = name(w);
        if (!weightsWritten.add(wName)) {
            throw new InvalidModelException(op.describe() + ": filter " + w.describe()
                    + " is shared with another operator, which the ONNX export does not cover");
        }
        graph.initializer(wName, onnxType(w), wDims, weights);
        if (q.isPerChannel()) {
            if (q.quantizedDimension() != channelDim || q.scales().length != outC || q.zeroPoints().length != outC) {
                throw new InvalidModelException(op.describe() + ": filter " + w.describe() + " has "
                        + q.scales().length + " scales along dimension " + q.quantizedDimension() + ", expected "
                        + outC + " along " + channelDim);
            }
            graph.initializer(wName + ".scale", OnnxGraph.FLOAT, new long[] {outC}, floats(q.scales()));
            byte[] zps = new byte[outC];
            for (int c = 0; c < outC; c++) {
                zps[c] = (byte) q.zeroPoints()[c];
            }
            graph.initializer(wName + ".zp", onnxType(w), new long[] {outC}, zps);
        } else {
            declareQuantization(w);
        }
        List<String> inputs = new ArrayList<>(List.of(name(x), scale(x), zeroPoint(x), wName,
                wName + ".scale", wName + ".zp", scale(y), zeroPoint(y)));
        if (op.inputs().length > 2 && op.inputs()[2] >= 0) {
            Tensor b = tensor(op.inputs()[2]);
            if (b.type() != TensorType.INT32 || !b.isConstant() || b.elementCount() != outC) {
                throw new InvalidModelException(op.describe() + ": bias " + b.describe()
                        + ": the ONNX export needs a constant INT32[" + outC + "]");
            }
            graph.initializer(name(b), OnnxGraph.INT32, new long[] {outC}, b.data());
            inputs.add(name(b));
        }
        int kh = (int) wDims[2];
        int kw = (int) wDims[3];
        graph.node("QLinearConv", "", inputs, List.of(clampedOutput(op, activation, y)))
                .ints("kernel_shape", kh, kw)
                .ints("strides", strideH, strideW)
                .ints("dilations", dilationH, dilationW)
                .ints("pads", pads(padding, x, y, kh, kw, strideH, strideW, dilationH, dilationW))
                .i("group", group);
        clamp(op, activation, y);
    }

    private void add(Operator op, OperatorOptions.Elementwise o) throws InvalidModelException {
        Tensor a = activation8(op, 0);
        Tensor b = activation8(op, 1);
        Tensor y = tensor(op.outputs()[0]);
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new InvalidModelException(op.describe() + ": " + a.describe() + " + " + b.describe()
                    + ": the ONNX export adds equal shapes only (NCHW would broadcast differently)");
        }
        graph.node("QLinearAdd", OnnxGraph.MICROSOFT, List.of(name(a), scale(a), zeroPoint(a), name(b), scale(b),
                zeroPoint(b), scale(y), zeroPoint(y)), List.of(clampedOutput(op, o.activation(), y)));
        clamp(op, o.activation(), y);
    }

    private void averagePool(Operator op, OperatorOptions.Pool2D o) throws InvalidModelException {
        Tensor x = activation8(op, 0);
        Tensor y = tensor(op.outputs()[0]);
        graph.node("QLinearAveragePool", OnnxGraph.MICROSOFT,
                        List.of(name(x), scale(x), zeroPoint(x), scale(y), zeroPoint(y)),
                        List.of(clampedOutput(op, o.activation(), y)))
                .ints("kernel_shape", o.filterHeight(), o.filterWidth())
                .ints("strides", o.strideH(), o.strideW())
                .ints("pads", pads(o.padding(), x, y, o.filterHeight(), o.filterWidth(), o.strideH(), o.strideW(), 1, 1))
                .i("count_include_pad", 0);
        clamp(op, o.activation(), y);
    }

    /** MEAN over height and width of a 4-D activation: a global average pool. */
    private void mean(Operator op, OperatorOptions.Reducer o) throws InvalidModelException {
        Tensor x = activation8(op, 0);
        Tensor axes = tensor(op.inputs()[1]);
        Tensor y = tensor(op.outputs()[0]);
        Set<Integer> axisSet = new HashSet<>();
        if (axes.isConstant() && axes.type() == TensorType.INT32 && x.rank() == 4) {
            for (int a : Quant8.int32s(axes)) {
                axisSet.add(a < 0 ? a + 4 : a);
            }
        }
        if (!axisSet.equals(Set.of(1, 2))) {
            throw new InvalidModelException(op.describe() + ": the ONNX export takes MEAN over height and width"
                    + " of a 4-D tensor only (axes " + axes.describe() + ")");
        }
        String pooled = o.keepDims() ? name(y) : local(op, "pooled");
        graph.node("QLinearGlobalAveragePool", OnnxGraph.MICROSOFT,
                List.of(name(x), scale(x), zeroPoint(x), scale(y), zeroPoint(y)), List.of(pooled))
                .i("channels_last", 0);
        if (!o.keepDims()) {
            graph.node("Reshape", "", List.of(pooled, shape(y)), List.of(name(y)));
        }
    }

    private void reshape(Operator op) throws InvalidModelException {
        Tensor x = activation8(op, 0);
        Tensor y = tensor(op.outputs()[0]);
        String from = name(x);
        if (reordered(x)) {
            from = local(op, "in_nhwc");
            graph.node("Transpose", "", List.of(name(x)), List.of(from)).ints("perm", 0, 2, 3, 1);
        }
        if (reordered(y)) {
            String nhwc = local(op, "out_nhwc");
            graph.node("Reshape", "", List.of(from, constantShape(y.shape(), nhwc + ".shape")), List.of(nhwc));
            graph.node("Transpose", "", List.of(nhwc), List.of(name(y))).ints("perm", 0, 3, 1, 2);
        } else {
            graph.node("Reshape", "", List.of(from, shape(y)), List.of(name(y)));
        }
    }

    private void softmax(Operator op, OperatorOptions.Softmax o) throws InvalidModelException {
        Tensor x = activation8(op, 0);
        Tensor y = tensor(op.outputs()[0]);
        String xScale = scale(x);
        if (o.beta() != 1f) {
            xScale = local(op, "scale_beta");
            graph.initializer(xScale, OnnxGraph.FLOAT, new long[0], floats(new float[] {x.quantization().scale() * o.beta()}));
        }
        String real = local(op, "in");
        graph.node("DequantizeLinear", "", List.of(name(x), xScale, zeroPoint(x)), List.of(real));
        graph.node("Softmax", "", List.of(real), List.of(local(op, "out")))
                .i("axis", x.rank() == 4 ? 1 : x.rank() - 1);
        graph.node("QuantizeLinear", "", List.of(local(op, "out"), scale(y), zeroPoint(y)), List.of(name(y)));
    }

    private void quantize(Operator op) throws InvalidModelException {
        Tensor x = tensor(op.inputs()[0]);
        Tensor y = tensor(op.outputs()[0]);
        if (!y.type().isQuantized8()) {
            throw new InvalidModelException(op.describe() + ": output " + y.describe() + " is not 8-bit");
        }
        String real = name(x);
        if (x.type().isQuantized8()) {
            real = local(op, "in");
            graph.node("DequantizeLinear", "", List.of(name(x), scale(x), zeroPoint(x)), List.of(real));
        } else if (x.type() != TensorType.FLOAT32) {
            throw new InvalidModelException(op.describe() + ": input " + x.describe() + " is neither 8-bit nor float");
        }
        graph.node("QuantizeLinear", "", List.of(real, scale(y), zeroPoint(y)), List.of(name(y)));
    }

    /**
     * The name the operator's node writes: the output's own, or, when its fused activation clamps more
     * than the type does, a name that {@link #clamp} then clips into the output.
     */
    private String clampedOutput(Operator op, Activation activation, Tensor y) throws InvalidModelException {
        return clampRange(op, activation, y) == null ? name(y) : name(y) + ".unclamped";
    }

    private void clamp(Operator op, Activation activation, Tensor y) throws InvalidModelException {
        int[] range = clampRange(op, activation, y);
        if (range == null) {
            return;
        }
        String lo = name(y) + ".clip_min";
        String hi = name(y) + ".clip_max";
        graph.initializer(lo, onnxType(y), new long[0], new byte[] {(byte) range[0]});
        graph.initializer(hi, onnxType(y), new long[0], new byte[] {(byte) range[1]});
        graph.node("Clip", "", List.of(name(y) + ".unclamped", lo, hi), List.of(name(y)));
        clips++;
    }

    /** TFLite's clamp of the fused activation in stored values, or null when it is the type's whole range. */
    private int[] clampRange(Operator op, Activation activation, Tensor y) throws InvalidModelException {
        if (!y.type().isQuantized8()) {
            throw new InvalidModelException(op.describe() + ": output " + y.describe() + " is not 8-bit");
        }
        int[] shifted = Quant8.activationRange(new OpContext(model.tensors(), op, null), activation, y);
        int lo = shifted[0] + Quant8.shift(y);
        int hi = shifted[1] + Quant8.shift(y);
        int qmin = y.type() == TensorType.UINT8 ? 0 : -128;
        return lo == qmin && hi == qmin + 255 ? null : new int[] {lo, hi};
    }

    /** ONNX pads [top, left, bottom, right]: TFLite's SAME puts the odd cell after (at the bottom/right). */
    private static long[] pads(Padding padding, Tensor x, Tensor y, int kh, int kw, int strideH, int strideW,
            int dilationH, int dilationW) {
        if (padding == Padding.VALID) {
            return new long[] {0, 0, 0, 0};
        }
        int th = Math.max((y.dim(1) - 1) * strideH + (kh - 1) * dilationH + 1 - x.dim(1), 0);
        int tw = Math.max((y.dim(2) - 1) * strideW + (kw - 1) * dilationW + 1 - x.dim(2), 0);
        return new long[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
    }

    /** Whether a tensor's ONNX (NCHW) bytes are in another order than TFLite's (NHWC). */
    private static boolean reordered(Tensor t) {
        return t.rank() == 4 && t.dim(1) * t.dim(2) != 1 && t.dim(3) != 1;
    }

    private Tensor activation8(Operator op, int input) throws InvalidModelException {
        Tensor t = tensor(op.inputs()[input]);
        if (!t.type().isQuantized8() || t.isConstant() || t.quantization().isPerChannel()) {
            throw new InvalidModelException(op.describe() + ": input " + input + " " + t.describe()
                    + ": the ONNX export needs a per-tensor quantized 8-bit activation");
        }
        return t;
    }

    private Tensor weights(Operator op) throws InvalidModelException {
        Tensor w = tensor(op.inputs()[1]);
        if (!w.type().isQuantized8() || !w.isConstant() || w.rank() != 4 || !w.quantization().isPresent()) {
            throw new InvalidModelException(op.describe() + ": filter " + w.describe()
                    + ": the ONNX export needs constant quantized 8-bit 4-D weights");
        }
        return w;
    }

    private Tensor tensor(int index) {
        return model.tensor(index);
    }

    /** The ONNX value of a TFLite tensor. */
    private static String name(Tensor t) {
        return "t" + t.index();
    }

    /** A value inside one operator's conversion: "op12.in". */
    private static String local(Operator op, String what) {
        return "op" + op.index() + "." + what;
    }

    private String scale(Tensor t) {
        declareQuantization(t);
        return name(t) + ".scale";
    }

    private String zeroPoint(Tensor t) {
        declareQuantization(t);
        return name(t) + ".zp";
    }

    /** The scalar scale and zero point initializers of a per-tensor quantized 8-bit tensor, once. */
    private void declareQuantization(Tensor t) {
        if (declared.add(name(t))) {
            graph.initializer(name(t) + ".scale", OnnxGraph.FLOAT, new long[0],
                    floats(new float[] {t.quantization().scale()}));
            graph.initializer(name(t) + ".zp", onnxType(t), new long[0], new byte[] {(byte) t.quantization().zeroPoint()});
        }
    }

    /** An int64 shape initializer holding the tensor's ONNX dims. */
    private String shape(Tensor t) {
        long[] d = dims(t);
        int[] shape = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            shape[i] = (int) d[i];
        }
        return constantShape(shape, name(t) + ".shape");
    }

    private String constantShape(int[] shape, String value) {
        ByteBuffer raw = ByteBuffer.allocate(8 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int d : shape) {
            raw.putLong(d);
        }
        graph.initializer(value, OnnxGraph.INT64, new long[] {shape.length}, raw.array());
        return value;
    }

    /** ONNX dims: a 4-D NHWC tensor as NCHW, others as they are. */
    private static long[] dims(Tensor t) {
        int[] s = t.shape();
        if (s.length == 4) {
            return new long[] {s[0], s[3], s[1], s[2]};
        }
        long[] d = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = s[i];
        }
        return d;
    }

    private static int onnxType(Tensor t) {
        return switch (t.type()) {
            case UINT8 -> OnnxGraph.UINT8;
            case INT8 -> OnnxGraph.INT8;
            case INT32 -> OnnxGraph.INT32;
            case FLOAT32 -> OnnxGraph.FLOAT;
            default -> throw new IllegalArgumentException(t.describe() + ": no ONNX type for " + t.type());
        };
    }

    private static byte[] floats(float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return raw.array();
    }

    private static InvalidModelException unsupported(Operator op) {
        return new InvalidModelException(op.describe() + ": not covered by the ONNX export (CONV_2D,"
                + " DEPTHWISE_CONV_2D, ADD, AVERAGE_POOL_2D, MEAN, RESHAPE, SOFTMAX, QUANTIZE)");
    }
}
