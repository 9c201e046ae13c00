package owlet.runtime.kernels;

/**
 * A kernel whose work splits into independent parts, typically ranges of output rows or channel blocks.
 * {@code eval(arena, part, parts)} computes part {@code part} of {@code parts} (0 ≤ part < parts ≤
 * {@link OpContext#parts()} of its prepare); the parts write disjoint output bytes and only read the
 * op's inputs, so different threads may run them at the same time. Together they write exactly what
 * {@link #eval(byte[])} writes.
 */
public interface PartitionedKernel extends Kernel {

    void eval(byte[] arena, int part, int parts);

    @Override
    default void eval(byte[] arena) {
        eval(arena, 0, 1);
    }

    /** The first of {@code n} items that belong to {@code part} of {@code parts} (balanced ranges). */
    static int begin(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }
}
