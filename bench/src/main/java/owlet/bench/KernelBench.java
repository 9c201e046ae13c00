package owlet.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import owlet.runtime.kernels.Ops;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Operator;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * One kernel, single-threaded, on the real layer shapes of MobileNet V1 1.0/224 and V2 1.0/224 (uint8,
 * random weights and input; the speed of these kernels does not depend on the values). {@link #main}
 * runs them all through JMH and prints each layer's mult-adds per second.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     owlet.bench.KernelBench [-Dowlet.vector=false] [BITS ['LAYER'...]]
 * </pre>
 * BITS (128, 256, 512) caps the vector width of the measured JVM; without it, the machine's. LAYERs, as
 * in {@link #layer}, pick some of the layers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {
    /**
     * Layer: kind (pw = 1×1 conv, dw = 3×3 depthwise, conv = 3×3 conv), input H×W×C, output channels,
     * stride.
     */
    @Param({"v1 conv 224x224x3 32 s2", "v1 dw 112x112x32 s1", "v1 pw 112x112x32 64", "v1 dw 112x112x64 s2",
            "v1 pw 56x56x128 128", "v1 pw 28x28x256 256", "v1 dw 14x14x512 s1", "v1 pw 14x14x512 512",
            "v1 pw 7x7x1024 1024", "v2 dw 112x112x96 s2", "v2 pw 56x56x24 144", "v2 pw 56x56x144 24",
            "v2 pw 7x7x320 1280"})
    public String layer;

    private Kernel kernel;
    private byte[] arena;

    @Setup(Level.Trial)
    public void prepare() throws Exception {
        Layer l = Layer.parse(layer);
        Random r = new Random(1);
        kernel = Ops.prepare(l.context(r));
        arena = l.arena(r);
    }

    @Benchmark
    public byte eval() {
        kernel.eval(arena);
        return arena[arena.length - 1];
    }

    /** A parsed {@link #layer} parameter. */
    record Layer(String kind, int h, int w, int c, int outC, int stride) {
        static Layer parse(String s) {
            String[] f = s.split(" ");
            String[] d = f[2].split("x");
            int h = Integer.parseInt(d[0]);
            int w = Integer.parseInt(d[1]);
            int c = Integer.parseInt(d[2]);
            int stride = f[3].startsWith("s") ? Integer.parseInt(f[3].substring(1)) : f.length > 4
                    ? Integer.parseInt(f[4].substring(1)) : 1;
            int outC = f[1].equals("dw") ? c : Integer.parseInt(f[3]);
            return new Layer(f[1], h, w, c, outC, stride);
        }

        int outH() {
            return (h + stride - 1) / stride;
        }

        int outW() {
            return (w + stride - 1) / stride;
        }

        /**
         * The op as a one-thread context: uint8, random weights from {@code r}, zero bias, SAME padding,
         * ReLU6; the input at arena offset 0, the output after it.
         */
        OpContext context(Random r) {
            List<Tensor> tensors = new ArrayList<>();
            Quantization in = new Quantization(new float[] {0.02f}, new long[] {128}, 0);
            Quantization wq = new Quantization(new float[] {0.01f}, new long[] {120}, 0);
            Quantization out = new Quantization(new float[] {0.05f}, new long[] {0}, 0);
            tensors.add(new Tensor(0, "input", TensorType.UINT8, new int[] {1, h, w, c}, in, null));
            int k = kind.equals("pw") ? 1 : 3;
            int[] filterShape = kind.equals("dw") ? new int[] {1, 3, 3, c} : new int[] {outC, k, k, c};
            int filterSize = 1;
            for (int d : filterShape) {
                filterSize *= d;
            }
            byte[] weights = new byte[filterSize];
            r.nextBytes(weights);
            tensors.add(new Tensor(1, "filter", TensorType.UINT8, filterShape, wq, weights));
            byte[] bias = new byte[4 * outC];
            tensors.add(new Tensor(2, "bias", TensorType.INT32, new int[] {outC}, Quantization.NONE, bias));
            tensors.add(new Tensor(3, "output", TensorType.UINT8, new int[] {1, outH(), outW(), outC}, out, null));
            int[] offsets = {0, -1, -1, h * w * c};
            OperatorOptions options;
            BuiltinOp op;
            if (kind.equals("dw")) {
                op = BuiltinOp.DEPTHWISE_CONV_2D;
                options = new OperatorOptions.DepthwiseConv2D(Padding.SAME, stride, stride, 1, Activation.RELU6, 1, 1);
            } else {
                op = BuiltinOp.CONV_2D;
                options = new OperatorOptions.Conv2D(Padding.SAME, stride, stride, Activation.RELU6, 1, 1);
            }
            Operator operator = new Operator(0, op.code(), op, op.name(), 1, new int[] {0, 1, 2}, new int[] {3},
                    options);
            return new OpContext(tensors, operator, offsets, 1, true);
        }

        /** The op's arena, input and output, random from {@code r}. */
        byte[] arena(Random r) {
            byte[] arena = new byte[h * w * c + outH() * outW() * outC];
            r.nextBytes(arena);
            return arena;
        }

        long multAdds() {
            long outPixels = (long) outH() * outW();
            return switch (kind) {
                case "pw" -> outPixels * c * outC;
                case "dw" -> outPixels * 9 * c;
                default -> outPixels * 9 * c * outC;
            };
        }
    }

    /** Runs every layer and prints microseconds and GMAC/s per layer. */
    public static void main(String[] args) throws Exception {
        OptionsBuilder options = new OptionsBuilder();
        options.include(KernelBench.class.getName() + ".eval");
        List<String> jvmArgs = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
        for (String property : List.of("owlet.vector", "owlet.vector.viaShorts")) {
            String value = System.getProperty(property);
            if (value != null) {
                jvmArgs.add("-D" + property + "=" + value);
            }
        }
        // An argument caps the vector width of the forked JVM (128: a Raspberry Pi's NEON).
        if (args.length > 0) {
            jvmArgs.add("-XX:MaxVectorSize=" + Integer.parseInt(args[0]) / 8);
        }
        // Further arguments: the layers to run (default: all of them).
        if (args.length > 1) {
            options.param("layer", Arrays.copyOfRange(args, 1, args.length));
        }
        options.jvmArgsAppend(jvmArgs.toArray(new String[0]));
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println("| layer | mult-adds | µs | GMAC/s |");
        System.out.println("|---|---:|---:|---:|");
        for (RunResult result : results) {
            Map<String, String> params = Map.of("layer", result.getParams().getParam("layer"));
            Layer l = Layer.parse(params.get("layer"));
            double micros = result.getPrimaryResult().getScore();
            System.out.printf("| %s | %,d | %.1f | %.2f |%n", params.get("layer"), l.multAdds(), micros,
                    l.multAdds() / micros / 1e3);
        }
    }
}
