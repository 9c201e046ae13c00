package owlet.runtime.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this process holds at one moment, for telling a leak from a steady state: the heap in use after a
 * full collection, the resident set (Linux {@code /proc/self/status} VmRSS), the live Java threads, the
 * kernel's threads of the process ({@code /proc/self/status} Threads) and the open file descriptors
 * ({@code /proc/self/fd}). A figure the system does not offer is -1 ("unknown").
 *
 * @param heapBytes   heap used after {@link System#gc()}
 * @param rssBytes    resident set size, or -1
 * @param javaThreads live Java threads
 * @param osThreads   the process's threads as the kernel counts them (JIT, GC, ... included), or -1
 * @param openFiles   open file descriptors, or -1
 */
record ProcessStats(long heapBytes, long rssBytes, int javaThreads, int osThreads, int openFiles) {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path FDS = Path.of("/proc/self/fd");

    /** Collects garbage, then measures. */
    static ProcessStats sample() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long heap = runtime.totalMemory() - runtime.freeMemory();
        long rssKb = statusField("VmRSS:");
        long threads = statusField("Threads:");
        return new ProcessStats(heap, rssKb < 0 ? -1 : rssKb * 1024, Thread.getAllStackTraces().size(),
                (int) threads, countOpenFiles());
    }

    /** The number in a {@code /proc/self/status} line such as "VmRSS:  81234 kB", or -1. */
    private static long statusField(String key) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).strip().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux), or a line in another form: unknown
        }
        return -1;
    }

    /** Entries of /proc/self/fd (the directory stream's own descriptor is one of them), or -1. */
    private static int countOpenFiles() {
        if (!Files.isDirectory(FDS)) {
            return -1;
        }
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (Path ignored : fds) {
                n++;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return n - 1;
    }

    /** "12.3 MB", or "unknown" for -1. */
    static String mb(long bytes) {
        return bytes < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    /** The count, or "unknown" for -1. */
    static String count(int n) {
        return n < 0 ? "unknown" : Integer.toString(n);
    }
}
