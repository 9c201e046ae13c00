package owlet.runtime.image;

import java.util.Objects;

/**
 * An 8-bit RGB image: samples interleaved R, G, B, rows top to bottom, {@code width * height * 3}
 * bytes.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /**
     * Wraps {@code rgb} without copying it.
     *
     * @throws IllegalArgumentException if a dimension is not positive, {@code width * height * 3}
     *     overflows an int, or {@code rgb.length} differs from it
     */
    public RgbImage(int width, int height, byte[] rgb) {
        Objects.requireNonNull(rgb, "rgb");
        int length = byteLength(width, height);
        if (rgb.length != length) {
            throw new IllegalArgumentException(
                    "rgb has " + rgb.length + " bytes, expected " + width + "*" + height + "*3 = " + length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** {@code width * height * 3}, checked: dimensions positive, result fits an int. */
    static int byteLength(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive: " + width + "x" + height);
        }
        long length = (long) width * height * 3;
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image too large: " + width + "x" + height);
        }
        return (int) length;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The internal sample array itself, not a copy: writes to it change this image. */
    public byte[] rgb() {
        return rgb;
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
