package owlet.device.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class Yuv420Test {
    @Test
    void blackWhiteAndRedFollowBt601LimitedRange() {
        assertArrayEquals(rgb(0, 0, 0), convert(16, 128, 128));
        assertArrayEquals(rgb(255, 255, 255), convert(235, 128, 128));
        byte[] red = convert(81, 90, 240); // BT.601 limited-range red
        assertTrue((red[0] & 0xFF) >= 253 && (red[1] & 0xFF) <= 2 && (red[2] & 0xFF) <= 2,
                "red came out as " + (red[0] & 0xFF) + "," + (red[1] & 0xFF) + "," + (red[2] & 0xFF));
    }

    @Test
    void oneChromaSampleServesATwoByTwoBlock() {
        // 4x2 image: left block neutral grey, right block strongly blue
        byte[] yuv = {
            (byte) 126, (byte) 126, (byte) 41, (byte) 41,
            (byte) 126, (byte) 126, (byte) 41, (byte) 41,
            (byte) 128, (byte) 240, // U
            (byte) 128, (byte) 110, // V
        };
        byte[] rgb = new byte[4 * 2 * 3];
        Yuv420.toRgb(yuv, 4, 2, rgb);
        for (int px : new int[] {0, 1, 4, 5}) {
            assertEquals(rgb[px * 3] & 0xFF, rgb[px * 3 + 2] & 0xFF, "grey pixel " + px);
        }
        for (int px : new int[] {2, 3, 6, 7}) {
            assertTrue((rgb[px * 3 + 2] & 0xFF) > 200 && (rgb[px * 3] & 0xFF) < 40, "blue pixel " + px);
        }
    }

    @Test
    void matchesFfmpegsOwnConversionOfATestPattern() throws Exception {
        int w = 160;
        int h = 120;
        byte[] yuv = oneFrame(w, h, "yuv420p", PixelFormat.YUV420.frameBytes(w, h));
        byte[] expected = oneFrame(w, h, "rgb24", w * h * 3);
        byte[] rgb = new byte[w * h * 3];
        Yuv420.toRgb(yuv, w, h, rgb);
        long sum = 0;
        for (int i = 0; i < rgb.length; i++) {
            sum += Math.abs((rgb[i] & 0xFF) - (expected[i] & 0xFF));
        }
        double mean = (double) sum / rgb.length;
        // ffmpeg's converter interpolates chroma and rounds differently; the colours must still agree.
        assertTrue(mean < 6, "mean absolute difference to ffmpeg's rgb24: " + mean);
    }

    @Test
    void oddSizesAreRefusedForYuv() {
        assertThrows(IllegalArgumentException.class, () -> PixelFormat.YUV420.frameBytes(161, 120));
        assertEquals(160 * 120 * 3 / 2, PixelFormat.YUV420.frameBytes(160, 120));
    }

    private static byte[] oneFrame(int w, int h, String pixFmt, int bytes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f",
                "lavfi", "-i", "testsrc2=size=" + w + "x" + h + ":rate=15", "-frames:v", "1", "-f", "rawvideo",
                "-pix_fmt", pixFmt, "-")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        assertEquals(bytes, out.length);
        return out;
    }

    private static byte[] convert(int y, int u, int v) {
        byte[] yuv = {(byte) y, (byte) y, (byte) y, (byte) y, (byte) u, (byte) v};
        byte[] rgb = new byte[12];
        Yuv420.toRgb(yuv, 2, 2, rgb);
        return new byte[] {rgb[0], rgb[1], rgb[2]};
    }

    private static byte[] rgb(int r, int g, int b) {
        return new byte[] {(byte) r, (byte) g, (byte) b};
    }
}
