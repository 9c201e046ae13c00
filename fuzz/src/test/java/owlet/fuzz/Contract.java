package owlet.fuzz;

import java.util.Arrays;

/**
 * What every fuzz target checks of its code under test: it returns, or it throws one of the exceptions its
 * API documents, with a message; where the API promises it (images, labels, configuration files), a message
 * that names the input, as the caller gave its file or name. (The model loader's messages name the place
 * inside the model, "op #3 CONV_2D: ...", and its callers say which model.) Anything
 * else escapes to Jazzer as a finding: a RuntimeException (an index out of bounds, a negative array size, a
 * NullPointerException), an OutOfMemoryError, a StackOverflowError, or an AssertionError for an allowed
 * exception whose message is empty or does not say which input it is about. Jazzer's per-input timeout
 * ({@code @Timeout} on each target) bounds the time.
 */
final class Contract {
    private Contract() {}

    /** The code under test. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** @param inputName what the message must contain, or null where any non-blank message will do */
    @SafeVarargs
    static void check(String inputName, Action action, Class<? extends Exception>... allowed) {
        try {
            action.run();
        } catch (RuntimeException e) {
            throw e; // a finding as it is: its stack trace shows the place
        } catch (Exception e) {
            if (Arrays.stream(allowed).noneMatch(c -> c.isInstance(e))) {
                throw new AssertionError("undocumented exception " + e.getClass().getName(), e);
            }
            String message = e.getMessage();
            if (message == null || message.isBlank()) {
                throw new AssertionError(e.getClass().getName() + " without a message", e);
            }
            if (inputName != null && !message.contains(inputName)) {
                throw new AssertionError(e.getClass().getName() + " whose message does not name the input '"
                        + inputName + "': " + message, e);
            }
        }
    }
}
