package owlet.device.camera;

import java.nio.file.Path;
import owlet.runtime.image.RgbImage;

/**
 * One captured frame: the picture, when it was complete (on the source's clock), and the file the
 * source itself saved it to, if any (a still camera writes one; a stream does not).
 */
public record Frame(RgbImage image, long nanos, Path file) {
}
