package owlet.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;

/**
 * Decode + crop + resize of every image in {@code shared/images} gives exactly the pixel bytes of
 * {@code shared/reference/ppm/<S>/<stem>.ppm}, for S in 128, 160, 192, 224.
 */
class ReferencePreprocessTest {
    private static final int[] SIZES = {128, 160, 192, 224};
    private static final Path IMAGES = Shared.root().resolve("images");
    private static final Path PPM = Shared.root().resolve("reference/ppm");

    static Stream<Named<Path>> images() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(IMAGES, IMAGES.resolve("imagenet-dev"))) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        files.sort(null);
        return files.stream().map(p -> Named.of(IMAGES.relativize(p).toString(), p));
    }

    @Test
    void allReferenceImagesArePresent() throws IOException {
        assertEquals(104, images().count(), "images under " + IMAGES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void cropAndResizeMatchReferencePpm(Path image) throws IOException {
        RgbImage decoded = Images.read(image);
        String file = image.getFileName().toString();
        String stem = file.substring(0, file.lastIndexOf('.'));
        for (int size : SIZES) {
            Path ref = PPM.resolve(size + "/" + stem + ".ppm");
            byte[] bytes = Files.readAllBytes(ref);
            RgbImage expected = PnmDecoder.decode(bytes, ref.toString());
            assertEquals(size, expected.width(), ref + " width");
            assertEquals(size, expected.height(), ref + " height");
            // The pixel data is the file's tail, whatever the header looks like.
            assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - size * size * 3, bytes.length),
                    expected.rgb(), ref + " pixel data");

            RgbImage actual = Preprocess.centerCropResize(decoded, size);
            assertEquals(size, actual.width());
            assertEquals(size, actual.height());
            int at = Arrays.mismatch(expected.rgb(), actual.rgb());
            if (at >= 0) {
                int pixel = at / 3;
                fail(String.format("%s (%dx%d) at S=%d differs from %s first at pixel x=%d y=%d channel %s:"
                                + " expected %d, got %d", image, decoded.width(), decoded.height(), size, ref,
                        pixel % size, pixel / size, "RGB".charAt(at % 3), expected.rgb()[at] & 0xFF,
                        actual.rgb()[at] & 0xFF));
            }
        }
    }
}
