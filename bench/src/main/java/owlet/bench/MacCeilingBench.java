package owlet.bench;

import java.util.Collection;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.IntVector;
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
 * so an int8 product is formed in a 32-bit lane: one lane multiply and one lane add per mult-add. Three loops:
 * <ul>
 *   <li>{@link #registers}: 8 accumulators, operands already in registers: only the multiplies and adds,
 *       the ceiling of the instruction mix itself.</li>
 *   <li>{@link #tileInCache}: the pointwise GEMM's register tile with byte inputs (4 pixels × 2 blocks of
 *       output channels, one weight vector per block and k, one input byte broadcast per pixel and k), on
 *       patches and weights that stay in cache: that loop without memory traffic or output stage.</li>
 *   <li>{@link #tileWideInput}: the same tile with the patches widened to ints beforehand, as
 *       {@code IntWeightGemm} now does: a broadcast of an int from memory instead of a byte load, a sign
 *       extension and a move into a vector register.</li>
 * </ul>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     owlet.bench.MacCeilingBench
 * </pre>
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
    }

    /** Mult-adds per call of each benchmark. */
    static long multAdds(String benchmark) {
        return switch (benchmark) {
            case "registers" -> (long) STEPS * 8 * L;
            case "tileInCache", "tileWideInput" -> (long) REPEATS * DEPTH * 8 * L;
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
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(MacCeilingBench.class.getName()).build()).run();
        System.out.printf("| loop (%d-bit int lanes) | mult-adds per call | µs | GMAC/s |%n", L * 32);
        System.out.println("|---|---:|---:|---:|");
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.') + 1);
            double micros = result.getPrimaryResult().getScore();
            System.out.printf("| %s | %,d | %.1f | %.2f |%n", name, multAdds(name), micros,
                    multAdds(name) / micros / 1e3);
        }
    }
}
