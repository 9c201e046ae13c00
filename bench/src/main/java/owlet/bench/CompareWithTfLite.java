package owlet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import owlet.runtime.api.Interpreter;
import owlet.runtime.graph.OpCost;
import owlet.runtime.kernels.VectorSupport;
import owlet.runtime.model.Model;

/**
 * Owlet and TensorFlow Lite (the bytedeco build a Java user gets from Maven Central, default op resolver)
 * on the same model and the same input, in one process, alternating one inference of each, so both see
 * the same machine state. Prints per model and thread count the median and p90 latency of each, the ratio
 * Owlet/TFLite of the medians, Owlet's mult-adds per second at its median, and whether the two produced
 * identical output bytes.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     owlet.bench.CompareWithTfLite [--models DIR] [--runs N] [--warmup N] [--threads 1,2] [MODEL...]
 * </pre>
 */
public final class CompareWithTfLite {
    private static final List<String> MODELS = List.of("mobilenet_v1_0.25_128_quant", "mobilenet_v1_0.5_160_quant",
            "mobilenet_v1_0.75_192_quant", "mobilenet_v2_1.0_224_quant", "tf2_mobilenet_v2_1.0_224_ptq");

    private CompareWithTfLite() {
    }

    public static void main(String[] argv) throws Exception {
        Path dir = Path.of("../shared/models");
        int runs = 50;
        int warmup = 15;
        int[] threads = {1, 2};
        List<String> models = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--models" -> dir = Path.of(argv[++i]);
                case "--runs" -> runs = Integer.parseInt(argv[++i]);
                case "--warmup" -> warmup = Integer.parseInt(argv[++i]);
                case "--threads" -> threads = Arrays.stream(argv[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> models.add(argv[i]);
            }
        }
        if (models.isEmpty()) {
            models.addAll(MODELS);
        }
        System.out.printf("# %s %s, %d cores, Owlet kernels: %s; %d runs after %d warm-up, alternating%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), VectorSupport.describe(), runs, warmup);
        System.out.println("| model | threads | Owlet median ms | Owlet p90 ms | TFLite median ms | TFLite p90 ms "
                + "| Owlet/TFLite | Owlet GMAC/s | same bytes |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (String name : models) {
            for (int t : threads) {
                compare(dir.resolve(name + ".tflite"), name, t, runs, warmup);
            }
        }
    }

    private static void compare(Path file, String name, int threads, int runs, int warmup) throws Exception {
        Model model = Model.load(file);
        FlatBufferModel tfModel = FlatBufferModel.BuildFromFile(file.toString());
        BuiltinOpResolver resolver = new BuiltinOpResolver();
        org.bytedeco.tensorflowlite.Interpreter tf = new org.bytedeco.tensorflowlite.Interpreter((org.bytedeco.javacpp.Pointer) null);
        try (Interpreter owlet = Interpreter.create(model, threads)) {
            require(new InterpreterBuilder(tfModel, resolver).apply(tf), "InterpreterBuilder");
            require(tf.SetNumThreads(threads), "SetNumThreads");
            require(tf.AllocateTensors(), "AllocateTensors");
            byte[] input = new byte[model.input(0).elementCount()];
            new Random(42).nextBytes(input);
            // raw(): the tensor's bytes whatever their type (typed_input_tensor_byte is int8 only).
            BytePointer tfIn = tf.input_tensor(0).data().raw().capacity(input.length);
            tfIn.put(input);
            long[] owletNanos = new long[runs];
            long[] tfNanos = new long[runs];
            for (int i = -warmup; i < runs; i++) {
                // Owlet's arena reuses the input's bytes for later activations: set it before every run
                // (outside the timing) so that the last outputs of both come from the same input.
                owlet.setInput(0, input);
                long t0 = System.nanoTime();
                owlet.run();
                long t1 = System.nanoTime();
                require(tf.Invoke(), "Invoke");
                long t2 = System.nanoTime();
                if (i >= 0) {
                    owletNanos[i] = t1 - t0;
                    tfNanos[i] = t2 - t1;
                }
            }
            byte[] a = new byte[model.output(0).elementCount()];
            byte[] b = new byte[a.length];
            owlet.output(0, a);
            tf.output_tensor(0).data().raw().capacity(b.length).get(b);
            Arrays.sort(owletNanos);
            Arrays.sort(tfNanos);
            double om = percentile(owletNanos, 50);
            double tm = percentile(tfNanos, 50);
            double gmacs = OpCost.totalMultAdds(model) / om;
            System.out.printf("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %s |%n", name, threads, om / 1e6,
                    percentile(owletNanos, 90) / 1e6, tm / 1e6, percentile(tfNanos, 90) / 1e6, om / tm, gmacs,
                    Arrays.equals(a, b) ? "yes" : "NO");
        } finally {
            tf.close();
            resolver.close();
            tfModel.close();
        }
    }

    private static void require(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException("TensorFlow Lite " + what + " returned status " + status);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
