package owlet.runtime.image;

import java.nio.charset.StandardCharsets;

/** Encodes an {@link RgbImage} as binary PPM (P6, maxval 255), the format {@link PnmDecoder} reads. */
public final class PpmEncoder {
    private PpmEncoder() {
    }

    public static byte[] encode(RgbImage image) {
        byte[] header = ("P6\n" + image.width() + " " + image.height() + "\n255\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[header.length + image.rgb().length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(image.rgb(), 0, out, header.length, image.rgb().length);
        return out;
    }
}
