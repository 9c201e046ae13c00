package owlet.runtime.image;

import java.io.IOException;

/** An image file is malformed, truncated, too large or in an unsupported format. */
public final class ImageFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the file and what is wrong with it */
    public ImageFormatException(String message) {
        super(message);
    }

    /**
     * @param message names the file and what is wrong with it
     * @param cause the decoder's own exception
     */
    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
