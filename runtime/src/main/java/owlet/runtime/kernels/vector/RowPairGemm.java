package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * A CONV_2D without dilation (the first 3×3 layer of a MobileNet, 3 input channels) whose input pairs are
 * built once per output row rather than once per window: gathering and pairing each window cost several
 * times the multiplies when a window is only 27 bytes (see BENCHMARKS.md). With wide windows (16 input
 * channels and more) building whole rows of pairs costs more than gathering the windows does.
 *
 * <p>A window row is {@code n = KW·Cin} contiguous bytes of an input row padded left and right, and output
 * pixel ox's starts at byte {@code ox·strideW·Cin} of it. The pairing ({@link #rowPairing}) puts window rows
 * 2r and 2r + 1 side by side, pair {@code r·n + j} holding their byte j, and an odd last row against itself,
 * byte j beside byte {@code j + ceil(n/2)}. So for each output row the kernel pads its KH input rows, turns
 * each pair of them into one int row of input pairs (and the odd row into its own), once, and a pixel's patch
 * is a copy of {@code n} ints from each such row from its window's start. {@code Σ_k u} of a window comes
 * from the prefix sums of the rows' column sums.
 */
final class RowPairGemm extends GatheredGemm {
    /** Bytes of a window row: KW·Cin. */
    private final int n;
    /** Pairs of the odd last window row: {@code ceil(n/2)}. */
    private final int half;
    /** Pairs of window rows (KH / 2), and whether a last row pairs with itself. */
    private final int rowPairs;
    private final boolean oddRow;
    /** Bytes from one output pixel's window to the next's: strideW·Cin. */
    private final int step;
    /** Bytes of a padded input row that the windows of an output row cover. */
    private final int covered;
    /** Bytes per padded input row in {@link #rows}, with room for the vector loads past {@link #covered}. */
    private final int rowBytes;
    /** Ints per row of input pairs in {@link #pairRows}. */
    private final int pairRowInts;
    /** Per part: the KH padded input rows of the output row in {@link #builtRow}. */
    private final byte[][] rows;
    /** Per part: the rows of input pairs, one per window row pair, then the odd row's. */
    private final int[][] pairRows;
    /** Per part: at x + 1, {@code Σ u} of the padded rows' bytes before x + 1 (at 0, 0). */
    private final int[][] prefixSums;
    /** Per part: the output row (b·outH + oy) that its rows hold, -1 when none. */
    private final int[] builtRow;

    /** Without dilation: a window row is contiguous. */
    static boolean takes(Window w) {
        return w.dilationH() == 1 && w.dilationW() == 1;
    }

    RowPairGemm(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, rq, parts, rowPairing(w));
        this.n = w.kw() * w.inC();
        this.half = (n + 1) / 2;
        this.rowPairs = w.kh() / 2;
        this.oddRow = w.kh() % 2 == 1;
        this.step = w.strideW() * w.inC();
        this.covered = (w.outW() - 1) * step + n;
        int vectors = (covered + L - 1) / L * L;
        // The loads of the last vector of a row: L bytes past it, the odd row's half further, at least 8.
        this.rowBytes = vectors + half + L + 8;
        this.pairRowInts = vectors + L;
        this.rows = new byte[parts][w.kh() * rowBytes];
        this.pairRows = new int[parts][(rowPairs + (oddRow ? 1 : 0)) * pairRowInts];
        this.prefixSums = new int[parts][vectors + 1];
        this.builtRow = new int[parts];
    }

    /**
     * Pair {@code r·n + j} holds window rows 2r and 2r + 1's byte j; with an odd KH, pair
     * {@code (KH/2)·n + j} holds the last row's bytes j and {@code j + ceil(n/2)} (none past n).
     */
    static Pairing rowPairing(Window w) {
        int n = w.kw() * w.inC();
        int half = (n + 1) / 2;
        int rowPairs = w.kh() / 2;
        int pairs = rowPairs * n + (w.kh() % 2 == 1 ? half : 0);
        int[] lo = new int[pairs];
        int[] hi = new int[pairs];
        for (int r = 0; r < rowPairs; r++) {
            for (int j = 0; j < n; j++) {
                lo[r * n + j] = 2 * r * n + j;
                hi[r * n + j] = (2 * r + 1) * n + j;
            }
        }
        if (w.kh() % 2 == 1) {
            int last = (w.kh() - 1) * n;
            for (int j = 0; j < half; j++) {
                lo[rowPairs * n + j] = last + j;
                hi[rowPairs * n + j] = j + half < n ? last + j + half : -1;
            }
        }
        return new Pairing(lo, hi);
    }

    @Override
    void run(byte[] arena, int p0, int p1, int b0, int b1, int part) {
        builtRow[part] = -1;
        super.run(arena, p0, p1, b0, b1, part);
    }

    @Override
    int patch(byte[] arena, int b, int oy, int ox, int[] dst, int at, int part) {
        int row = b * w.outH() + oy;
        if (row != builtRow[part]) {
            buildRow(arena, b, oy, part);
            builtRow[part] = row;
        }
        int[] src = pairRows[part];
        int s = ox * step;
        int d = at;
        for (int r = 0; r < rowPairs; r++) {
            copy(src, r * pairRowInts + s, dst, d, n);
            d += n;
        }
        if (oddRow) {
            copy(src, rowPairs * pairRowInts + s, dst, d, half);
        }
        int[] prefix = prefixSums[part];
        return prefix[s + n] - prefix[s];
    }

    /** {@code len} ints, L at a time: up to L - 1 past them. */
    private static void copy(int[] src, int from, int[] dst, int to, int len) {
        for (int c = 0; c < len; c += L) {
            IntVector.fromArray(I, src, from + c).intoArray(dst, to + c);
        }
    }

    /** The padded input rows, rows of input pairs and prefix sums of output row (b, oy). */
    private void buildRow(byte[] arena, int b, int oy, int part) {
        Window g = w;
        byte[] padded = rows[part];
        int inRow = g.inW() * g.inC();
        int left = g.padLeft() * g.inC();
        for (int ky = 0; ky < g.kh(); ky++) {
            int at = ky * rowBytes;
            int iy = oy * g.strideH() - g.padTop() + ky;
            if (iy < 0 || iy >= g.inH()) {
                java.util.Arrays.fill(padded, at, at + rowBytes, padValue);
            } else {
                int copied = Math.min(inRow, rowBytes - left);
                java.util.Arrays.fill(padded, at, at + left, padValue);
                System.arraycopy(arena, inOffset + (b * g.inH() + iy) * inRow, padded, at + left, copied);
                java.util.Arrays.fill(padded, at + left + copied, at + rowBytes, padValue);
            }
        }
        int[] pairs = pairRows[part];
        int[] prefix = prefixSums[part];
        int last = (g.kh() - 1) * rowBytes;
        for (int x = 0; x < covered; x += L) {
            IntVector column = IntVector.zero(I);
            for (int r = 0; r < rowPairs; r++) {
                int top = 2 * r * rowBytes + x;
                int bottom = top + rowBytes;
                IntVector lo = (VIA_SHORTS ? ByteLanes.widenViaShorts(padded, top)
                        : (IntVector) ByteVector.fromArray(B, padded, top).castShape(I, 0)).add(128);
                IntVector hi = (VIA_SHORTS ? ByteLanes.widenViaShorts(padded, bottom)
                        : (IntVector) ByteVector.fromArray(B, padded, bottom).castShape(I, 0)).add(128);
                lo.add(hi.lanewise(VectorOperators.LSHL, 16)).intoArray(pairs, r * pairRowInts + x);
                column = column.add(lo).add(hi);
            }
            if (oddRow) {
                IntVector lo = (VIA_SHORTS ? ByteLanes.widenViaShorts(padded, last + x)
                        : (IntVector) ByteVector.fromArray(B, padded, last + x).castShape(I, 0)).add(128);
                IntVector hi = (VIA_SHORTS ? ByteLanes.widenViaShorts(padded, last + x + half)
                        : (IntVector) ByteVector.fromArray(B, padded, last + x + half).castShape(I, 0)).add(128);
                lo.add(hi.lanewise(VectorOperators.LSHL, 16)).intoArray(pairs, rowPairs * pairRowInts + x);
                column = column.add(lo);
            }
            column.intoArray(prefix, x + 1);
        }
        // prefix[0] is never written: 0. The running sum stays in a register (read back from the array, each
        // addition waited for the store before it).
        int running = 0;
        for (int x = 1; x <= covered; x++) {
            running += prefix[x];
            prefix[x] = running;
        }
    }
}
