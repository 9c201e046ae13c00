package owlet.runtime.model;

/**
 * A model file that Owlet cannot load: malformed, truncated, hostile, or using an operator or type the
 * runtime does not support. The message names the place (operator index and name, tensor index, field).
 */
public class InvalidModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
