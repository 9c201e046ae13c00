package owlet.device.camera;

import java.util.List;

/** ffmpeg's lavfi test pattern as a stand-in camera: a real process writing raw frames to stdout. */
final class Ffmpeg {
    private Ffmpeg() {
    }

    /** An endless stream at the frame rate, like rpicam-vid ({@code pixFmt}: yuv420p or rgb24). */
    static String stream(int width, int height, int fps, String pixFmt) {
        return "ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i testsrc2=size=" + width + "x" + height
                + ":rate=" + fps + " -f rawvideo -pix_fmt " + pixFmt + " -";
    }

    static List<String> streamCommand(int width, int height, int fps, String pixFmt) {
        return List.of(stream(width, height, fps, pixFmt).split(" "));
    }
}
