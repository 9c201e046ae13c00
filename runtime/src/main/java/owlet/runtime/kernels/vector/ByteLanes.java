package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * How the kernels widen stored bytes to their int lanes. Each site reads
 * <pre>
 * VIA_SHORTS ? ByteLanes.widenViaShorts(bytes, at) : (IntVector) ByteVector.fromArray(B, bytes, at).castShape(I, 0)
 * </pre>
 * {@code VIA_SHORTS} is a constant to the JIT, which compiles only the branch taken.
 *
 * <p>On x86, and with 8 or more int lanes, the bytes are cast straight to ints. With 4 lanes on aarch64
 * (128-bit NEON, a Raspberry Pi) they pass through 8 short lanes instead: JDK 17's aarch64 JIT does not
 * intrinsify the cast from the 8-byte species to 4 ints, so it ran the Vector API's Java fallback and
 * allocated the vectors of every kernel around it, 73.7 MB per inference of V1 0.25/128 (measured under
 * qemu-aarch64 as a Cortex-A72; see BENCHMARKS.md). Bytes to 8 shorts and 8 shorts to 4 ints are each
 * intrinsified there, and with them the shared models allocate nothing per inference under qemu (from the
 * 3rd to 9th inference on). As two casts written out at each site, the largest depthwise loops
 * went past what the JIT intrinsifies; as this method, it is inlined everywhere but into
 * {@link Depthwise3x3StridedRows}' loop of 9 taps, where the vector it returns was allocated (1.6 MB per
 * inference), so {@link Depthwise3x3Variant#choose} takes another variant on this path.
 */
final class ByteLanes {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /**
     * Whether bytes widen through shorts ({@link #widenViaShorts}): 4 int lanes on aarch64, or on any
     * machine with the system property {@code owlet.vector.viaShorts=true} (the tests' 128-bit run on x86
     * takes the Pi's path with it).
     */
    static final boolean VIA_SHORTS = L == 4
            && ("aarch64".equals(System.getProperty("os.arch")) || Boolean.getBoolean("owlet.vector.viaShorts"));
    /**
     * What a widening load reads, {@code max(8, L)} bytes: one byte species for all kernels (a ByteVector
     * of another size made the JIT box vectors once: its type profile of ByteVector.intoArray then saw two
     * vector classes).
     */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    /** The 8 short lanes between the bytes and the ints with {@link #VIA_SHORTS}. */
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;

    private ByteLanes() {
    }

    /** {@code bytes[at]..bytes[at + 3]} as 4 ints through 8 shorts; reads 8 bytes. */
    static IntVector widenViaShorts(byte[] bytes, int at) {
        return (IntVector) ByteVector.fromArray(B, bytes, at).castShape(S8, 0).castShape(I, 0);
    }
}
