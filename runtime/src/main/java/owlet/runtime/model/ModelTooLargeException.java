package owlet.runtime.model;

/**
 * A valid model that needs more memory than the budget allows ({@link owlet.runtime.io.MemoryBudget}):
 * refused before its arena and packed weights are allocated. The message gives both numbers.
 */
public final class ModelTooLargeException extends InvalidModelException {
    private static final long serialVersionUID = 1L;

    public ModelTooLargeException(String message) {
        super(message);
    }
}
