package owlet.runtime.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads an image file into an {@link RgbImage}, choosing the decoder from the file's first bytes:
 * PGM/PPM ({@code P5}/{@code P6}), BMP and PNG are decoded with java.base only; JPEG needs the
 * {@code java.desktop} module ({@code javax.imageio}).
 *
 * <p>Any malformed, truncated or oversized input ends in an {@link ImageFormatException} whose
 * message names the file. Images over {@link #MAX_PIXELS} pixels are refused before anything is
 * allocated for them.
 */
public final class Images {
    /** Largest accepted image, in pixels. */
    public static final long MAX_PIXELS = 100_000_000L;

    /** Largest accepted file: a 32-bit BMP of {@link #MAX_PIXELS} pixels, plus headers. */
    static final long MAX_FILE_BYTES = MAX_PIXELS * 4 + (1 << 20);

    /** Decided once: whether {@code javax.imageio} can be loaded. */
    private static final boolean IMAGE_IO = imageIoAvailable();

    private Images() {}

    /** Reads and decodes the file at {@code path}. */
    public static RgbImage read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new ImageFormatException(
                    path + ": file is " + size + " bytes, more than the limit of " + MAX_FILE_BYTES);
        }
        return decode(Files.readAllBytes(path), path.toString());
    }

    /**
     * Decodes an image held in memory.
     *
     * @param nameForMessages how error messages refer to the image, e.g. its file name
     */
    public static RgbImage decode(byte[] data, String nameForMessages) throws ImageFormatException {
        Objects.requireNonNull(data, "data");
        String name = nameForMessages == null ? "image" : nameForMessages;
        if (data.length == 0) {
            throw new ImageFormatException(name + ": file is empty");
        }
        if (data.length >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7') {
            return PnmDecoder.decode(data, name); // rejects P1-P4 and P7 itself, by name
        }
        if (startsWith(data, 'B', 'M')) {
            return BmpDecoder.decode(data, name);
        }
        if (startsWith(data, 0x89, 'P', 'N', 'G')) {
            return PngDecoder.decode(data, name);
        }
        if (startsWith(data, 0xFF, 0xD8)) { // JPEG
            return decodeWithImageIo(data, name);
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(4, data.length); i++) {
            head.append(i == 0 ? "" : " ").append(String.format("%02x", data[i] & 0xFF));
        }
        throw new ImageFormatException(name + ": unrecognised image format (first bytes " + head
                + "); supported: PPM/PGM (P6/P5), BMP, JPEG, PNG");
    }

    /** Throws unless {@code 0 < width, height} and {@code width * height <= MAX_PIXELS}. */
    static void checkDimensions(String name, String format, long width, long height)
            throws ImageFormatException {
        if (width <= 0 || height <= 0) {
            throw new ImageFormatException(
                    name + ": " + format + " header gives invalid dimensions " + width + "x" + height);
        }
        if (width * height > MAX_PIXELS) { // both < 2^32, so the product cannot overflow
            throw new ImageFormatException(name + ": " + format + " image is " + width + "x" + height
                    + ", more than the limit of " + MAX_PIXELS + " pixels");
        }
    }

    private static RgbImage decodeWithImageIo(byte[] data, String name) throws ImageFormatException {
        if (!IMAGE_IO) {
            throw new ImageFormatException(name + ": JPEG decoding needs the java.desktop module,"
                    + " which this runtime image does not include; use PNG, PPM or BMP");
        }
        return ImageIoDecoder.decode(data, name); // first use loads the class, and javax.imageio
    }

    private static boolean imageIoAvailable() {
        if (ModuleLayer.boot().findModule("java.desktop").isEmpty()) {
            return false;
        }
        try {
            Class.forName("javax.imageio.ImageIO", false, Images.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean startsWith(byte[] data, int... magic) {
        if (data.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((data[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
