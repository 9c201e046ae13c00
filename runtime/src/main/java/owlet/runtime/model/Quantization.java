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

    /**
     * Why these zero points cannot belong to a tensor of this type, or null when they can: a uint8
     * tensor's lie in 0..255, an int8 tensor's in -128..127 (a zero point is a value of the type). Other
     * types (int32 biases, float tensors carrying ranges) are held to the 8-bit span they are read with.
     */
    public static String zeroPointError(TensorType type, long[] zeroPoints) {
        long min = type == TensorType.UINT8 ? 0 : -128;
        long max = type == TensorType.INT8 ? 127 : 255;
        for (long z : zeroPoints) {
            if (z < min || z > max) {
                return "zero point " + z + " is outside the range of " + type + " (" + min + ".." + max + ")";
            }
        }
        return null;
    }
}
