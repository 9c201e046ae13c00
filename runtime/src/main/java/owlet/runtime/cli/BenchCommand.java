package owlet.runtime.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.OpCost;
import owlet.runtime.kernels.VectorSupport;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.command.Command;
import owlet.runtime.command.Args;
import owlet.runtime.command.Json;

/** {@code owlet bench}: latency of whole-model inference. */
public final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure inference latency (median, p90) and mult-adds per second";
    }

    @Override
    public String usage() {
        return """
                usage: owlet bench --model M [--threads N] [--runs N] [--warmup N] [--profile] [--json]

                Runs the model on a fixed pseudo-random input: --warmup untimed runs, then --runs timed
                ones. Prints the median and 90th percentile latency and the mult-adds per second at the
                median. Benchmarks on a shared machine are noisy: compare runs made together.

                  --model M     .tflite file
                  --threads N   threads per inference: each heavy operator is split across them
                                (default: the number of cores, at most 4)
                  --runs N      timed runs (default 50)
                  --warmup N    untimed runs first (default 10)
                  --profile     also time every operator (median over the runs): where the time goes
                  --json        {"model":...,"threads":...,"runs":...,"median_ms":...,"p90_ms":...,"gmacs":...}
                                (with --profile, "ops":[{"index":...,"op":...,"median_us":...},...] too)
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model", "threads", "runs", "warmup"), Set.of("json", "profile"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        int threads = args.integer("threads", Interpreter.defaultThreads(), 1, 256);
        int runs = args.integer("runs", 50, 1, 1_000_000);
        int warmup = args.integer("warmup", 10, 0, 1_000_000);
        Model model = Model.load(args.path("model"));
        try (Interpreter interpreter = Interpreter.create(model, threads)) {
            return bench(interpreter, model, threads, runs, warmup, args.flag("profile"), args.flag("json"), out);
        }
    }

    private static int bench(Interpreter interpreter, Model model, int threads, int runs, int warmup,
                             boolean profile, boolean json, PrintStream out) {
        Random random = new Random(42);
        for (int i = 0; i < model.inputs().length; i++) {
            Tensor t = interpreter.inputTensor(i);
            if (t.type() == TensorType.FLOAT32) {
                float[] v = new float[t.elementCount()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = random.nextFloat() * 2 - 1;
                }
                interpreter.setInput(i, v);
            } else if (t.type().isQuantized8()) {
                byte[] v = new byte[t.elementCount()];
                random.nextBytes(v);
                interpreter.setInput(i, v);
            }
        }
        for (int i = 0; i < warmup; i++) {
            interpreter.run();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            interpreter.run();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        long[][] opNanos = profile ? profile(interpreter, model.operators().size(), runs) : null;
        double median = percentile(nanos, 50) / 1e6;
        double p90 = percentile(nanos, 90) / 1e6;
        long macs = OpCost.totalMultAdds(model);
        double gmacs = macs / (median / 1e3) / 1e9;
        if (json) {
            StringBuilder ops = new StringBuilder();
            if (opNanos != null) {
                ops.append(",\"ops\":[");
                for (int i = 0; i < opNanos.length; i++) {
                    ops.append(i == 0 ? "" : ",").append("{\"index\":").append(i).append(",\"op\":")
                            .append(Json.string(model.operators().get(i).name())).append(",\"median_us\":")
                            .append(Json.number(percentile(opNanos[i], 50) / 1e3)).append('}');
                }
                ops.append(']');
            }
            out.println("{\"model\":" + Json.string(model.source()) + ",\"threads\":" + threads + ",\"runs\":" + runs
                    + ",\"median_ms\":" + Json.number(median) + ",\"p90_ms\":" + Json.number(p90) + ",\"gmacs\":"
                    + Json.number(gmacs) + ops + "}");
        } else {
            out.printf("%s: %d runs, %d thread(s), %s: median %.3f ms, p90 %.3f ms, %.2f GMAC/s (%,d mult-adds)%n",
                    model.source(), runs, threads, VectorSupport.describe(), median, p90, gmacs, macs);
            if (opNanos != null) {
                printProfile(model, opNanos, out);
            }
        }
        return 0;
    }

    /** Per operator, the time of each of {@code runs} runs, sorted: [operator][run]. */
    private static long[][] profile(Interpreter interpreter, int operators, int runs) {
        long[][] opNanos = new long[operators][runs];
        long[] last = new long[1];
        for (int r = 0; r < runs; r++) {
            int run = r;
            last[0] = System.nanoTime();
            interpreter.run(i -> {
                long now = System.nanoTime();
                opNanos[i][run] = now - last[0];
                last[0] = now;
            });
        }
        for (long[] n : opNanos) {
            Arrays.sort(n);
        }
        return opNanos;
    }

    private static void printProfile(Model model, long[][] opNanos, PrintStream out) {
        double total = 0;
        for (long[] n : opNanos) {
            total += percentile(n, 50);
        }
        out.printf("%nper operator, median of %d profiled runs (sum of medians %.3f ms):%n", opNanos[0].length,
                total / 1e6);
        out.printf("%3s  %-18s %-18s %10s %6s %14s %8s%n", "op", "type", "output", "µs", "share", "mult-adds",
                "GMAC/s");
        for (int i = 0; i < opNanos.length; i++) {
            Operator op = model.operators().get(i);
            double ns = percentile(opNanos[i], 50);
            long macs = OpCost.of(model, op).multAdds();
            String shape = op.outputs().length == 0 || op.outputs()[0] < 0 ? "-"
                    : Arrays.toString(model.tensor(op.outputs()[0]).shape()).replace(" ", "");
            out.printf("%3d  %-18s %-18s %10.1f %5.1f%% %,14d %8s%n", i, op.name(), shape, ns / 1e3,
                    100 * ns / total, macs, macs == 0 ? "" : String.format("%.2f", macs / ns));
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
