package owlet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import owlet.runtime.image.ImageFormatException;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;

/**
 * Every image decoder through {@code Images.decode}, which picks it from the first bytes: PPM/PGM, BMP,
 * JPEG and PNG (whichever decoder {@code Images} uses for them). Only {@link ImageFormatException} naming
 * the image may come out. Seeds: tiny images of each format in {@code ImageFuzzTestInputs/}, written by
 * {@link SeedGenerator}.
 */
class ImageFuzzTest {
    static final String NAME = "fuzz-image";

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void decode(byte[] data) {
        Contract.check(NAME, () -> {
            RgbImage image = Images.decode(data, NAME);
            if (image.width() <= 0 || image.height() <= 0) {
                throw new AssertionError("decoded a " + image.width() + "x" + image.height() + " image");
            }
        }, ImageFormatException.class);
    }
}
