package owlet.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Model;

/**
 * How a fresh JVM reaches Owlet's steady state: for each model, in a new interpreter on one thread, the
 * time and the bytes allocated by each of the first {@code --runs} inferences, then the bytes per
 * inference of {@code --batches} batches of 50. The first inferences run interpreted or C1-compiled
 * kernels, which allocate their vectors; the steady state allocates nothing. Its figures are the last
 * inference that allocated and the time the runs up to it took: what a device's warm-up has to cover.
 *
 * <pre>
 * mvn -B -Pbench -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     owlet.bench.WarmUp [--models DIR] [--runs N] [--batches N] [MODEL...]
 * </pre>
 *
 * A JVM per model gives each its own fresh start: run the class once per model for that.
 */
public final class WarmUp {
    private static final int BATCH = 50;

    private WarmUp() {
    }

    public static void main(String[] argv) throws Exception {
        Path dir = Path.of("../shared/models");
        int runs = 60;
        int batches = 10;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--models" -> dir = Path.of(argv[++i]);
                case "--runs" -> runs = Integer.parseInt(argv[++i]);
                case "--batches" -> batches = Integer.parseInt(argv[++i]);
                default -> models.add(argv[i].endsWith(".tflite") ? argv[i] : argv[i] + ".tflite");
            }
        }
        if (models.isEmpty()) {
            models = List.of("mobilenet_v1_0.25_128_quant.tflite");
        }
        ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        System.out.printf(Locale.ROOT, "# %s %s, %d cores, first %d runs one by one, then %d batches of %d%n",
                System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                Runtime.getRuntime().availableProcessors(), runs, batches, BATCH);
        for (String name : models) {
            try (Interpreter interpreter = Interpreter.create(Model.load(dir.resolve(name)), 1)) {
                byte[] input = new byte[interpreter.inputTensor(0).elementCount()];
                new Random(42).nextBytes(input);
                interpreter.setInput(0, input);
                StringBuilder perRun = new StringBuilder();
                int lastAllocating = 0;
                double millisToLast = 0;
                double total = 0;
                for (int i = 1; i <= runs; i++) {
                    long bytes = bean.getThreadAllocatedBytes(self);
                    long t0 = System.nanoTime();
                    interpreter.run();
                    double ms = (System.nanoTime() - t0) / 1e6;
                    bytes = bean.getThreadAllocatedBytes(self) - bytes;
                    total += ms;
                    if (bytes != 0) {
                        lastAllocating = i;
                        millisToLast = total;
                    }
                    perRun.append(String.format(Locale.ROOT, " %d:%.1fms/%dKB", i, ms, bytes / 1024));
                }
                StringBuilder perBatch = new StringBuilder();
                for (int b = 0; b < batches; b++) {
                    long bytes = bean.getThreadAllocatedBytes(self);
                    for (int i = 0; i < BATCH; i++) {
                        interpreter.run();
                    }
                    // Read before appending: a growing StringBuilder is an allocation of its own (it
                    // showed as 1 byte per inference in the ninth batch, when the text passed 16 chars).
                    long allocated = bean.getThreadAllocatedBytes(self) - bytes;
                    perBatch.append(' ').append(allocated / BATCH);
                }
                System.out.printf(Locale.ROOT, "%s: last allocating run %d of the first %d, %.0f ms of runs up to it%n",
                        name, lastAllocating, runs, millisToLast);
                System.out.printf(Locale.ROOT, "  per run (time/allocated):%s%n", perRun);
                System.out.printf(Locale.ROOT, "  bytes per inference, batches of %d after those:%s%n", BATCH, perBatch);
            }
        }
    }
}
