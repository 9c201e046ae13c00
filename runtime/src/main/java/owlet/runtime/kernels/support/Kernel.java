package owlet.runtime.kernels.support;

/**
 * A prepared operator: everything it needs (shapes, arena offsets, packed weights, multipliers) was
 * computed by its op class's {@code prepare}. {@code eval} reads its inputs from the arena and writes its
 * output there; it allocates nothing and does no validation beyond assertions. The arena extends
 * {@link owlet.runtime.graph.ExecutionPlan#ARENA_TAIL_BYTES} bytes past the last tensor, which a kernel
 * may read but never write.
 */
public interface Kernel {
    void eval(byte[] arena);
}
