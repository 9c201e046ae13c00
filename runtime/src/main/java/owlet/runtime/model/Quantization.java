package owlet.runtime.model;

/**
 * Affine quantization of a tensor: {@code real = scale * (q - zeroPoint)}. Per-tensor when there is one
 * scale; per-channel along {@code quantizedDimension} otherwise.
 */
public record Quantization(float[] scales, long[] zeroPoints, int quantizedDimension) {
    public static final Quantization NONE = new Quantization(new float[0], new long[0], 0);

    public boolean isPresent() {
        return scales.length > 0;
    }

    public boolean isPerChannel() {
        return scales.length > 1;
    }

    public float scale() {
        return scales[0];
    }

    public int zeroPoint() {
        return zeroPoints.length == 0 ? 0 : (int) zeroPoints[0];
    }
}
