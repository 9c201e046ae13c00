package owlet.device.service;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import owlet.runtime.cli.Cli;

/**
 * Where result lines go: standard output and/or a file opened for appending. Every line is flushed as
 * it is written. The file is opened at start, so an unwritable path is an error before the first
 * trigger; a write that fails later (disk full) is reported on the log and counted, and the service
 * goes on.
 */
final class ResultLog implements AutoCloseable {
    private final PrintStream out;
    private final Path file;
    private final BufferedWriter writer;
    private final PrintStream log;
    private long writeFailures;

    /** @param out standard output, or null not to print results there */
    ResultLog(PrintStream out, Path file, PrintStream log) throws IOException {
        this.out = out;
        this.file = file;
        this.log = log;
        if (file == null) {
            writer = null;
            return;
        }
        if (Files.isDirectory(file)) {
            throw new IOException("results file " + file + " is a directory");
        }
        try {
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("results file " + file + " cannot be opened for appending: " + Cli.describe(e), e);
        }
    }

    synchronized void write(String line) {
        if (out != null) {
            out.println(line);
            out.flush();
        }
        if (writer != null) {
            try {
                writer.write(line);
                writer.write('\n');
                writer.flush();
            } catch (IOException e) {
                if (writeFailures++ == 0 || writeFailures % 100 == 0) {
                    log.println("owlet run: cannot write to results file " + file + ": " + Cli.describe(e)
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
                log.println("owlet run: closing results file " + file + ": " + Cli.describe(e));
            }
        }
    }
}
