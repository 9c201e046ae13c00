package owlet.runtime.quant;

import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * The float32 input of a hybrid ("dynamic-range") operator — CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED
 * with float32 activations and int8 weights — quantized to int8 at every inference, one scale (and for the
 * asymmetric form one zero point) per row, as TensorFlow Lite's hybrid kernels do before their integer
 * dot products. A row is a batch of a convolution's input, or a batch row ({@code depth} values) of a fully
 * connected one.
 *
 * <p>Symmetric (TFLite's SymmetricQuantizeFloats): {@code range = max(|min|, |max|)} in float; a row of
 * zeros (range 0) quantizes to zeros with scale 1; otherwise {@code scale = range / 127},
 * {@code q = clamp(round(x * (127 / range)), -127, 127)}, all in float, rounding half away from zero.
 *
 * <p>Asymmetric (TFLite's AsymmetricQuantizeFloats): {@code rmin = min(0, min)}, {@code rmax = max(0, max)};
 * if they are equal the row quantizes to zeros with scale 1 and zero point 0. Otherwise in double:
 * {@code scale = (rmax - rmin) / 255}, the zero point from the end of the range that gives the smaller
 * error ({@code -128 - rmin/scale} when {@code 128 + |rmin/scale| < 127 + |rmax/scale|}, else
 * {@code 127 - rmax/scale}), clamped to -128..127 and rounded half away from zero; the scale is then
 * narrowed to float, {@code inv = (float) (1.0 / scale)}, and {@code q = clamp(round(zp + x * inv), -128, 127)}
 * in float.
 *
 * <p>The int8 copy lives in the arena, in a scratch buffer the execution plan reserves for the operator's
 * step ({@link OpContext#scratchOffset()}); a context without one (unit-test harnesses) gets a buffer of its
 * own at prepare. Either way an inference allocates nothing. Non-finite inputs are not bit-matched with
 * TFLite (C++ leaves their conversion to int undefined).
 */
public final class HybridInput {
    private final int inOffset;
    private final int rows;
    private final int rowLength;
    private final boolean asymmetric;
    private final int offset;
    private final byte[] own;
    private final float[] scales;
    private final int[] zeroPoints;

    private HybridInput(int inOffset, int rows, int rowLength, boolean asymmetric, int offset, byte[] own) {
        this.inOffset = inOffset;
        this.rows = rows;
        this.rowLength = rowLength;
        this.asymmetric = asymmetric;
        this.offset = offset;
        this.own = own;
        this.scales = new float[rows];
        this.zeroPoints = new int[rows];
    }

    /** Whether an operator with this input and filter is hybrid: float32 activations, int8 weights. */
    public static boolean isHybrid(Tensor input, Tensor filter) {
        return input.type() == TensorType.FLOAT32 && filter.type() == TensorType.INT8;
    }

    /** Prepares the quantization of {@code in} (float32, in the arena) as {@code rows} equal rows. */
    public static HybridInput prepare(OpContext ctx, Tensor in, int rows, boolean asymmetric)
            throws InvalidModelException {
        int n = in.elementCount();
        if (rows <= 0 || n % rows != 0) {
            throw ctx.fail("input " + in.describe() + " does not split into " + rows + " rows");
        }
        int scratch = ctx.scratchOffset();
        if (scratch >= 0 && ctx.scratchBytes() < n) {
            throw ctx.fail("the planned scratch of " + ctx.scratchBytes() + " bytes cannot hold the " + n
                    + "-byte quantized input");
        }
        return scratch >= 0
                ? new HybridInput(ctx.offset(in), rows, n / rows, asymmetric, scratch, null)
                : new HybridInput(ctx.offset(in), rows, n / rows, asymmetric, 0, new byte[n]);
    }

    /** Quantizes every row of the float input into the int8 copy, recording each row's scale and zero point. */
    public void quantize(byte[] arena) {
        byte[] dst = bytes(arena);
        for (int r = 0; r < rows; r++) {
            int src = inOffset + 4 * r * rowLength;
            int to = offset + r * rowLength;
            if (asymmetric) {
                asymmetric(arena, src, rowLength, dst, to, scales, zeroPoints, r);
            } else {
                symmetric(arena, src, rowLength, dst, to, scales, r);
            }
        }
    }

    /** The array holding the int8 copy: the arena itself, or the buffer of a context without scratch. */
    public byte[] bytes(byte[] arena) {
        return own == null ? arena : own;
    }

    /** Where the int8 copy starts in {@link #bytes}; row {@code r} starts {@code r * rowLength} later. */
    public int offset() {
        return offset;
    }

    /** Row {@code r}'s scale after the last {@link #quantize}. */
    public float scale(int r) {
        return scales[r];
    }

    /** Row {@code r}'s zero point after the last {@link #quantize} (0 when symmetric). */
    public int zeroPoint(int r) {
        return zeroPoints[r];
    }

    /**
     * Symmetric quantization of the {@code n} little-endian floats at {@code src} in {@code from} into the
     * bytes at {@code to} in {@code dst}; the scale goes to {@code scales[row]}.
     */
    public static void symmetric(byte[] from, int src, int n, byte[] dst, int to, float[] scales, int row) {
        float min = ArenaFloats.getFloat(from, src);
        float max = min;
        for (int i = 1; i < n; i++) {
            float x = ArenaFloats.getFloat(from, src + 4 * i);
            min = x < min ? x : min;
            max = x > max ? x : max;
        }
        float range = Math.max(Math.abs(min), Math.abs(max));
        if (range == 0) {
            java.util.Arrays.fill(dst, to, to + n, (byte) 0);
            scales[row] = 1f;
            return;
        }
        scales[row] = range / 127f;
        float inv = 127f / range;
        for (int i = 0; i < n; i++) {
            int q = Quant8.roundHalfAway(ArenaFloats.getFloat(from, src + 4 * i) * inv);
            dst[to + i] = (byte) Math.min(127, Math.max(-127, q));
        }
    }

    /**
     * Asymmetric quantization of the {@code n} floats at {@code src} in {@code from} into the bytes at
     * {@code to} in {@code dst}; the scale goes to {@code scales[row]}, the zero point to
     * {@code zeroPoints[row]}.
     */
    public static void asymmetric(byte[] from, int src, int n, byte[] dst, int to, float[] scales,
                                  int[] zeroPoints, int row) {
        float min = ArenaFloats.getFloat(from, src);
        float max = min;
        for (int i = 1; i < n; i++) {
            float x = ArenaFloats.getFloat(from, src + 4 * i);
            min = x < min ? x : min;
            max = x > max ? x : max;
        }
        double rmin = Math.min(0.0, min);
        double rmax = Math.max(0.0, max);
        if (rmin == rmax) {
            java.util.Arrays.fill(dst, to, to + n, (byte) 0);
            scales[row] = 1f;
            zeroPoints[row] = 0;
            return;
        }
        double scale = (rmax - rmin) / 255.0;
        double fromMin = -128.0 - rmin / scale;
        double fromMax = 127.0 - rmax / scale;
        double errorFromMin = 128.0 + Math.abs(rmin / scale);
        double errorFromMax = 127.0 + Math.abs(rmax / scale);
        double zero = errorFromMin < errorFromMax ? fromMin : fromMax;
        int zp = zero <= -128.0 ? -128 : zero >= 127.0 ? 127 : (int) Quant8.roundHalfAway(zero);
        float fscale = (float) scale;
        float inv = (float) (1.0 / fscale);
        scales[row] = fscale;
        zeroPoints[row] = zp;
        for (int i = 0; i < n; i++) {
            int q = Quant8.roundHalfAway(zp + ArenaFloats.getFloat(from, src + 4 * i) * inv);
            dst[to + i] = (byte) Math.min(127, Math.max(-128, q));
        }
    }
}
