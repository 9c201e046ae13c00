package owlet.runtime.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import owlet.runtime.image.PngEncoder;
import owlet.runtime.image.RgbImage;

/**
 * The pictures {@code owlet bench --soak} decodes when given no image files: one scene (a colour gradient
 * with a pattern, so compressors have work) encoded in memory as BMP, PNG and, when {@code java.desktop}
 * is present to write it, JPEG. Decoding them goes through Owlet's own decoders.
 */
final class SoakImages {
    static final int WIDTH = 320;
    static final int HEIGHT = 240;

    private SoakImages() {}

    /** Format name to encoded bytes, in the order BMP, PNG, JPEG. */
    static Map<String, byte[]> encoded() throws IOException {
        RgbImage scene = scene();
        Map<String, byte[]> images = new LinkedHashMap<>();
        images.put("soak.bmp", bmp(scene));
        images.put("soak.png", PngEncoder.encode(scene));
        if (ModuleLayer.boot().findModule("java.desktop").isPresent()) {
            byte[] jpeg = JpegWriter.jpeg(scene);
            if (jpeg != null) {
                images.put("soak.jpg", jpeg);
            }
        }
        return images;
    }

    private static RgbImage scene() {
        byte[] rgb = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = (y * WIDTH + x) * 3;
                rgb[i] = (byte) (x * 255 / WIDTH);
                rgb[i + 1] = (byte) (y * 255 / HEIGHT);
                rgb[i + 2] = (byte) (((x / 16 + y / 16) & 1) == 0 ? 40 : 220);
            }
        }
        return new RgbImage(WIDTH, HEIGHT, rgb);
    }

    /** A 24-bit bottom-up BMP: 14-byte file header, 40-byte BITMAPINFOHEADER, BGR rows padded to 4 bytes. */
    static byte[] bmp(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int stride = (w * 3 + 3) & ~3;
        int size = 54 + stride * h;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(size).putInt(0).putInt(54);
        b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 24).putInt(0).putInt(stride * h)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        byte[] rgb = image.rgb();
        for (int y = h - 1; y >= 0; y--) {
            int row = b.position();
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                b.put(rgb[i + 2]).put(rgb[i + 1]).put(rgb[i]);
            }
            b.position(row + stride);
        }
        return b.array();
    }

    /** Writes JPEG with javax.imageio; only loaded when java.desktop is there. */
    private static final class JpegWriter {
        static byte[] jpeg(RgbImage image) throws IOException {
            var buffered = new java.awt.image.BufferedImage(image.width(), image.height(),
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            byte[] rgb = image.rgb();
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    int i = (y * image.width() + x) * 3;
                    buffered.setRGB(x, y, (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            return javax.imageio.ImageIO.write(buffered, "jpg", out) ? out.toByteArray() : null;
        }
    }
}
