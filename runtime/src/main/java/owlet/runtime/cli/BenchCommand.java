package owlet.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.OpCost;
import owlet.runtime.image.Images;
import owlet.runtime.kernels.VectorSupport;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.command.Command;
import owlet.runtime.command.Args;
import owlet.runtime.command.Json;

/**
 * {@code owlet bench}: latency of whole-model inference; with {@code --soak}, inferences and image decodes
 * for a given time, with the process's heap, resident set, threads and open files at start and end.
 */
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
                usage: owlet bench --model M [--threads N] [--runs N] [--warmup N] [--pause-ms N]
                                   [--profile] [--json]
                       owlet bench --model M --soak DURATION [--threads N] [--json] [IMAGE...]

                Runs the model on a fixed pseudo-random input: --warmup untimed runs, then --runs timed
                ones. Prints the median and 90th percentile latency and the mult-adds per second at the
                median. Benchmarks on a shared machine are noisy: compare runs made together.

                  --model M     .tflite file
                  --threads N   threads per inference: each heavy operator is split across them
                                (default: the number of cores, at most 4)
                  --runs N      timed runs (default 50)
                  --warmup N    untimed runs first (default 10)
                  --pause-ms N  sleep N ms before every run (outside the timing): the latency of an
                                inference after idle time, as a service triggered now and then sees
                                it, rather than back to back (default 0); --profile's runs
                                pause too
                  --profile     also time every operator (median over the runs): where the time goes
                  --json        {"model":...,"threads":...,"runs":...,"pause_ms":...,"median_ms":...,
                                "p90_ms":...,"gmacs":...}
                                (with --profile, "ops":[{"index":...,"op":...,"median_us":...},...] too)
                  --soak D      instead, run for D (30s, 10m, 1h): each round decodes a picture (the IMAGE
                                files in turn, read from disk every time; without any, a BMP, a PNG and a
                                JPEG made in memory) and runs one inference. Prints the heap used after a
                                garbage collection, the resident set (VmRSS), live threads and open files
                                at the start, every minute and at the end, with the inferences done: a
                                leak shows as growth from start to end. With --json, one object a line:
                                {"soak":"start"|"progress"|"end","elapsed_s":...,"inferences":...,
                                "decodes":...,"heap_bytes":...,"rss_bytes":...,"java_threads":...,
                                "os_threads":...,"open_files":...} (null where the system does not say)
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model", "threads", "runs", "warmup", "pause-ms", "soak"),
                Set.of("json", "profile"));
        String soak = args.string("soak", null);
        if (soak != null) {
            for (String excluded : List.of("runs", "warmup", "pause-ms", "profile")) {
                if (args.flag(excluded)) {
                    throw new Args.UsageException("--soak runs for a time; --" + excluded + " does not apply");
                }
            }
        } else if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        long soakNanos = soak == null ? 0 : parseDuration(soak);
        int threads = args.integer("threads", Interpreter.defaultThreads(), 1, 256);
        int runs = args.integer("runs", 50, 1, 1_000_000);
        int warmup = args.integer("warmup", 10, 0, 1_000_000);
        int pauseMillis = args.integer("pause-ms", 0, 0, 60_000);
        Model model = Model.load(args.path("model"));
        if (soak != null) {
            List<Path> images = args.positional().stream().map(Path::of).toList();
            for (Path image : images) {
                Images.read(image); // a file that cannot be decoded is refused before the soak starts
            }
            try (Interpreter interpreter = Interpreter.create(model, threads)) {
                return soak(interpreter, model, soakNanos, images, args.flag("json"), out);
            }
        }
        try (Interpreter interpreter = Interpreter.create(model, threads)) {
            return bench(interpreter, model, threads, runs, warmup, pauseMillis, args.flag("profile"),
                    args.flag("json"), out);
        }
    }

    private static int bench(Interpreter interpreter, Model model, int threads, int runs, int warmup,
                             int pauseMillis, boolean profile, boolean json, PrintStream out)
            throws InterruptedException {
        setRandomInputs(interpreter, model);
        for (int i = 0; i < warmup; i++) {
            interpreter.run();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            pause(pauseMillis);
            long t0 = System.nanoTime();
            interpreter.run();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        long[][] opNanos = profile ? profile(interpreter, model.operators().size(), runs, pauseMillis) : null;
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
                    + ",\"pause_ms\":" + pauseMillis + ",\"median_ms\":" + Json.number(median) + ",\"p90_ms\":"
                    + Json.number(p90) + ",\"gmacs\":" + Json.number(gmacs) + ops + "}");
        } else {
            out.printf("%s: %d runs%s, %d thread(s), %s: median %.3f ms, p90 %.3f ms, %.2f GMAC/s (%,d mult-adds)%n",
                    model.source(), runs, pauseMillis > 0 ? " after " + pauseMillis + " ms pauses" : "", threads,
                    VectorSupport.describe(), median, p90, gmacs, macs);
            if (opNanos != null) {
                printProfile(model, opNanos, out);
            }
        }
        return 0;
    }

    /** Fills every input with a fixed pseudo-random tensor. */
    private static void setRandomInputs(Interpreter interpreter, Model model) {
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
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,7})([smh])");

    /** "30s", "10m", "1h" as nanoseconds; anything else is a usage error saying what is expected. */
    static long parseDuration(String text) throws Args.UsageException {
        Matcher m = DURATION.matcher(text.strip());
        long seconds = 0;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            seconds = n * switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
        }
        if (seconds <= 0 || seconds > 31L * 24 * 3600) {
            throw new Args.UsageException("--soak needs a duration such as 30s, 10m or 1h (at most 31 days), got '"
                    + text + "'");
        }
        return seconds * 1_000_000_000L;
    }

    /** Inferences and decodes for {@code nanos}, with the process's figures at start, every minute and end. */
    private static int soak(Interpreter interpreter, Model model, long nanos, List<Path> files, boolean json,
                            PrintStream out) throws IOException {
        Map<String, byte[]> inMemory = files.isEmpty() ? SoakImages.encoded() : Map.of();
        List<String> names = new ArrayList<>(files.isEmpty() ? inMemory.keySet() : files.stream().map(Path::toString).toList());
        if (!json) {
            out.printf("%s: soak for %d s, %s, decoding %s%n", model.source(), nanos / 1_000_000_000L,
                    VectorSupport.describe(), String.join(", ", names));
        }
        setRandomInputs(interpreter, model);
        long start = System.nanoTime();
        ProcessStats first = ProcessStats.sample();
        report("start", 0, 0, 0, first, json, out);
        long inferences = 0;
        long decodes = 0;
        long nextProgress = start + 60_000_000_000L;
        long now = System.nanoTime();
        while (now - start < nanos) {
            int k = (int) (decodes % names.size());
            if (files.isEmpty()) {
                Images.decode(inMemory.get(names.get(k)), names.get(k));
            } else {
                Images.read(files.get(k));
            }
            decodes++;
            interpreter.run();
            inferences++;
            now = System.nanoTime();
            if (now - nextProgress >= 0 && now - start < nanos) {
                report("progress", now - start, inferences, decodes, ProcessStats.sample(), json, out);
                nextProgress += 60_000_000_000L;
                now = System.nanoTime();
            }
        }
        ProcessStats last = ProcessStats.sample();
        report("end", now - start, inferences, decodes, last, json, out);
        if (!json) {
            out.printf("change from start to end: heap %+.1f MB, RSS %s, Java threads %+d, open files %s%n",
                    (last.heapBytes() - first.heapBytes()) / 1048576.0,
                    last.rssBytes() < 0 || first.rssBytes() < 0 ? "unknown"
                            : String.format(java.util.Locale.ROOT, "%+.1f MB", (last.rssBytes() - first.rssBytes()) / 1048576.0),
                    last.javaThreads() - first.javaThreads(),
                    last.openFiles() < 0 || first.openFiles() < 0 ? "unknown"
                            : String.format(java.util.Locale.ROOT, "%+d", last.openFiles() - first.openFiles()));
        }
        return 0;
    }

    private static void report(String when, long elapsedNanos, long inferences, long decodes, ProcessStats s,
                               boolean json, PrintStream out) {
        long seconds = elapsedNanos / 1_000_000_000L;
        if (json) {
            out.println("{\"soak\":\"" + when + "\",\"elapsed_s\":" + seconds + ",\"inferences\":" + inferences
                    + ",\"decodes\":" + decodes + ",\"heap_bytes\":" + s.heapBytes() + ",\"rss_bytes\":"
                    + orNull(s.rssBytes()) + ",\"java_threads\":" + s.javaThreads() + ",\"os_threads\":"
                    + orNull(s.osThreads()) + ",\"open_files\":" + orNull(s.openFiles()) + "}");
        } else {
            out.printf("soak %s: %d s, %d inferences, %d decodes; heap after GC %s, RSS %s, threads %d (OS %s),"
                            + " open files %s%n", when, seconds, inferences, decodes, ProcessStats.mb(s.heapBytes()),
                    ProcessStats.mb(s.rssBytes()), s.javaThreads(), ProcessStats.count(s.osThreads()),
                    ProcessStats.count(s.openFiles()));
        }
    }

    private static String orNull(long n) {
        return n < 0 ? "null" : Long.toString(n);
    }

    /** {@code --pause-ms}: idle time before a run, outside its timing. */
    private static void pause(int millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** Per operator, the time of each of {@code runs} runs, sorted: [operator][run]. */
    private static long[][] profile(Interpreter interpreter, int operators, int runs, int pauseMillis)
            throws InterruptedException {
        long[][] opNanos = new long[operators][runs];
        long[] last = new long[1];
        for (int r = 0; r < runs; r++) {
            pause(pauseMillis);
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
