package owlet.device.service;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import owlet.runtime.io.Failures;

/**
 * Where result lines go: standard output and/or a file opened for appending. Every line is flushed as
 * it is written. The file is opened at start, so an unwritable path is an error before the first
 * trigger; a write that fails later (disk full) is reported on the log and counted, and the service
 * goes on.
 *
 * <p>The file stays bounded: when the next whole line would take it past {@code maxBytes}, it is renamed
 * {@code NAME.1} (an older {@code NAME.1} becomes {@code NAME.2}, and so on; beyond {@code keep} old files
 * the oldest is deleted) and a new file is started. A line is never split across files; a single line
 * longer than {@code maxBytes} gets a file of its own. An existing file is appended to, its size counted.
 */
final class ResultLog implements AutoCloseable {
    private final PrintStream out;
    private final Path file;
    private final long maxBytes;
    private final int keep;
    private final PrintStream log;
    private OutputStream writer;
    private long size;
    private long writeFailures;

    /**
     * @param out standard output, or null not to print results there
     * @param maxBytes the file's size limit (rotation)
     * @param keep how many rotated files are kept ({@code NAME.1} .. {@code NAME.keep}); 0 keeps none
     */
    ResultLog(PrintStream out, Path file, long maxBytes, int keep, PrintStream log) throws IOException {
        if (maxBytes < 1 || keep < 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + ", keep " + keep);
        }
        this.out = out;
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.log = log;
        if (file == null) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new IOException("results file " + file + " is a directory");
        }
        try {
            open();
        } catch (IOException e) {
            throw new IOException("results file " + file + " cannot be opened for appending: " + Failures.describe(e), e);
        }
    }

    private void open() throws IOException {
        writer = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    /** NAME becomes NAME.1 after NAME.k became NAME.k+1, the oldest (NAME.keep) deleted; then a new NAME. */
    private void rotate() throws IOException {
        writer.close();
        writer = null;
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        if (keep == 0) {
            Files.delete(file);
        } else {
            Files.deleteIfExists(dir.resolve(name + "." + keep));
            for (int k = keep - 1; k >= 1; k--) {
                Path older = dir.resolve(name + "." + k);
                if (Files.exists(older)) {
                    Files.move(older, dir.resolve(name + "." + (k + 1)), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, dir.resolve(name + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    synchronized void write(String line) {
        if (out != null) {
            out.println(line);
            out.flush();
        }
        if (file != null) {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                if (writer == null) {
                    open(); // a rotation that failed half-way: try again with what is there
                }
                if (size > 0 && size + bytes.length > maxBytes) {
                    rotate();
                }
                writer.write(bytes); // one write of the whole line: never a torn line
                writer.flush();
                size += bytes.length;
            } catch (IOException e) {
                if (writeFailures++ == 0 || writeFailures % 100 == 0) {
                    log.println("owlet run: cannot write to results file " + file + ": " + Failures.describe(e)
                            + " (" + writeFailures + " lines lost so far)");
                }
            }
        }
    }

    synchronized long writeFailures() {
        return writeFailures;
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            out.flush();
        }
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                log.println("owlet run: closing results file " + file + ": " + Failures.describe(e));
            }
        }
    }
}
