package owlet.bench;

import java.util.Collection;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * How many int8 mult-adds per second the Vector API can do at all on this machine: the upper bound for any
 * pure-Java kernel, to set the GEMM's rate and native libraries' against.
 *
 * <p>The Vector API has no int8 dot product (x86's {@code vpdpbusd} / {@code vpmaddwd}, Arm's {@code sdot}),
 * so an int8 product is formed in a 32-bit lane: one lane multiply and one lane add per mult-add. The loops:
 * <ul>
 *   <li>{@link #registers}: 8 accumulators, operands already in registers: only the multiplies and adds,
 *       the ceiling of the instruction mix itself.</li>
 *   <li>{@link #tileInCache}: the pointwise GEMM's register tile with byte inputs (4 pixels × 2 blocks of
 *       output channels, one weight vector per block and k, one input byte broadcast per pixel and k), on
 *       patches and weights that stay in cache: that loop without memory traffic or output stage.</li>
 *   <li>{@link #tileWideInput}: the same tile with the patches widened to ints beforehand, as the
 *       32-bit GEMM did: a broadcast of an int from memory instead of a byte load, a sign extension and a
 *       move into a vector register.</li>
 *   <li>{@link #tilePairs}: the loop of {@code PairGemm}, the GEMM since: unsigned byte pairs in 16-bit
 *       lanes, 4 pixels × 1 block, one 16-bit multiply per two patch positions and two 32-bit adds and a
 *       shift to accumulate them exactly.</li>
 *   <li>{@link #tileFloat4x2}, {@link #tileFloat6x2}: the route not taken, products of 8-bit values in
 *       float lanes with fused multiply-adds (exact while a sum stays below 2^24), 4 or 6 patches × 2 blocks;
 *       no bookkeeping per product, but 8 products per 256-bit operation (see BENCHMARKS.md).</li>
 *   <li>{@link #autoPairs}: no Vector API, the scalar loop {@code out[i] += a[2i]·b[2i] + a[2i+1]·b[2i+1]}
 *       over shorts, which C2's auto-vectorizer turns into {@code vpmaddwd} (16 mult-adds per 256-bit
 *       instruction): the accumulators go through memory every step, as a plain loop has no register
 *       tile.</li>
 *   <li>{@link #autoPairsBroadcast}: the same with {@code b} one pair of loop-invariant values, the form a
 *       GEMM needs (one patch pair against a row of weight pairs); whether C2 vectorizes it shows in the
 *       rate.</li>
 * </ul>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     owlet.bench.MacCeilingBench [BITS [LOOPS]]
 * </pre>
 * BITS (128, 256, 512) caps the vector width of the measured JVM; without it, the machine's. LOOPS, a
 * regular expression over the loops' names, runs only those.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MacCeilingBench {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, I.vectorShape());
    /** Patch length of the tiles: 2 blocks of weights (2·DEPTH·L ints, 16 KB with 16 lanes) fit in L1. */
    private static final int DEPTH = 128;
    /** Passes over the patch per call: enough work that the call itself does not count. */
    private static final int REPEATS = 64;
    /** Iterations of {@link #registers}. */
    private static final int STEPS = 16384;

    private int[] packed;
    private byte[] patches;
    private int[] widePatches;
    private int[] sink;
    private short[] pairWeights;
    private int[] pairPatches;
    private float[] floatWeights;
    private float[] floatPatches;
    /** {@link #autoPairs}' operands: AUTO_LENGTH pairs each, and as many accumulators. */
    private short[] autoA;
    private short[] autoB;
    private int[] autoOut;
    /** Accumulators of {@link #autoPairs}: a row of output channels, in L1 with its operands. */
    private static final int AUTO_LENGTH = 256;

    @Setup(Level.Trial)
    public void prepare() {
        Random r = new Random(1);
        packed = new int[2 * DEPTH * L];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = r.nextInt(255) - 127;
        }
        patches = new byte[4 * DEPTH];
        r.nextBytes(patches);
        widePatches = new int[patches.length];
        for (int i = 0; i < patches.length; i++) {
            widePatches[i] = patches[i];
        }
        sink = new int[L];
        floatWeights = new float[2 * DEPTH * L];
        for (int i = 0; i < floatWeights.length; i++) {
            floatWeights[i] = packed[i];
        }
        floatPatches = new float[6 * DEPTH];
        for (int i = 0; i < floatPatches.length; i++) {
            floatPatches[i] = patches[i % patches.length];
        }
        pairWeights = new short[DEPTH * L];
        for (int i = 0; i < pairWeights.length; i++) {
            pairWeights[i] = (short) r.nextInt(256);
        }
        autoA = new short[2 * AUTO_LENGTH];
        autoB = new short[2 * AUTO_LENGTH];
        for (int i = 0; i < autoA.length; i++) {
            autoA[i] = (short) r.nextInt(256);
            autoB[i] = (short) r.nextInt(256);
        }
        autoOut = new int[AUTO_LENGTH];
        pairPatches = new int[4 * DEPTH / 2];
        for (int i = 0; i < pairPatches.length; i++) {
            pairPatches[i] = r.nextInt(256) | r.nextInt(256) << 16;
        }
    }

    /** Mult-adds per call of each benchmark with {@code lanes} int lanes. */
    static long multAdds(String benchmark, int lanes) {
        return switch (benchmark) {
            case "registers" -> (long) STEPS * 8 * lanes;
            case "tileInCache", "tileWideInput" -> (long) REPEATS * DEPTH * 8 * lanes;
            case "tilePairs" -> (long) REPEATS * DEPTH * 4 * lanes;
            case "tileFloat4x2" -> (long) REPEATS * DEPTH * 8 * lanes;
            case "tileFloat6x2" -> (long) REPEATS * DEPTH * 12 * lanes;
            case "autoPairs", "autoPairsBroadcast" -> (long) REPEATS * DEPTH * 2 * AUTO_LENGTH;
            default -> throw new IllegalArgumentException(benchmark);
        };
    }

    @Benchmark
    public int registers() {
        IntVector f0 = IntVector.fromArray(I, packed, 0);
        IntVector f1 = IntVector.fromArray(I, packed, L);
        IntVector x0 = IntVector.broadcast(I, patches[0]);
        IntVector x1 = IntVector.broadcast(I, patches[1]);
        IntVector x2 = IntVector.broadcast(I, patches[2]);
        IntVector x3 = IntVector.broadcast(I, patches[3]);
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I), a10 = IntVector.zero(I), a11 = IntVector.zero(I);
        IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I), a30 = IntVector.zero(I), a31 = IntVector.zero(I);
        for (int s = 0; s < STEPS; s++) {
            a00 = a00.add(f0.mul(x0));
            a01 = a01.add(f1.mul(x0));
            a10 = a10.add(f0.mul(x1));
            a11 = a11.add(f1.mul(x1));
            a20 = a20.add(f0.mul(x2));
            a21 = a21.add(f1.mul(x2));
            a30 = a30.add(f0.mul(x3));
            a31 = a31.add(f1.mul(x3));
            // Varies the multiplicand so the loop cannot be reduced to a multiplication by STEPS.
            f0 = f0.add(a31);
        }
        return a00.add(a01).add(a10).add(a11).add(a20).add(a21).add(a30).add(a31).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public int tileInCache() {
        int[] acc = sink;
        for (int rep = 0; rep < REPEATS; rep++) {
            tile4x2(patches, 0, 0, acc);
        }
        return acc[0];
    }

    @Benchmark
    public int tileWideInput() {
        int[] acc = sink;
        for (int rep = 0; rep < REPEATS; rep++) {
            tile4x2(widePatches, 0, 0, acc);
        }
        return acc[0];
    }

    @Benchmark
    public int tilePairs() {
        int[] acc = sink;
        for (int rep = 0; rep < REPEATS; rep++) {
            tile4Pairs(acc);
        }
        return acc[0];
    }

    @Benchmark
    public float tileFloat4x2() {
        float s = 0;
        for (int rep = 0; rep < REPEATS; rep++) {
            s += tileFloat4x2(0);
        }
        return s;
    }

    @Benchmark
    public float tileFloat6x2() {
        float s = 0;
        for (int rep = 0; rep < REPEATS; rep++) {
            s += tileFloat6x2(0);
        }
        return s;
    }

    @Benchmark
    public int autoPairs() {
        for (int rep = 0; rep < REPEATS * DEPTH; rep++) {
            madd(autoOut, autoA, autoB);
        }
        return autoOut[0];
    }

    @Benchmark
    public int autoPairsBroadcast() {
        for (int rep = 0; rep < REPEATS * DEPTH; rep++) {
            maddBroadcast(autoOut, autoA, autoB[rep & 255], autoB[rep + 1 & 255]);
        }
        return autoOut[0];
    }

    /** The multiply-add-pairs loop C2 vectorizes as {@code vpmaddwd}. */
    private static void madd(int[] out, short[] a, short[] b) {
        for (int i = 0; i < out.length; i++) {
            out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    /** The same with one operand a loop-invariant pair, as a GEMM's broadcast patch pair would be. */
    private static void maddBroadcast(int[] out, short[] a, short b0, short b1) {
        for (int i = 0; i < out.length; i++) {
            out[i] += a[2 * i] * b0 + a[2 * i + 1] * b1;
        }
    }

    /** 4 patches × 2 blocks in float lanes, one fused multiply-add per 8-bit product. */
    private float tileFloat4x2(int i0) {
        float[] src = floatPatches;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        for (int k = 0; k < DEPTH; k++) {
            FloatVector f0 = FloatVector.fromArray(F, floatWeights, k * L);
            FloatVector f1 = FloatVector.fromArray(F, floatWeights, DEPTH * L + k * L);
            FloatVector x0 = FloatVector.broadcast(F, src[i0 + k]);
            FloatVector x1 = FloatVector.broadcast(F, src[i0 + DEPTH + k]);
            FloatVector x2 = FloatVector.broadcast(F, src[i0 + 2 * DEPTH + k]);
            FloatVector x3 = FloatVector.broadcast(F, src[i0 + 3 * DEPTH + k]);
            a00 = f0.fma(x0, a00);
            a01 = f1.fma(x0, a01);
            a10 = f0.fma(x1, a10);
            a11 = f1.fma(x1, a11);
            a20 = f0.fma(x2, a20);
            a21 = f1.fma(x2, a21);
            a30 = f0.fma(x3, a30);
            a31 = f1.fma(x3, a31);
        }
        return a00.add(a01).add(a10).add(a11).add(a20).add(a21).add(a30).add(a31).reduceLanes(VectorOperators.ADD);
    }

    /** 6 patches × 2 blocks in float lanes: 12 accumulators, 2 weights and a broadcast in 16 registers. */
    private float tileFloat6x2(int i0) {
        float[] src = floatPatches;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        FloatVector a40 = FloatVector.zero(F), a41 = FloatVector.zero(F);
        FloatVector a50 = FloatVector.zero(F), a51 = FloatVector.zero(F);
        for (int k = 0; k < DEPTH; k++) {
            FloatVector f0 = FloatVector.fromArray(F, floatWeights, k * L);
            FloatVector f1 = FloatVector.fromArray(F, floatWeights, DEPTH * L + k * L);
            FloatVector x = FloatVector.broadcast(F, src[i0 + k]);
            a00 = f0.fma(x, a00);
            a01 = f1.fma(x, a01);
            x = FloatVector.broadcast(F, src[i0 + DEPTH + k]);
            a10 = f0.fma(x, a10);
            a11 = f1.fma(x, a11);
            x = FloatVector.broadcast(F, src[i0 + 2 * DEPTH + k]);
            a20 = f0.fma(x, a20);
            a21 = f1.fma(x, a21);
            x = FloatVector.broadcast(F, src[i0 + 3 * DEPTH + k]);
            a30 = f0.fma(x, a30);
            a31 = f1.fma(x, a31);
            x = FloatVector.broadcast(F, src[i0 + 4 * DEPTH + k]);
            a40 = f0.fma(x, a40);
            a41 = f1.fma(x, a41);
            x = FloatVector.broadcast(F, src[i0 + 5 * DEPTH + k]);
            a50 = f0.fma(x, a50);
            a51 = f1.fma(x, a51);
        }
        return a00.add(a01).add(a10).add(a11).add(a20).add(a21).add(a30).add(a31).add(a40).add(a41).add(a50)
                .add(a51).reduceLanes(VectorOperators.ADD);
    }

    /** PairGemm's tile: 4 patches of DEPTH / 2 input pairs against one block of weight pairs. */
    private void tile4Pairs(int[] acc) {
        int pairs = DEPTH / 2;
        int[] src = pairPatches;
        IntVector t0 = IntVector.zero(I), h0 = IntVector.zero(I);
        IntVector t1 = IntVector.zero(I), h1 = IntVector.zero(I);
        IntVector t2 = IntVector.zero(I), h2 = IntVector.zero(I);
        IntVector t3 = IntVector.zero(I), h3 = IntVector.zero(I);
        for (int q = 0; q < pairs; q++) {
            ShortVector f = ShortVector.fromArray(ShortVector.SPECIES_PREFERRED, pairWeights, q * 2 * L);
            IntVector p0 = f.mul(IntVector.broadcast(I, src[q]).reinterpretAsShorts()).reinterpretAsInts();
            IntVector p1 = f.mul(IntVector.broadcast(I, src[pairs + q]).reinterpretAsShorts()).reinterpretAsInts();
            IntVector p2 = f.mul(IntVector.broadcast(I, src[2 * pairs + q]).reinterpretAsShorts()).reinterpretAsInts();
            IntVector p3 = f.mul(IntVector.broadcast(I, src[3 * pairs + q]).reinterpretAsShorts()).reinterpretAsInts();
            t0 = t0.add(p0);
            h0 = h0.add(p0.lanewise(VectorOperators.LSHR, 16));
            t1 = t1.add(p1);
            h1 = h1.add(p1.lanewise(VectorOperators.LSHR, 16));
            t2 = t2.add(p2);
            h2 = h2.add(p2.lanewise(VectorOperators.LSHR, 16));
            t3 = t3.add(p3);
            h3 = h3.add(p3.lanewise(VectorOperators.LSHR, 16));
        }
        t0.add(t1).add(t2).add(t3).sub(h0.add(h1).add(h2).add(h3).mul(65535)).add(IntVector.fromArray(I, acc, 0))
                .intoArray(acc, 0);
    }

    /** {@link #tile4x2(byte[], int, int, int[])} with the patches as ints. */
    private void tile4x2(int[] src, int i0, int b, int[] acc) {
        int i1 = i0 + DEPTH;
        int i2 = i1 + DEPTH;
        int i3 = i2 + DEPTH;
        int w0 = b * DEPTH * L;
        int w1 = w0 + DEPTH * L;
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
        IntVector a10 = IntVector.zero(I), a11 = IntVector.zero(I);
        IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I);
        IntVector a30 = IntVector.zero(I), a31 = IntVector.zero(I);
        for (int k = 0; k < DEPTH; k++) {
            IntVector f0 = IntVector.fromArray(I, packed, w0 + k * L);
            IntVector f1 = IntVector.fromArray(I, packed, w1 + k * L);
            IntVector x0 = IntVector.broadcast(I, src[i0 + k]);
            IntVector x1 = IntVector.broadcast(I, src[i1 + k]);
            IntVector x2 = IntVector.broadcast(I, src[i2 + k]);
            IntVector x3 = IntVector.broadcast(I, src[i3 + k]);
            a00 = a00.add(f0.mul(x0));
            a01 = a01.add(f1.mul(x0));
            a10 = a10.add(f0.mul(x1));
            a11 = a11.add(f1.mul(x1));
            a20 = a20.add(f0.mul(x2));
            a21 = a21.add(f1.mul(x2));
            a30 = a30.add(f0.mul(x3));
            a31 = a31.add(f1.mul(x3));
        }
        a00.add(a01).add(a10).add(a11).add(a20).add(a21).add(a30).add(a31).add(IntVector.fromArray(I, acc, 0))
                .intoArray(acc, 0);
    }

    /** The GEMM's register tile over one patch length, accumulators to {@code acc} (as the kernel does). */
    private void tile4x2(byte[] src, int i0, int b, int[] acc) {
        int i1 = i0 + DEPTH;
        int i2 = i1 + DEPTH;
        int i3 = i2 + DEPTH;
        int w0 = b * DEPTH * L;
        int w1 = w0 + DEPTH * L;
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
        IntVector a10 = IntVector.zero(I), a11 = IntVector.zero(I);
        IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I);
        IntVector a30 = IntVector.zero(I), a31 = IntVector.zero(I);
        for (int k = 0; k < DEPTH; k++) {
            IntVector f0 = IntVector.fromArray(I, packed, w0 + k * L);
            IntVector f1 = IntVector.fromArray(I, packed, w1 + k * L);
            IntVector x0 = IntVector.broadcast(I, src[i0 + k]);
            IntVector x1 = IntVector.broadcast(I, src[i1 + k]);
            IntVector x2 = IntVector.broadcast(I, src[i2 + k]);
            IntVector x3 = IntVector.broadcast(I, src[i3 + k]);
            a00 = a00.add(f0.mul(x0));
            a01 = a01.add(f1.mul(x0));
            a10 = a10.add(f0.mul(x1));
            a11 = a11.add(f1.mul(x1));
            a20 = a20.add(f0.mul(x2));
            a21 = a21.add(f1.mul(x2));
            a30 = a30.add(f0.mul(x3));
            a31 = a31.add(f1.mul(x3));
        }
        a00.add(a01).add(a10).add(a11).add(a20).add(a21).add(a30).add(a31).add(IntVector.fromArray(I, acc, 0))
                .intoArray(acc, 0);
    }

    /** Runs the loops and prints mult-adds per second. */
    public static void main(String[] args) throws Exception {
        // An argument caps the vector width of the forked JVM (128: a Raspberry Pi's NEON).
        int bits = args.length > 0 ? Integer.parseInt(args[0]) : L * 32;
        OptionsBuilder options = new OptionsBuilder();
        // A second argument picks loops by a regular expression over their names.
        options.include(MacCeilingBench.class.getName() + "\\." + (args.length > 1 ? args[1] : ".*"));
        if (args.length > 0) {
            options.jvmArgsAppend("--add-modules", "jdk.incubator.vector", "-XX:MaxVectorSize=" + bits / 8);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        int lanes = bits / 32;
        System.out.printf("| loop (%d-bit int lanes) | mult-adds per call | µs | GMAC/s |%n", bits);
        System.out.println("|---|---:|---:|---:|");
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.') + 1);
            double micros = result.getPrimaryResult().getScore();
            System.out.printf("| %s | %,d | %.1f | %.2f |%n", name, multAdds(name, lanes), micros,
                    multAdds(name, lanes) / micros / 1e3);
        }
    }
}
