package owlet.runtime.image;

/**
 * The sRGB transfer curve (IEC 61966-2-1) from linear grey to 8-bit sRGB, computed in float exactly as
 * {@code java.awt.image.ColorModel} computes the tables that {@code BufferedImage.getRGB} uses for a
 * linear-grey raster. {@code javax.imageio} delivers some PNG greys that way (see {@link PngDecoder}),
 * so these tables reproduce the bytes the reference preprocessing takes from them.
 */
final class SrgbCurve {
    /** Output byte for each 8-bit linear grey. */
    static final byte[] FROM_8_BITS = table(255);
    /** Output byte for each 16-bit linear grey. */
    static final byte[] FROM_16_BITS = table(65535);

    private SrgbCurve() {}

    private static byte[] table(int max) {
        byte[] table = new byte[max + 1];
        for (int i = 0; i <= max; i++) {
            float linear = (float) i / max;
            float encoded = linear <= 0.0031308f
                    ? linear * 12.92f
                    : 1.055f * (float) StrictMath.pow(linear, 1.0 / 2.4) - 0.055f;
            table[i] = (byte) Math.round(encoded * 255.0f);
        }
        return table;
    }
}
