package owlet.bench;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.GetOpNameByRegistration;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteBuiltinDelegate;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteDelegate;
import org.bytedeco.tensorflowlite.TfLiteRegistration;
import owlet.bench.onnx.OrtRunner;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.OpCost;
import owlet.runtime.kernels.VectorSupport;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.TensorType;

/**
 * Owlet, TensorFlow Lite, TensorFlow Lite with its XNNPACK delegate (the bytedeco build a Java user
 * gets from Maven Central) and ONNX Runtime on the same model and the same input, in one process,
 * alternating one inference of each, so all see the same machine state. Prints per model and thread count
 * the median and p90 latency of each engine, the ratios Owlet/TFLite, Owlet/XNNPACK and Owlet/ORT of the
 * medians, Owlet's mult-adds per second at its median, how each engine's output bytes compare with
 * Owlet's (how many differ and by how much at most: XNNPACK and ONNX Runtime may round differently), and
 * how many of the model's nodes XNNPACK took.
 *
 * <ul>
 *   <li><b>TFLite</b>: the default {@code BuiltinOpResolver}. The XNNPACK delegate that it applies by
 *       default gets no quantized flags in this build and takes none of these models' nodes, so this is
 *       TFLite's builtin int8/uint8 kernels.
 *   <li><b>XNNPACK</b>: {@code BuiltinOpResolverWithoutDefaultDelegates} plus an XNNPACK delegate made
 *       through the C API with {@code QS8|QU8} and the same thread count in its own thread pool (see
 *       {@link XnnpackDelegates} for why not bytedeco's XNNPACK resolver). The nodes it does not take
 *       (e.g. SOFTMAX, QUANTIZE) run on the builtin kernels with the interpreter's threads. It needs the
 *       bench built and run on JDK 22+; otherwise, or if the delegate takes no node of a model, its row
 *       says why instead of a time. Owlet then runs on that JDK too, not on the project's JDK 17: the
 *       first line of the output names the JVM.
 *   <li><b>ORT</b>: ONNX Runtime ({@code com.microsoft.onnxruntime:onnxruntime}, CPU) on the model
 *       converted by {@link owlet.bench.onnx.TfLiteToOnnx} to an ONNX graph of QLinear operators, run by
 *       {@link OrtRunner}: all graph optimizations, intra-op threads = the row's thread count (the calling
 *       thread is one of them), one inter-op thread, pool threads that spin between tasks but stop when a
 *       run returns ({@code session.force_spinning_stop=1}), ONNX Runtime's defaults otherwise. Its graph
 *       is NCHW: the input bytes are transposed once, outside the timing, into a direct buffer the session
 *       reads, and the output is a pinned direct buffer, so the timing is the session run and its JNI call.
 *       Works on JDK 17.
 * </ul>
 *
 * <pre>
 * JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B -Pbench -pl bench -am package -DskipTests
 * $JAVA_HOME/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp bench/target/classes:$(cat bench/target/classpath.txt) owlet.bench.CompareWithTfLite \
 *     [--models DIR] [--runs N] [--warmup N] [--threads 1,2] [--engines owlet,tflite,xnnpack,ort] \
 *     [--pause-ms N] [--block N] [MODEL...]
 * </pre>
 *
 * <p>With more than one thread, each run is preceded by a pause ({@code --pause-ms}, default 50 ms, outside
 * the timing): every engine's pool threads spin for a while after a run (Owlet's for up to 50 µs, before 2026-12-03 1 ms, the
 * XNNPACK delegate's for more than 10 ms: with 10 ms pauses Owlet's two-thread V2 run still took 29 ms
 * instead of 12), and on a machine with as many cores as threads the spinning workers of the engine that
 * just ran steal the cores of the next one. After the pause every engine starts its run with parked workers, as a
 * device that classifies one picture per trigger does.
 *
 * <p>That is the latency after idle time, not back to back: on the 2-vCPU virtual machine of BENCHMARKS.md
 * ("After idle time") the second thread buys the small models little or nothing after a pause, for ONNX
 * Runtime as for Owlet. {@code --block N} measures the steady state instead: each engine runs N timed runs
 * back to back, after the pause and one untimed run, before the next engine takes its turn; the medians
 * then compare the engines' kernels and pools rather than how each recovers from idle time and from the
 * other's spinning threads. Runs are rounded up to a multiple of N.
 */
public final class CompareWithTfLite {
    private static final List<String> MODELS = List.of("mobilenet_v1_0.25_128_quant", "mobilenet_v1_0.5_160_quant",
            "mobilenet_v1_0.75_192_quant", "mobilenet_v2_1.0_224_quant", "tf2_mobilenet_v2_1.0_224_ptq");

    /** The engines, in the order they run within one round and appear in the table. */
    private enum Kind {
        OWLET("Owlet"), TFLITE("TFLite"), XNNPACK("XNNPACK"), ORT("ORT");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private CompareWithTfLite() {
    }

    public static void main(String[] argv) throws Exception {
        Path dir = Path.of("../shared/models");
        int runs = 50;
        int warmup = 15;
        int[] threads = {1, 2};
        Set<Kind> engines = EnumSet.allOf(Kind.class);
        int pauseMs = -1;
        int block = 1;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--models" -> dir = Path.of(argv[++i]);
                case "--runs" -> runs = Integer.parseInt(argv[++i]);
                case "--warmup" -> warmup = Integer.parseInt(argv[++i]);
                case "--threads" -> threads = Arrays.stream(argv[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--engines" -> engines = parseEngines(argv[++i]);
                case "--pause-ms" -> pauseMs = Integer.parseInt(argv[++i]);
                case "--block" -> block = Math.max(1, Integer.parseInt(argv[++i]));
                // A model by name (in --models) or as a file; "name.tflite" is the name too.
                default -> models.add(argv[i].endsWith(".tflite")
                        ? argv[i].substring(0, argv[i].length() - ".tflite".length()) : argv[i]);
            }
        }
        if (models.isEmpty()) {
            models.addAll(MODELS);
        }
        runs = (runs + block - 1) / block * block;
        for (String name : models) {
            if (!Files.isRegularFile(dir.resolve(name + ".tflite"))) {
                System.err.println("CompareWithTfLite: no model " + dir.resolve(name + ".tflite")
                        + " (give the names of .tflite files in --models, default ../shared/models)");
                System.exit(2);
            }
        }
        XnnpackDelegates xnnpack = null;
        String xnnpackMissing = null;
        if (engines.contains(Kind.XNNPACK)) {
            try {
                xnnpack = XnnpackDelegates.load();
            } catch (IllegalStateException e) {
                xnnpackMissing = e.getMessage();
            }
        }
        System.out.printf("# %s %s, %d cores, Owlet kernels: %s; %d runs after %d warm-up, %s, alternating %s%s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), VectorSupport.describe(), runs, warmup,
                (pauseMs >= 0 ? "pause " + pauseMs + " ms before each " : "pause 50 ms with 2+ threads before each ")
                        + (block > 1 ? "block of an untimed run and " + block + " timed runs" : "run"),
                String.join(", ", engines.stream().map(k -> k.label).toList()),
                (!engines.contains(Kind.XNNPACK) ? ""
                        : xnnpack != null ? "; XNNPACK: C API delegate, flags QS8|QU8"
                        : "; XNNPACK unavailable: " + xnnpackMissing)
                        + (engines.contains(Kind.ORT) ? "; ONNX Runtime " + ortVersion() : ""));
        Table table = new Table(engines);
        System.out.println(table.header());
        System.out.println(table.alignment());
        for (String name : models) {
            for (int t : threads) {
                int pause = pauseMs >= 0 ? pauseMs : t > 1 ? 50 : 0;
                System.out.println(table.row(compare(dir.resolve(name + ".tflite"), name, t, runs, warmup, pause, block,
                        engines, xnnpack, xnnpackMissing)));
            }
        }
    }

    private static Set<Kind> parseEngines(String list) {
        Set<Kind> engines = EnumSet.noneOf(Kind.class);
        for (String name : list.split(",")) {
            try {
                engines.add(Kind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--engines: unknown engine '" + name + "' (owlet, tflite, xnnpack, ort)", e);
            }
        }
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("--engines: none given (owlet, tflite, xnnpack, ort)");
        }
        return engines;
    }

    /** What one engine did on one model and thread count: times, last output, or why it did not run. */
    private record Result(long[] sortedNanos, byte[] output, String delegation, String missing) {
        double median() {
            return percentile(sortedNanos, 50);
        }
    }

    /** One row's worth of results, and what the table needs of the model. */
    private record Row(String name, int threads, double multAdds, TensorType outputType, Map<Kind, Result> results) {
    }

    private static Row compare(Path file, String name, int threads, int runs, int warmup, int pauseMillis, int block,
            Set<Kind> kinds, XnnpackDelegates xnnpack, String xnnpackMissing) throws Exception {
        Model model = Model.load(file);
        byte[] input = new byte[model.input(0).elementCount()];
        new Random(42).nextBytes(input);
        int outputBytes = model.output(0).byteSize();
        Map<Kind, Result> results = new EnumMap<>(Kind.class);
        List<Kind> running = new ArrayList<>();
        List<Engine> engines = new ArrayList<>();
        try {
            for (Kind kind : kinds) {
                switch (kind) {
                    case OWLET -> engines.add(new OwletEngine(Interpreter.create(model, threads)));
                    case TFLITE -> engines.add(new TfLiteEngine(file, threads, null, input.length, outputBytes));
                    case XNNPACK -> {
                        if (xnnpack == null) {
                            results.put(kind, new Result(null, null, null, xnnpackMissing));
                            continue;
                        }
                        try {
                            engines.add(new TfLiteEngine(file, threads, xnnpack, input.length, outputBytes));
                        } catch (RuntimeException e) {
                            String why = e.getMessage() != null ? e.getMessage() : e.toString();
                            results.put(kind, new Result(null, null, null, why));
                            continue;
                        }
                    }
                    case ORT -> {
                        try {
                            engines.add(new OrtEngine(new OrtRunner(model, threads, null)));
                        } catch (InvalidModelException | OrtException e) {
                            System.err.println("CompareWithTfLite: " + name + ": ORT not run: " + e.getMessage());
                            results.put(kind, new Result(null, null, null, e.getMessage()));
                            continue;
                        }
                    }
                }
                running.add(kind);
            }
            long[][] nanos = new long[engines.size()][runs];
            // Warm-up, then the timed runs, one block of each engine in turn; with blocks of more than one
            // run, each starts with an untimed run (index -1 within the block).
            int first = block > 1 ? -1 : 0;
            for (int start = -warmup; start < runs; start += start < 0 ? 1 : block) {
                int size = start < 0 ? 1 : block;
                for (int e = 0; e < engines.size(); e++) {
                    Engine engine = engines.get(e);
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                    for (int j = start < 0 ? 0 : first; j < size; j++) {
                        // Owlet's arena reuses the input's bytes for later activations: every engine gets
                        // the input before every run (outside the timing), so all start from the same
                        // state and the last outputs of all come from the same input.
                        engine.setInput(input);
                        long t0 = System.nanoTime();
                        engine.run();
                        long t1 = System.nanoTime();
                        if (start >= 0 && j >= 0) {
                            nanos[e][start + j] = t1 - t0;
                        }
                    }
                }
            }
            for (int e = 0; e < engines.size(); e++) {
                byte[] output = new byte[outputBytes];
                engines.get(e).output(output);
                Arrays.sort(nanos[e]);
                results.put(running.get(e), new Result(nanos[e], output, engines.get(e).delegation(), null));
            }
        } finally {
            for (Engine engine : engines) {
                engine.close();
            }
        }
        return new Row(name, threads, OpCost.totalMultAdds(model), model.output(0).type(), results);
    }

    /** The markdown table: its columns depend on the engines chosen. */
    private static final class Table {
        private final Set<Kind> kinds;
        /** Outputs are compared with this engine's: Owlet's when it runs. */
        private final Kind reference;

        Table(Set<Kind> kinds) {
            this.kinds = kinds;
            this.reference = kinds.iterator().next();
        }

        String header() {
            List<String> cells = new ArrayList<>(List.of("model", "threads"));
            for (Kind k : kinds) {
                cells.add(k.label + " median ms");
                cells.add(k.label + " p90 ms");
            }
            for (Kind k : ratioKinds()) {
                cells.add("Owlet/" + k.label);
            }
            if (kinds.contains(Kind.OWLET)) {
                cells.add("Owlet GMAC/s");
            }
            for (Kind k : comparedKinds()) {
                cells.add(k.label + " bytes vs " + reference.label);
            }
            if (kinds.contains(Kind.XNNPACK)) {
                cells.add("XNNPACK took");
            }
            return line(cells);
        }

        String alignment() {
            List<String> cells = new ArrayList<>(List.of("---", "---:"));
            for (int i = 0; i < 2 * kinds.size() + ratioKinds().size(); i++) {
                cells.add("---:");
            }
            if (kinds.contains(Kind.OWLET)) {
                cells.add("---:");
            }
            for (int i = 0; i < comparedKinds().size() + (kinds.contains(Kind.XNNPACK) ? 1 : 0); i++) {
                cells.add("---");
            }
            return line(cells);
        }

        String row(Row row) {
            List<String> cells = new ArrayList<>(List.of(row.name(), Integer.toString(row.threads())));
            for (Kind k : kinds) {
                Result r = row.results().get(k);
                cells.add(r.missing() == null ? ms(r.median()) : "n/a");
                cells.add(r.missing() == null ? ms(percentile(r.sortedNanos(), 90)) : "n/a");
            }
            Result owlet = row.results().get(Kind.OWLET);
            for (Kind k : ratioKinds()) {
                Result r = row.results().get(k);
                cells.add(r.missing() == null ? String.format("%.2f", owlet.median() / r.median()) : "n/a");
            }
            if (owlet != null) {
                cells.add(String.format("%.1f", row.multAdds() / owlet.median()));
            }
            Result ref = row.results().get(reference);
            for (Kind k : comparedKinds()) {
                Result r = row.results().get(k);
                cells.add(ref.missing() != null || r.missing() != null ? "n/a"
                        : compareOutputs(ref.output(), r.output(), row.outputType()));
            }
            if (kinds.contains(Kind.XNNPACK)) {
                Result r = row.results().get(Kind.XNNPACK);
                cells.add(r.missing() != null ? "not run: " + r.missing() : r.delegation());
            }
            return line(cells);
        }

        private List<Kind> ratioKinds() {
            return kinds.contains(Kind.OWLET) ? kinds.stream().filter(k -> k != Kind.OWLET).toList() : List.of();
        }

        private List<Kind> comparedKinds() {
            return kinds.stream().filter(k -> k != reference).toList();
        }

        private static String ms(double nanos) {
            return String.format("%.2f", nanos / 1e6);
        }

        private static String line(List<String> cells) {
            StringJoiner j = new StringJoiner(" | ", "| ", " |");
            cells.forEach(j::add);
            return j.toString();
        }
    }

    /**
     * "yes" when the outputs are byte for byte equal; otherwise how many values differ and the largest
     * difference: between the quantized values (read as uint8 or int8, as the output tensor is), or, for
     * a float32 output (a detector's boxes), between the floats.
     */
    static String compareOutputs(byte[] expected, byte[] actual, TensorType type) {
        if (type == TensorType.FLOAT32) {
            FloatBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            FloatBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            int differ = 0;
            double max = 0;
            for (int i = 0; i < e.limit(); i++) {
                if (Float.floatToRawIntBits(e.get(i)) != Float.floatToRawIntBits(a.get(i))) {
                    differ++;
                    max = Math.max(max, Math.abs((double) e.get(i) - a.get(i)));
                }
            }
            return differ == 0 ? "yes" : String.format("NO: %d/%d floats differ, max %.3g", differ, e.limit(), max);
        }
        return compareBytes(expected, actual, type == TensorType.UINT8);
    }

    static String compareBytes(byte[] expected, byte[] actual, boolean unsigned) {
        int differ = 0;
        int max = 0;
        for (int i = 0; i < expected.length; i++) {
            int a = unsigned ? expected[i] & 0xff : expected[i];
            int b = unsigned ? actual[i] & 0xff : actual[i];
            if (a != b) {
                differ++;
                max = Math.max(max, Math.abs(a - b));
            }
        }
        return differ == 0 ? "yes" : String.format("NO: %d/%d differ, max %d", differ, expected.length, max);
    }

    /** One inference engine under test, 8-bit input and output 0 only (its bytes, little-endian if float32). */
    private interface Engine extends AutoCloseable {
        void setInput(byte[] input);

        void run();

        void output(byte[] dst);

        /** How many nodes a delegate took, for the table; null when there is no delegate. */
        default String delegation() {
            return null;
        }

        @Override
        void close();
    }

    private record OwletEngine(Interpreter interpreter) implements Engine {
        @Override
        public void setInput(byte[] input) {
            interpreter.setInput(0, input);
        }

        @Override
        public void run() {
            interpreter.run();
        }

        @Override
        public void output(byte[] dst) {
            if (interpreter.outputTensor(0).type() == TensorType.FLOAT32) {
                float[] values = new float[dst.length / Float.BYTES];
                interpreter.outputAsFloat(0, values);
                ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
            } else {
                interpreter.output(0, dst);
            }
        }

        @Override
        public void close() {
            interpreter.close();
        }
    }

    /** ONNX Runtime on the converted graph; setInput transposes to NCHW only when the bytes changed. */
    private record OrtEngine(OrtRunner runner) implements Engine {
        @Override
        public void setInput(byte[] input) {
            runner.setInput(input);
        }

        @Override
        public void run() {
            runner.run();
        }

        @Override
        public void output(byte[] dst) {
            runner.output(dst);
        }

        @Override
        public void close() {
            runner.close();
        }
    }

    private static String ortVersion() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    /** A TensorFlow Lite interpreter: the default resolver, or no default delegate and an XNNPACK one. */
    private static final class TfLiteEngine implements Engine {
        private final FlatBufferModel model;
        private final BuiltinOpResolver resolver;
        private final org.bytedeco.tensorflowlite.Interpreter interpreter;
        private final XnnpackDelegates xnnpack;
        private long delegate;
        private String delegation;
        private BytePointer in;
        private BytePointer out;

        /**
         * With {@code xnnpack} non-null, applies an XNNPACK delegate and checks that it took at least one
         * node; throws {@link IllegalStateException} (after freeing everything) when it did not.
         */
        TfLiteEngine(Path file, int threads, XnnpackDelegates xnnpack, int inputBytes, int outputBytes) {
            this.xnnpack = xnnpack;
            model = FlatBufferModel.BuildFromFile(file.toString());
            resolver = xnnpack == null ? new BuiltinOpResolver() : new BuiltinOpResolverWithoutDefaultDelegates();
            interpreter = new org.bytedeco.tensorflowlite.Interpreter((Pointer) null);
            try {
                require(new InterpreterBuilder(model, resolver).apply(interpreter), "InterpreterBuilder");
                // Before the delegate is made and applied: both the interpreter's kernels and XNNPACK's
                // pool then use this many threads.
                require(interpreter.SetNumThreads(threads), "SetNumThreads");
                int nodes = (int) interpreter.execution_plan().limit();
                if (xnnpack != null) {
                    delegate = xnnpack.create(threads, XnnpackDelegates.FLAG_QS8 | XnnpackDelegates.FLAG_QU8);
                    require(interpreter.ModifyGraphWithDelegate(new TfLiteDelegate(pointerTo(delegate))),
                            "ModifyGraphWithDelegate(XNNPACK)");
                }
                require(interpreter.AllocateTensors(), "AllocateTensors");
                if (xnnpack != null) {
                    // The delegate replaces each run of nodes it takes with one node of its own; the
                    // rest stay in the plan as they were.
                    IntPointer plan = interpreter.execution_plan();
                    int partitions = 0;
                    Map<String, Integer> kept = new TreeMap<>();
                    for (int i = 0; i < plan.limit(); i++) {
                        TfLiteRegistration op = interpreter.node_and_registration(plan.get(i)).second();
                        if (op.builtin_code() == kTfLiteBuiltinDelegate) {
                            partitions++;
                        } else {
                            kept.merge(GetOpNameByRegistration(op), 1, Integer::sum);
                        }
                    }
                    int taken = nodes - ((int) plan.limit() - partitions);
                    StringJoiner names = new StringJoiner(", ", "; not taken: ", "").setEmptyValue("");
                    kept.forEach((name, n) -> names.add(n == 1 ? name : n + "× " + name));
                    delegation = String.format("%d/%d ops, %d partition%s%s", taken, nodes, partitions,
                            partitions == 1 ? "" : "s", names);
                    if (taken == 0) {
                        throw new IllegalStateException("XNNPACK took 0/" + nodes + " ops" + names);
                    }
                }
                // raw(): the tensor's bytes whatever their type (typed_input_tensor_byte is int8 only).
                in = interpreter.input_tensor(0).data().raw().capacity(inputBytes);
                out = interpreter.output_tensor(0).data().raw().capacity(outputBytes);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** A JavaCPP pointer to a native address that it does not own. */
        private static Pointer pointerTo(long at) {
            return new Pointer() {
                {
                    address = at;
                }
            };
        }

        @Override
        public void setInput(byte[] input) {
            in.put(input);
        }

        @Override
        public void run() {
            require(interpreter.Invoke(), "Invoke");
        }

        @Override
        public void output(byte[] dst) {
            out.get(dst);
        }

        @Override
        public String delegation() {
            return delegation;
        }

        @Override
        public void close() {
            interpreter.close();
            if (delegate != 0) {
                xnnpack.delete(delegate);
                delegate = 0;
            }
            resolver.close();
            model.close();
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
