package owlet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Model;

/**
 * One thread against two threads with each spin-then-park policy of the worker pool, on the same model and
 * input in one JVM: the interpreters take turns, a block of runs each, so all see the same machine state.
 * The spin policy is the worker pool's {@code owlet.spin-us} property, read when an interpreter is created.
 * With {@code --busy N}, N threads of this JVM spin on a counter the whole time, the load of another
 * program on the other cores.
 *
 * <pre>
 * mvn -B -Pbench -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     owlet.bench.ThreadPolicies [--models DIR] [--blocks N] [--block-runs N] [--spins-us 1000,50,0] \
 *     [--busy N] [MODEL...]
 * </pre>
 */
public final class ThreadPolicies {
    private ThreadPolicies() {
    }

    public static void main(String[] argv) throws Exception {
        Path dir = Path.of("../shared/models");
        int blocks = 12;
        int blockRuns = 5;
        int busy = 0;
        long[] spins = {1000, 50, 0};
        List<String> models = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--models" -> dir = Path.of(argv[++i]);
                case "--blocks" -> blocks = Integer.parseInt(argv[++i]);
                case "--block-runs" -> blockRuns = Integer.parseInt(argv[++i]);
                case "--busy" -> busy = Integer.parseInt(argv[++i]);
                case "--spins-us" -> spins = Arrays.stream(argv[++i].split(",")).mapToLong(Long::parseLong).toArray();
                default -> models.add(argv[i].endsWith(".tflite") ? argv[i] : argv[i] + ".tflite");
            }
        }
        if (models.isEmpty()) {
            models = List.of("mobilenet_v2_1.0_224_quant.tflite", "mobilenet_v1_0.25_128_quant.tflite");
        }
        for (int b = 0; b < busy; b++) {
            Thread t = new Thread(ThreadPolicies::spinForever, "busy-" + b);
            t.setDaemon(true);
            t.start();
        }
        System.out.printf(Locale.ROOT, "# %s %s, %d cores, %d busy threads, %d blocks of %d runs, load average %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                Runtime.getRuntime().availableProcessors(), busy, blocks, blockRuns, loadAverage());
        for (String name : models) {
            run(dir.resolve(name), name, blocks, blockRuns, spins);
        }
        System.out.printf(Locale.ROOT, "# load average at the end %s%n", loadAverage());
    }

    private static volatile long sink;

    private static void spinForever() {
        long n = 0;
        while (true) {
            n++;
            if ((n & 0xffffff) == 0) {
                sink = n;
            }
        }
    }

    private static void run(Path file, String name, int blocks, int blockRuns, long[] spins) throws Exception {
        Model model = Model.load(file);
        byte[] input = new byte[model.input(0).elementCount()];
        new Random(42).nextBytes(input);
        List<String> labels = new ArrayList<>();
        List<Interpreter> interpreters = new ArrayList<>();
        try {
            labels.add("1 thread");
            interpreters.add(Interpreter.create(model, 1));
            for (long us : spins) {
                System.setProperty("owlet.spin-us", Long.toString(us));
                labels.add("2 threads, spin " + us + " µs");
                interpreters.add(Interpreter.create(model, 2));
            }
            System.clearProperty("owlet.spin-us");
            long[][] nanos = new long[interpreters.size()][blocks * blockRuns];
            for (int block = -2; block < blocks; block++) { // two blocks of warm-up
                for (int e = 0; e < interpreters.size(); e++) {
                    Interpreter interpreter = interpreters.get(e);
                    for (int r = 0; r < blockRuns; r++) {
                        interpreter.setInput(0, input);
                        long t0 = System.nanoTime();
                        interpreter.run();
                        long t1 = System.nanoTime();
                        if (block >= 0) {
                            nanos[e][block * blockRuns + r] = t1 - t0;
                        }
                    }
                }
            }
            System.out.println("| model | engine | median ms | p90 ms | vs 1 thread |");
            System.out.println("|---|---|---:|---:|---:|");
            double one = 0;
            for (int e = 0; e < interpreters.size(); e++) {
                long[] t = nanos[e];
                Arrays.sort(t);
                double median = t[t.length / 2] / 1e6;
                double p90 = t[(int) (t.length * 0.9)] / 1e6;
                if (e == 0) {
                    one = median;
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2fx |%n", name.replace(".tflite", ""),
                        labels.get(e), median, p90, one / median);
            }
        } finally {
            for (Interpreter interpreter : interpreters) {
                interpreter.close();
            }
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
