package owlet.runtime.kernels.support;

/**
 * An 8-bit elementwise op whose output depends only on the input byte: one lookup per element in a
 * 256-entry table indexed by the stored (arena) byte, built at prepare by the op class (LOGISTIC,
 * quantized HARD_SWISH).
 */
public final class ByteTable implements Kernel {
    private final int n;
    private final int inOff;
    private final int outOff;
    private final byte[] table;

    public ByteTable(int n, int inOff, int outOff, byte[] table) {
        this.n = n;
        this.inOff = inOff;
        this.outOff = outOff;
        this.table = table.clone();
    }

    @Override
    public void eval(byte[] arena) {
        for (int i = 0; i < n; i++) {
            arena[outOff + i] = table[arena[inOff + i] & 0xFF];
        }
    }
}
