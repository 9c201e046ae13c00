package owlet.device.camera;

import java.io.IOException;

/**
 * Where pictures come from: a camera process streaming raw frames, a still per trigger, or files.
 * Implementations keep themselves running (a camera process that dies or hangs is restarted) and
 * count what went wrong, so a service can report it.
 */
public interface FrameSource extends AutoCloseable {
    /** A short description for the log. */
    String describe();

    /** Starts the camera (a stream starts streaming now, so the first trigger does not wait for it). */
    void start() throws IOException;

    /**
     * The first frame completed after {@code afterNanos} (on the source's clock), waiting at most
     * {@code timeoutMillis}.
     *
     * @throws IOException when no frame can be had in time; the message says why
     */
    Frame next(long afterNanos, long timeoutMillis) throws IOException, InterruptedException;

    /**
     * Whether the files in {@link Frame#file()} were written by this source for the service to keep or
     * delete (stills), rather than the user's own pictures (which are never touched).
     */
    default boolean ownsFiles() {
        return false;
    }

    /** How many times the camera process was restarted after a failure. */
    default long restarts() {
        return 0;
    }

    @Override
    void close();
}
