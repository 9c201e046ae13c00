package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import owlet.runtime.kernels.PartitionedKernel;

/**
 * 8-bit ADD of two activations of the same shape (the residual connections of MobileNet V2), {@code L}
 * elements at a time, split into ranges of elements. The arithmetic is {@link owlet.runtime.kernels.Add}'s,
 * lane by lane: each input {@code RoundingDivideByPOT(SRDHM((q - z)·2^20, M_i), e_i)}, their sum through the
 * output multiplier, plus the output zero point, clamped ({@link VectorRequant#multiply} gives the same
 * bytes as the scalar fixed-point functions). A last, partial vector reads into the bytes after its range
 * (the next range, or the arena's tail) and stores only its own elements.
 */
final class AddVector implements PartitionedKernel {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    /** Bytes of one int vector after narrowing, when a byte species of L lanes exists (L >= 8). */
    private static final VectorSpecies<Byte> NARROW = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8))
            : null;
    private static final int LEFT_SHIFT = 20;

    private final int n;
    private final int aAt;
    private final int bAt;
    private final int outAt;
    private final int aOffset;
    private final int bOffset;
    /** Per multiplier (a, b, output): low 16 bits, high 16 bits, right shift, its mask and half mask. */
    private final int[][] a;
    private final int[][] b;
    private final int[][] o;
    private final int outZp;
    private final int actMin;
    private final int actMax;
    private final int storeShift;
    private final int[][] scratch;

    /**
     * @param aOffset, bOffset   {@code -z} of each input in the arena's representation
     * @param aShift, bShift, outShift TFLite's exponents, at most 0
     * @param actMin, actMax     the clamp, in the output's original representation
     * @param storeShift         subtracted from the clamped value to store it (see Quant8)
     */
    AddVector(int n, int aAt, int bAt, int outAt, int aOffset, int aMult, int aShift, int bOffset, int bMult,
              int bShift, int outMult, int outShift, int outZp, int actMin, int actMax, int storeShift, int parts) {
        this.n = n;
        this.aAt = aAt;
        this.bAt = bAt;
        this.outAt = outAt;
        this.aOffset = aOffset;
        this.bOffset = bOffset;
        this.a = multiplier(aMult, aShift);
        this.b = multiplier(bMult, bShift);
        this.o = multiplier(outMult, outShift);
        this.outZp = outZp;
        this.actMin = actMin;
        this.actMax = actMax;
        this.storeShift = storeShift;
        this.scratch = PartitionedKernel.scratchInts(parts, 2 * L);
    }

    /** One multiplier as {@link VectorRequant#multiply} takes it: rows ml, mh, e, mask, half of L equal lanes. */
    private static int[][] multiplier(int mult, int shift) {
        int right = -shift;
        int mask = (1 << right) - 1;
        int[] values = {mult & 0xFFFF, mult >>> 16, right, mask, mask >> 1};
        int[][] rows = new int[values.length][L];
        for (int k = 0; k < values.length; k++) {
            java.util.Arrays.fill(rows[k], values[k]);
        }
        return rows;
    }

    @Override
    public void eval(byte[] arena, int part, int parts) {
        int i0 = PartitionedKernel.begin(n, part, parts);
        int i1 = PartitionedKernel.begin(n, part + 1, parts);
        // [0, L): input a, then the sum; [L, 2L): input b.
        int[] acc = scratch[part];
        for (int i = i0; i < i1; i += L) {
            ((IntVector) ByteVector.fromArray(B, arena, aAt + i).convertShape(VectorOperators.B2I, I, 0))
                    .add(aOffset).lanewise(VectorOperators.LSHL, LEFT_SHIFT).intoArray(acc, 0);
            ((IntVector) ByteVector.fromArray(B, arena, bAt + i).convertShape(VectorOperators.B2I, I, 0))
                    .add(bOffset).lanewise(VectorOperators.LSHL, LEFT_SHIFT).intoArray(acc, L);
            VectorRequant.multiply(acc, 0, a[0], a[1], a[2], a[3], a[4], 0, false);
            VectorRequant.multiply(acc, L, b[0], b[1], b[2], b[3], b[4], 0, false);
            IntVector.fromArray(I, acc, 0).add(IntVector.fromArray(I, acc, L)).intoArray(acc, 0);
            VectorRequant.multiply(acc, 0, o[0], o[1], o[2], o[3], o[4], 0, false);
            IntVector v = IntVector.fromArray(I, acc, 0).add(outZp).max(actMin).min(actMax).sub(storeShift);
            int count = Math.min(L, i1 - i);
            if (count == L && NARROW != null) {
                v.convertShape(VectorOperators.I2B, NARROW, 0).reinterpretAsBytes().intoArray(arena, outAt + i);
            } else {
                v.intoArray(acc, 0);
                for (int l = 0; l < count; l++) {
                    arena[outAt + i + l] = (byte) acc[l];
                }
            }
        }
    }
}
