package owlet.runtime.api;

import java.io.IOException;

/** A label file that cannot be used: malformed, or not fitting the model's outputs. The message names it. */
public final class LabelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public LabelFileException(String message) {
        super(message);
    }
}
