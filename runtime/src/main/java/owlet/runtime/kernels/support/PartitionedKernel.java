package owlet.runtime.kernels.support;

/**
 * A kernel whose work splits into independent parts, typically ranges of output rows or channel blocks.
 * {@code eval(arena, part, parts)} computes part {@code part} of {@code parts} (0 ≤ part < parts ≤
 * {@link OpContext#parts()} of its prepare), after {@link #beforeParts} has run once; the parts write
 * disjoint output bytes and only read the op's inputs and what {@code beforeParts} wrote, so different
 * threads may run them at the same time. Together they write exactly what {@link #eval(byte[])} writes.
 */
public interface PartitionedKernel extends Kernel {

    void eval(byte[] arena, int part, int parts);

    /**
     * Work every part depends on, run once per evaluation on the calling thread before any part starts
     * (a hybrid kernel quantizes its input here). Nothing by default.
     */
    default void beforeParts(byte[] arena) {
    }

    @Override
    default void eval(byte[] arena) {
        beforeParts(arena);
        eval(arena, 0, 1);
    }

    /** The first of {@code n} items that belong to {@code part} of {@code parts} (balanced ranges). */
    static int begin(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /** Bytes left unused after each part's scratch: two cache lines, so no two parts share one. */
    int SCRATCH_GAP_BYTES = 128;

    /**
     * Per-part scratch of {@code length} ints, [part][i]. Each array is followed by {@link #SCRATCH_GAP_BYTES}
     * unused bytes: arrays allocated together lie side by side, and two threads writing into one cache line
     * (false sharing) would slow each other. A precaution: spacing them made no measurable difference on
     * the machine where it was tried.
     */
    static int[][] scratchInts(int parts, int length) {
        int[][] s = new int[parts][];
        for (int p = 0; p < parts; p++) {
            s[p] = new int[length + SCRATCH_GAP_BYTES / 4];
        }
        return s;
    }

    /** Per-part scratch of {@code length} bytes, [part][i], spaced as {@link #scratchInts}. */
    static byte[][] scratchBytes(int parts, int length) {
        byte[][] s = new byte[parts][];
        for (int p = 0; p < parts; p++) {
            s[p] = new byte[length + SCRATCH_GAP_BYTES];
        }
        return s;
    }
}
