package owlet.runtime.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** One-line descriptions of I/O failures, for messages that name the file and what went wrong. */
public final class Failures {
    private Failures() {
    }

    /** "FILE: no such file", "FILE: permission denied", else the exception's own message. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
