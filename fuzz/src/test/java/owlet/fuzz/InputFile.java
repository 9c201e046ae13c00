package owlet.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A scratch file per JVM for the targets whose entry point reads a file: each input is written over it. */
final class InputFile {
    private InputFile() {}

    static Path create(String fileName) {
        try {
            Path dir = Files.createTempDirectory("owlet-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(fileName);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, byte[] data) {
        try {
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fuzz input to " + file, e);
        }
    }
}
