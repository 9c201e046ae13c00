package owlet.device.camera;

/**
 * Planar YUV 4:2:0 to RGB with the BT.601 limited-range matrix (Y in 16..235, chroma in 16..240), which
 * is what libcamera produces for rpicam-vid's SD-sized {@code yuv420} frames and what ffmpeg's
 * {@code yuv420p} uses by default.
 *
 * <p>Integer form with 8 fractional bits: {@code c = 298 (Y - 16)}, then
 * {@code R = c + 409 V'}, {@code G = c - 100 U' - 208 V'}, {@code B = c + 516 U'} with
 * {@code U' = U - 128}, {@code V' = V - 128}, each {@code (x + 128) >> 8}, clamped to 0..255. One chroma
 * sample serves a 2×2 block of luma samples.
 */
public final class Yuv420 {
    private Yuv420() {
    }

    public static void toRgb(byte[] yuv, int width, int height, byte[] rgb) {
        int chromaWidth = width / 2;
        int uPlane = width * height;
        int vPlane = uPlane + chromaWidth * (height / 2);
        int o = 0;
        for (int y = 0; y < height; y++) {
            int yRow = y * width;
            int cRow = (y / 2) * chromaWidth;
            for (int x = 0; x < width; x++) {
                int c = 298 * ((yuv[yRow + x] & 0xFF) - 16) + 128;
                int u = (yuv[uPlane + cRow + x / 2] & 0xFF) - 128;
                int v = (yuv[vPlane + cRow + x / 2] & 0xFF) - 128;
                rgb[o++] = clamp((c + 409 * v) >> 8);
                rgb[o++] = clamp((c - 100 * u - 208 * v) >> 8);
                rgb[o++] = clamp((c + 516 * u) >> 8);
            }
        }
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
