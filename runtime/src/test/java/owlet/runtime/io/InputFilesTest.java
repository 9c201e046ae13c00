package owlet.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import owlet.runtime.api.Labels;
import owlet.runtime.image.Images;
import owlet.runtime.model.Model;

/**
 * Special files are refused by their type before anything opens them. Every read of a FIFO runs under a
 * timeout: opening one for reading waits for a writer, so a regression fails here instead of hanging.
 */
public class InputFilesTest {
    @TempDir
    Path dir;

    /** Makes a FIFO with mkfifo(1); skips the test where there is none (not a Unix). */
    public static Path fifo(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        } catch (IOException e) {
            throw new AssertionError("mkfifo (coreutils) is needed to make a FIFO: " + e.getMessage(), e);
        }
        assertTrue(mk.waitFor() == 0 && Files.exists(p), "mkfifo failed");
        return p;
    }

    private static void refusedAtOnce(String expected, Executable read) {
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IOException.class, read));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aFifoIsRefusedBeforeItIsOpenedForModelsImagesAndLabels() throws Exception {
        Path f = fifo(dir, "pipe");
        String expected = f + ": not a regular file (FIFO)";
        refusedAtOnce(expected, () -> InputFiles.requireRegularFile(f));
        refusedAtOnce(expected, () -> Model.load(f));
        refusedAtOnce(expected, () -> Images.read(f));
        refusedAtOnce(expected, () -> Labels.load(f));
        refusedAtOnce(expected, () -> InputFiles.readText(f, 100));
    }

    @Test
    void aDeviceIsNamedAsOne() {
        Path devNull = Path.of("/dev/null");
        assertTrue(Files.exists(devNull), "/dev/null exists on Linux");
        refusedAtOnce("/dev/null: not a regular file (character device)", () -> Model.load(devNull));
    }

    @Test
    void aDirectoryAndAMissingFileAreNamedAsSuch() {
        refusedAtOnce(dir + ": is a directory", () -> Model.load(dir));
        refusedAtOnce(dir + ": is a directory", () -> Images.read(dir));
        refusedAtOnce(dir + ": is a directory", () -> Labels.load(dir));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Model.load(dir.resolve("absent.tflite")));
        assertEquals(dir.resolve("absent.tflite").toString(), e.getFile());
        assertEquals("no such file", e.getReason());
        assertThrows(NoSuchFileException.class, () -> Images.read(dir.resolve("absent.bmp")));
        assertThrows(NoSuchFileException.class, () -> Labels.load(dir.resolve("absent.txt")));
    }

    @Test
    void aSymbolicLinkToARegularFileIsFollowed() throws Exception {
        Path target = Files.writeString(dir.resolve("labels.txt"), "cat\n");
        Path link;
        try {
            link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        } catch (UnsupportedOperationException | IOException e) {
            throw new AssertionError("symbolic links are needed for this test", e);
        }
        assertEquals("cat", Labels.load(link).get(0));
    }

    @Test
    void tooLargeIsRefusedBeforeReading() throws Exception {
        Path p = Files.write(dir.resolve("big.txt"), new byte[101]);
        IOException e = assertThrows(IOException.class, () -> InputFiles.readText(p, 100));
        assertEquals(p + ": file is 101 bytes, more than the limit of 100", e.getMessage());
    }

    @Test
    void imageFilesOfAFolderAreSortedByNameAndRecursiveOnlyWhenAsked() throws Exception {
        Files.write(dir.resolve("b.BMP"), new byte[1]);
        Files.write(dir.resolve("a.jpg"), new byte[1]);
        Files.write(dir.resolve("notes.txt"), new byte[1]);
        Files.write(dir.resolve("._a.jpg"), new byte[1]);
        Files.createDirectory(dir.resolve("sub"));
        Files.write(dir.resolve("sub/c.png"), new byte[1]);
        Files.createDirectory(dir.resolve("dir.jpg"));
        assertEquals(List.of(dir.resolve("a.jpg"), dir.resolve("b.BMP")), InputFiles.imageFiles(dir, false));
        assertEquals(List.of(dir.resolve("a.jpg"), dir.resolve("b.BMP"), dir.resolve("sub/c.png")),
                InputFiles.imageFiles(dir, true));
        IOException e = assertThrows(IOException.class, () -> InputFiles.imageFiles(dir.resolve("a.jpg"), false));
        assertEquals(dir.resolve("a.jpg") + ": not a directory", e.getMessage());
    }
}
