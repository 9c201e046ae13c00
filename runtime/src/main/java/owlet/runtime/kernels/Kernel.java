package owlet.runtime.kernels;

/**
 * A prepared operator: everything it needs (shapes, arena offsets, packed weights, multipliers) was
 * computed by its op class's {@code prepare}. {@code eval} reads its inputs from the arena and writes its
 * output there; it allocates nothing and does no validation beyond assertions.
 */
public interface Kernel {
    void eval(byte[] arena);
}
