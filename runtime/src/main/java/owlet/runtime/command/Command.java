package owlet.runtime.command;

import java.io.PrintStream;

/**
 * One sub-command of {@code owlet}. The runtime provides classify, detect, inspect and bench; other modules add
 * theirs (run, zoo, quantize) through {@link java.util.ServiceLoader}.
 */
public interface Command {
    /** The word typed after {@code owlet}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** Full usage text, printed by {@code --help} and after a usage error. */
    String usage();

    /**
     * Runs the command. Returns the process exit code: 0 success, 1 failure (the error already printed),
     * 2 usage error.
     */
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
}
