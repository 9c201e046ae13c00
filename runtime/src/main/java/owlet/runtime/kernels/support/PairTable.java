package owlet.runtime.kernels.support;

/**
 * An 8-bit elementwise op of two activations of one shape whose output byte depends only on the two input
 * bytes: one lookup per element in a 65,536-entry table indexed by the two stored (arena) bytes, built at
 * prepare from the op's reference arithmetic, so the bytes are the reference's by construction. Split
 * into ranges of elements.
 */
public final class PairTable implements PartitionedKernel {
    private final int n;
    private final int aOff;
    private final int bOff;
    private final int outOff;
    /** [a & 0xFF][b & 0xFF] of the stored bytes. */
    private final byte[] table;

    /** The function a table is built from: stored bytes in, stored byte out. */
    @FunctionalInterface
    public interface Function {
        byte apply(int storedA, int storedB);
    }

    public PairTable(int n, int aOff, int bOff, int outOff, Function f) {
        this.n = n;
        this.aOff = aOff;
        this.bOff = bOff;
        this.outOff = outOff;
        this.table = new byte[256 * 256];
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                table[a << 8 | b] = f.apply((byte) a, (byte) b);
            }
        }
    }

    @Override
    public void eval(byte[] arena, int part, int parts) {
        int end = PartitionedKernel.begin(n, part + 1, parts);
        for (int i = PartitionedKernel.begin(n, part, parts); i < end; i++) {
            arena[outOff + i] = table[(arena[aOff + i] & 0xFF) << 8 | arena[bOff + i] & 0xFF];
        }
    }
}
