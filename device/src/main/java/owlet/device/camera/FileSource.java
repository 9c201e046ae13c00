package owlet.device.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import owlet.device.trigger.Clock;
import owlet.runtime.image.Images;
import owlet.runtime.io.InputFiles;

/**
 * Pictures from a file or a directory, for laptops and tests: each trigger takes the next image file in
 * name order (a directory's direct children with an image extension, {@link InputFiles#imageFiles}), starting over after the last.
 */
public final class FileSource implements FrameSource {
    private final Path path;
    private final Clock clock;
    private List<Path> files = List.of();
    private int nextIndex;

    public FileSource(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "files " + (files.size() == 1 ? files.get(0) : files.size() + " images in " + path);
    }

    @Override
    public void start() throws IOException {
        if (Files.isRegularFile(path)) {
            files = List.of(path);
            return;
        }
        if (!Files.isDirectory(path)) {
            throw new IOException("camera: " + path + " is neither an image file nor a directory");
        }
        List<Path> found = InputFiles.imageFiles(path, false);
        if (found.isEmpty()) {
            throw new IOException("camera: no image files (" + String.join(" ", InputFiles.IMAGE_EXTENSIONS) + ") in "
                    + path);
        }
        files = found;
    }

    @Override
    public synchronized Frame next(long afterNanos, long timeoutMillis) throws IOException {
        Path file = files.get(nextIndex);
        nextIndex = (nextIndex + 1) % files.size();
        return new Frame(Images.read(file), clock.nanoTime(), file);
    }

    @Override
    public void close() {
    }
}
