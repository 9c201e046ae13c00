package owlet.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The one gate every input file passes before Owlet opens it: models, images, label files, device
 * configurations, folders of images. A FIFO, device or socket is refused by its file type, before it is
 * opened (opening a FIFO for reading waits for a writer, and a device may never end); a directory, a
 * missing file and a file that is not text each get their own message, and every message starts with the
 * path, once: {@code PATH: is a directory}, {@code PATH: not a regular file (FIFO)},
 * {@code PATH: no such file}, {@code PATH: not a text file}.
 */
public final class InputFiles {
    /** Extensions of the image files a folder contributes (compared case-insensitively). */
    public static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".pgm");

    private InputFiles() {
    }

    /**
     * Throws unless {@code path} is a regular file (after following symbolic links): a
     * {@link NoSuchFileException} for a missing one, otherwise an {@link IOException} naming what it is.
     */
    public static void requireRegularFile(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (a.isRegularFile()) {
            return;
        }
        if (a.isDirectory()) {
            throw new IOException(path + ": is a directory");
        }
        throw new IOException(path + ": not a regular file (" + specialType(path) + ")");
    }

    /** The kind of a special file, from the Unix mode bits where the platform gives them. */
    static String specialType(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> "FIFO";
                case 0020000 -> "character device";
                case 0060000 -> "block device";
                case 0140000 -> "socket";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "special file";
        }
    }

    /** The bytes of a regular file of at most {@code maxBytes} bytes. */
    public static byte[] readBytes(Path path, long maxBytes) throws IOException {
        requireRegularFile(path);
        long size = Files.size(path);
        if (size > maxBytes) {
            throw new IOException(path + ": file is " + size + " bytes, more than the limit of " + maxBytes);
        }
        return Files.readAllBytes(path);
    }

    /**
     * The text of a regular UTF-8 file of at most {@code maxBytes} bytes, without a leading byte order
     * mark. Bytes that are not UTF-8, or a NUL byte (which no text file has), make it
     * {@code PATH: not a text file}.
     */
    public static String readText(Path path, long maxBytes) throws IOException {
        byte[] bytes = readBytes(path, maxBytes);
        for (byte b : bytes) {
            if (b == 0) {
                throw new IOException(path + ": not a text file");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(path + ": not a text file");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * The image files of a folder ({@link #IMAGE_EXTENSIONS}), sorted by their path; with {@code recursive},
     * those of its subfolders too. Names starting with a dot are left out (hidden files, and the
     * {@code ._*} files macOS leaves beside copies). Entries are not opened here: a special file with an image
     * name is listed, and refused by {@link #requireRegularFile} when it is read, so it gets its own message.
     */
    public static List<Path> imageFiles(Path dir, boolean recursive) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(dir, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(dir.toString(), null, "no such file");
        }
        if (!a.isDirectory()) {
            throw new IOException(dir + ": not a directory");
        }
        try (Stream<Path> s = Files.walk(dir, recursive ? Integer.MAX_VALUE : 1)) {
            return s.filter(p -> !p.equals(dir) && isImageName(p) && !Files.isDirectory(p)).sorted().toList();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** True for a name with an image extension that does not start with a dot. */
    public static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && IMAGE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
