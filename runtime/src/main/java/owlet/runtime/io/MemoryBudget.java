package owlet.runtime.io;

import java.util.Locale;

/**
 * How much heap Owlet lets one model or one picture take, decided before anything is allocated for it: a
 * limit is found by arithmetic on declared sizes, never by an {@link OutOfMemoryError}.
 *
 * <p>The budget is the JVM's maximum heap ({@link Runtime#maxMemory()}, set with {@code -Xmx}), or the
 * system property {@value #PROPERTY} when that is given (bytes, or a number with {@code k}, {@code m} or
 * {@code g}). A request fits when it is at most the budget less the heap in use now; when it does not,
 * the heap is collected once and measured again, so garbage does not refuse a picture that fits.
 */
public final class MemoryBudget {
    /** The system property that sets the budget, e.g. {@code -Dowlet.memory-budget=200m}. */
    public static final String PROPERTY = "owlet.memory-budget";

    private MemoryBudget() {}

    /** The budget in bytes. */
    public static long limit() {
        long max = Runtime.getRuntime().maxMemory();
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return max;
        }
        long set = parse(v.strip());
        return Math.min(set, max);
    }

    /**
     * Null when {@code bytes} more fit in the budget now; otherwise why not, as a phrase such as
     * "needs 300 MB, more than the 190 MB left of the 256 MB memory budget (-Xmx or -Dowlet.memory-budget)".
     */
    public static String shortfall(long bytes) {
        if (bytes <= available()) {
            return null;
        }
        System.gc(); // only near the limit: what is in use may be garbage
        long left = available();
        if (bytes <= left) {
            return null;
        }
        return "needs " + mb(bytes) + ", more than the " + mb(Math.max(0, left)) + " left of the " + mb(limit())
                + " memory budget (raise -Xmx, or set -D" + PROPERTY + ")";
    }

    private static long available() {
        Runtime r = Runtime.getRuntime();
        return limit() - (r.totalMemory() - r.freeMemory());
    }

    /** A byte count for messages: "300 MB" (MiB, rounded up), or bytes below 1 MiB. */
    public static String mb(long bytes) {
        if (bytes < 1 << 20) {
            return bytes + " bytes";
        }
        return String.format(Locale.ROOT, "%d MB", (bytes + (1 << 20) - 1) >> 20);
    }

    static long parse(String v) {
        char unit = Character.toLowerCase(v.charAt(v.length() - 1));
        int shift = switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
        try {
            long n = Long.parseLong(digits.strip());
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be a positive size such as 200m or 1g, got '" + v + "'");
        }
    }
}
