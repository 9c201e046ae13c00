package owlet.device.service;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import owlet.runtime.image.PngEncoder;
import owlet.runtime.image.RgbImage;

/**
 * Keeps captured pictures in a directory, within a count and a byte cap: the oldest files Owlet wrote
 * there ({@code capture-*}, {@code still-*}) are deleted first. Stream frames are written as PNG
 * (readable by {@code owlet classify}); stills are kept as the camera wrote them.
 */
final class CaptureStore {
    private record Entry(Path file, long bytes) {
    }

    private final Path dir;
    private final int maxCount;
    private final long maxBytes;
    private final Deque<Entry> kept = new ArrayDeque<>();
    private long bytes;

    CaptureStore(Path dir, int maxCount, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("captures directory " + dir + " cannot be created: " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("captures directory " + dir + " is not writable");
        }
        List<Path> existing = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "{capture-,still-}*")) {
            ds.forEach(existing::add);
        }
        existing.sort(null); // names start with the time, so this is oldest first
        for (Path p : existing) {
            add(p);
        }
        prune();
    }

    Path dir() {
        return dir;
    }

    /** Writes a frame as {@code capture-<epoch ms>-<trigger>.png} (the runtime's PNG encoder). */
    Path save(RgbImage image, long epochMillis, long trigger) throws IOException {
        Path file = dir.resolve(String.format("capture-%d-%06d.png", epochMillis, trigger));
        PngEncoder.write(image, file);
        keep(file);
        return file;
    }

    /** Takes a file the camera already wrote into the directory under the caps. */
    synchronized void keep(Path file) throws IOException {
        add(file);
        prune();
    }

    private void add(Path file) throws IOException {
        long size = Files.size(file);
        kept.addLast(new Entry(file, size));
        bytes += size;
    }

    private void prune() throws IOException {
        while (kept.size() > 1 && (kept.size() > maxCount || bytes > maxBytes)) {
            Entry oldest = kept.removeFirst();
            bytes -= oldest.bytes();
            Files.deleteIfExists(oldest.file());
        }
    }
}
