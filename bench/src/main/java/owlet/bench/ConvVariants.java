package owlet.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import owlet.runtime.kernels.Conv2D;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.kernels.vector.ConvGemmVariant;

/**
 * CONV_2D kernel variants side by side in one JVM: each layer prepared in every variant, checked to give
 * the same output bytes, then timed in alternating blocks (each variant once per block, one thread), so
 * that this machine's slow and fast phases fall on all of them alike. Prints each variant's median time
 * per call and its speed-up over the first variant (the first one's time over its own).
 *
 * <pre>
 * mvn -B -Pbench -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector [-XX:MaxVectorSize=16] \
 *     -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     owlet.bench.ConvVariants [--blocks N] [--variants GATHERED_GEMM,ROW_PAIRS] [LAYER...]
 * </pre>
 * A LAYER is written as {@link KernelBench}'s ("v1 conv 128x128x3 8 s2": 3×3, input 128×128×3, 8 output
 * channels, stride 2; "pw" for 1×1); without any, the first layers of the shared models and three 3×3
 * convolutions of 16 to 64 channels.
 */
public final class ConvVariants {
    private static final List<String> DEFAULT_LAYERS = List.of("v1 conv 128x128x3 8 s2", "v1 conv 160x160x3 16 s2",
            "v1 conv 192x192x3 24 s2", "v2 conv 224x224x3 32 s2", "ssd conv 300x300x3 32 s2",
            "x conv 28x28x32 32 s1", "x conv 56x56x16 32 s2", "x conv 14x14x64 64 s1");
    /** Mult-adds per block and variant: about a millisecond of work. */
    private static final long BLOCK_MULT_ADDS = 10_000_000L;

    private ConvVariants() {
    }

    public static void main(String[] argv) throws Exception {
        int blocks = 31;
        List<ConvGemmVariant> variants = List.of(ConvGemmVariant.GATHERED_GEMM, ConvGemmVariant.ROW_PAIRS);
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--blocks" -> blocks = Integer.parseInt(argv[++i]);
                case "--variants" -> variants = Arrays.stream(argv[++i].split(",")).map(ConvGemmVariant::valueOf).toList();
                default -> layers.add(argv[i]);
            }
        }
        if (layers.isEmpty()) {
            layers = DEFAULT_LAYERS;
        }
        System.out.printf(Locale.ROOT, "# %s %s, %d blocks, median per call%n", System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"), blocks);
        System.out.println("| layer | " + String.join(" | ", variants.stream().map(v -> v + " µs (GMAC/s)").toList())
                + " | " + String.join(" | ", variants.stream().skip(1).map(v -> v + " speed-up").toList()) + " |");
        for (String spec : layers) {
            run(KernelBench.Layer.parse(spec), spec, variants, blocks);
        }
    }

    private static void run(KernelBench.Layer layer, String spec, List<ConvGemmVariant> variants, int blocks)
            throws Exception {
        Random r = new Random(1);
        OpContext ctx = layer.context(r);
        byte[] arena = layer.arena(r);
        List<Kernel> kernels = new ArrayList<>();
        byte[] first = null;
        for (ConvGemmVariant v : variants) {
            Kernel k = Conv2D.prepare(ctx, v);
            if (k == null) {
                throw new IllegalArgumentException(v + " does not take " + spec);
            }
            byte[] out = arena.clone();
            k.eval(out);
            if (first == null) {
                first = out;
            } else if (!Arrays.equals(first, out)) {
                throw new AssertionError(v + " and " + variants.get(0) + " differ on " + spec);
            }
            kernels.add(k);
        }
        int calls = (int) Math.max(1, BLOCK_MULT_ADDS / layer.multAdds());
        for (int i = 0; i < 20 * calls; i++) {
            for (Kernel k : kernels) {
                k.eval(arena);
            }
        }
        double[][] micros = new double[kernels.size()][blocks];
        for (int b = 0; b < blocks; b++) {
            for (int v = 0; v < kernels.size(); v++) {
                Kernel k = kernels.get(v);
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    k.eval(arena);
                }
                micros[v][b] = (System.nanoTime() - t0) / 1e3 / calls;
            }
        }
        StringBuilder line = new StringBuilder("| " + spec + " |");
        double[] median = new double[kernels.size()];
        for (int v = 0; v < kernels.size(); v++) {
            Arrays.sort(micros[v]);
            median[v] = micros[v][blocks / 2];
            line.append(String.format(Locale.ROOT, " %.1f (%.2f) |", median[v], layer.multAdds() / median[v] / 1e3));
        }
        for (int v = 1; v < kernels.size(); v++) {
            line.append(String.format(Locale.ROOT, " %.2f |", median[0] / median[v]));
        }
        System.out.println(line);
    }
}
