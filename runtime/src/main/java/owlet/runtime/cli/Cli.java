package owlet.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.ModelTooLargeException;
import owlet.runtime.command.Command;
import owlet.runtime.command.Args;
import owlet.runtime.io.Failures;

/**
 * The {@code owlet} command line: dispatches to a {@link Command} by name. Every error becomes one
 * message on stderr and an exit code (1 failure, 2 usage); a stack trace is printed only for an internal
 * error, and only when {@code OWLET_DEBUG} is set.
 */
public final class Cli {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    public Cli(List<Command> commands) {
        for (Command c : commands) {
            this.commands.putIfAbsent(c.name(), c);
        }
    }

    /** The runtime's own commands plus any other module provides. */
    public static Cli standard() {
        List<Command> all = new ArrayList<>(List.of(new ClassifyCommand(), new DetectCommand(), new InspectCommand(), new BenchCommand()));
        for (Command c : ServiceLoader.load(Command.class)) {
            all.add(c);
        }
        return new Cli(all);
    }

    public static void main(String[] args) {
        int code = standard().run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            if (args.length > 1 && commands.containsKey(args[1])) {
                out.print(commands.get(args[1]).usage());
                return 0;
            }
            out.print(help());
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            out.println("owlet " + version());
            return 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("owlet: unknown command '" + args[0] + "'");
            err.print(help());
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        if (List.of(rest).contains("--help") || List.of(rest).contains("-h")) {
            out.print(command.usage());
            return 0;
        }
        try {
            return command.run(rest, out, err);
        } catch (Args.UsageException e) {
            err.println("owlet " + command.name() + ": " + e.getMessage());
            err.print(command.usage());
            return 2;
        } catch (ModelTooLargeException e) { // valid, but not within this heap
            err.println("owlet " + command.name() + ": " + e.getMessage());
            return 1;
        } catch (InvalidModelException e) {
            err.println("owlet " + command.name() + ": invalid model: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("owlet " + command.name() + ": " + Failures.describe(e));
            return 1;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            err.println("owlet " + command.name() + ": internal error: " + e);
            if (System.getenv("OWLET_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set OWLET_DEBUG=1 for the stack trace, and please report it)");
            }
            return 1;
        }
    }

    String help() {
        StringBuilder b = new StringBuilder("usage: owlet <command> [options]   (owlet <command> --help for more)\n\ncommands:\n");
        for (Command c : commands.values()) {
            b.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        return b.toString();
    }

    /**
     * The project version the build wrote into {@code version.properties}, and the commit it was built
     * from when the launcher passes it ({@code -Dowlet.commit}): "0.1.0-SNAPSHOT (commit 3fa2c1d9e0b4)".
     */
    static String version() {
        String v = "dev";
        try (var in = Cli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                v = p.getProperty("version", v);
            }
        } catch (IOException e) {
            // a damaged jar: say "dev" rather than fail --version
        }
        String commit = System.getProperty("owlet.commit", "");
        return commit.isBlank() ? v : v + " (commit " + commit.strip() + ")";
    }
}
