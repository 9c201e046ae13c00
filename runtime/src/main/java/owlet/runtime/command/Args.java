package owlet.runtime.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options: {@code --name value}, {@code --name=value}, boolean {@code --flag}s, and
 * positional arguments. Unknown options and malformed values raise {@link UsageException}.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** Thrown for a usage error; the command prints the message and its usage, and exits with 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param withValue options that take a value
     * @param flags     options that take none
     */
    public Args(String[] args, Set<String> withValue, Set<String> flags) throws UsageException {
        boolean onlyPositional = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (onlyPositional || !a.startsWith("--") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                onlyPositional = true;
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                values.put(name, "true");
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = args[++i];
                }
                values.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    public Path path(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("option --" + name + " is required");
        }
        return Path.of(v);
    }

    /**
     * Option {@code name} as a file to write, which must not be any of {@code inputs}: a command never
     * overwrites what it reads ({@code quantize --out} equal to {@code --model} would destroy the model).
     */
    public Path outputPath(String name, Path... inputs) throws UsageException {
        Path out = path(name);
        for (Path in : inputs) {
            if (in != null && sameFile(out, in)) {
                throw new UsageException("--" + name + " " + out + " is an input of this command; write to another file");
            }
        }
        return out;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            if (java.nio.file.Files.exists(a) && java.nio.file.Files.exists(b)) {
                return java.nio.file.Files.isSameFile(a, b);
            }
        } catch (java.io.IOException e) {
            // fall back to comparing the paths
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    public int integer(String name, int dflt, int min, int max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    public float number(String name, float dflt) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            float f = Float.parseFloat(v.strip());
            if (!Float.isFinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }
}
