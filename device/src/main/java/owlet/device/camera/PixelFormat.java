package owlet.device.camera;

import java.util.Locale;

/** Raw frame layouts a camera process can write. */
public enum PixelFormat {
    /** Planar YUV 4:2:0 (I420): Y plane, then U and V at half width and height. rpicam-vid's {@code yuv420}. */
    YUV420,
    /** Packed 8-bit R, G, B. ffmpeg's {@code rgb24}. */
    RGB24;

    /** Bytes in one frame; YUV 4:2:0 needs even dimensions. */
    public int frameBytes(int width, int height) {
        long pixels = (long) width * height;
        long bytes = this == RGB24 ? pixels * 3 : pixels + 2 * ((long) (width / 2) * (height / 2));
        if (width <= 0 || height <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frame size " + width + "x" + height + " is out of range");
        }
        if (this == YUV420 && (width % 2 != 0 || height % 2 != 0)) {
            throw new IllegalArgumentException("YUV 4:2:0 frames need an even width and height, got "
                    + width + "x" + height);
        }
        return (int) bytes;
    }

    /** Converts one frame to packed RGB ({@code width * height * 3} bytes in {@code rgb}). */
    public void toRgb(byte[] frame, int width, int height, byte[] rgb) {
        if (this == RGB24) {
            System.arraycopy(frame, 0, rgb, 0, width * height * 3);
        } else {
            Yuv420.toRgb(frame, width, height, rgb);
        }
    }

    public static PixelFormat parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "yuv420", "yuv420p", "i420" -> YUV420;
            case "rgb24", "rgb" -> RGB24;
            default -> throw new IllegalArgumentException("'" + s + "' is not yuv420 or rgb24");
        };
    }
}
