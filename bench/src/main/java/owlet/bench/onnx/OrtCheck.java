package owlet.bench.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.TensorType;

/**
 * How far ONNX Runtime, running a shared model through {@link TfLiteToOnnx}, is from TensorFlow Lite:
 * every reference input of {@code shared/reference/ppm/S/} against the golden output bytes of
 * {@code shared/reference/golden/MODEL.csv}. Also writes ONNX Runtime's optimized graph and counts its
 * node types, to show which fused kernels it runs.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) owlet.bench.onnx.OrtCheck \
 *     [--shared ../shared] [--optimized DIR] [MODEL...]
 * </pre>
 */
public final class OrtCheck {
    static final List<String> MODELS = List.of("mobilenet_v1_0.25_128_quant", "mobilenet_v1_0.5_160_quant",
            "mobilenet_v1_0.75_192_quant", "mobilenet_v2_1.0_224_quant", "tf2_mobilenet_v2_1.0_224_ptq");

    private OrtCheck() {
    }

    /**
     * One model's comparison: images checked, how many have TFLite's top-1 (ties to the lower index, as
     * the golden files rank), output bytes that differ and the largest difference, how many of the
     * labelled {@code imagenet-dev} images each engine classifies correctly, and the node types of the
     * exported and of the optimized graph.
     */
    public record Result(String model, int images, int top1Equal, long bytesDiffering, long bytes, int maxDifference,
                         int labelled, int tfliteCorrect, int ortCorrect, Map<String, Integer> exported, int clips,
                         Map<String, Integer> optimized) {
    }

    public static void main(String[] argv) throws Exception {
        Path shared = Path.of("../shared");
        Path optimizedDir = null;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--shared" -> shared = Path.of(argv[++i]);
                case "--optimized" -> optimizedDir = Path.of(argv[++i]);
                default -> models.add(argv[i]);
            }
        }
        if (models.isEmpty()) {
            models.addAll(MODELS);
        }
        Path dir = optimizedDir != null ? Files.createDirectories(optimizedDir) : Files.createTempDirectory("ort-optimized");
        System.out.println("| model | images | top-1 as TFLite | bytes differing | max byte difference |"
                + " top-1 correct, TFLite / ORT | exported graph | ONNX Runtime's optimized graph |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|---|");
        for (String name : models) {
            Result r;
            try {
                r = check(shared, name, dir.resolve(name + ".optimized.onnx"));
            } catch (IOException | InvalidModelException | IllegalArgumentException e) {
                System.err.println("OrtCheck: " + name + ": " + e);
                System.exit(2);
                return;
            }
            System.out.printf("| %s | %d | %d | %d / %d | %d | %d / %d of %d | %s%s | %s |%n", r.model(), r.images(),
                    r.top1Equal(), r.bytesDiffering(), r.bytes(), r.maxDifference(), r.tfliteCorrect(),
                    r.ortCorrect(), r.labelled(), r.exported(),
                    r.clips() == 0 ? "" : ", " + r.clips() + " clamps as Clip", r.optimized());
        }
        System.out.println("optimized graphs in " + dir);
    }

    /** Runs one model on every reference input (one thread) and writes its optimized graph to {@code optimized}. */
    public static Result check(Path shared, String name, Path optimized) throws Exception {
        Model model = Model.load(shared.resolve("models/" + name + ".tflite"));
        int size = model.input(0).dim(1);
        boolean signedIn = model.input(0).type() == TensorType.INT8;
        boolean unsignedOut = model.output(0).type() == TensorType.UINT8;
        Path csv = shared.resolve("reference/golden/" + name + ".csv");
        List<String> rows = Files.readAllLines(csv);
        if (rows.isEmpty() || !rows.get(0).equals("image,top1,top1_score,top5,raw")) {
            throw new IllegalArgumentException(csv + ": expected the header image,top1,top1_score,top5,raw");
        }
        byte[] out = new byte[model.output(0).elementCount()];
        int images = 0;
        int top1Equal = 0;
        long differing = 0;
        int maxDifference = 0;
        int labelled = 0;
        int tfliteCorrect = 0;
        int ortCorrect = 0;
        try (OrtRunner ort = new OrtRunner(model, 1, optimized)) {
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",");
                if (f.length != 5) {
                    throw new IllegalArgumentException(csv + ": row '" + f[0] + "' has " + f.length + " fields, expected 5");
                }
                RgbImage image = Images.read(shared.resolve("reference/ppm/" + size + "/" + f[0] + ".ppm"));
                byte[] in = image.rgb();
                if (signedIn) {
                    for (int i = 0; i < in.length; i++) {
                        in[i] ^= (byte) 0x80;
                    }
                }
                ort.setInput(in);
                ort.run();
                ort.output(out);
                byte[] golden = HexFormat.of().parseHex(f[4]);
                if (golden.length != out.length) {
                    throw new IllegalArgumentException(csv + ": row '" + f[0] + "' has " + golden.length
                            + " output bytes, the model " + out.length);
                }
                for (int i = 0; i < out.length; i++) {
                    int a = unsignedOut ? out[i] & 0xFF : out[i];
                    int b = unsignedOut ? golden[i] & 0xFF : golden[i];
                    if (a != b) {
                        differing++;
                        maxDifference = Math.max(maxDifference, Math.abs(a - b));
                    }
                }
                int top1 = top1(out, unsignedOut);
                int golden1 = Integer.parseInt(f[1]);
                if (top1 == golden1) {
                    top1Equal++;
                }
                // imagenet-dev/NNN_<synset>_<name>: the correct output index is NNN + 1.
                if (f[0].matches("\\d{3}_n\\d+_.*")) {
                    int truth = Integer.parseInt(f[0].substring(0, 3)) + 1;
                    labelled++;
                    tfliteCorrect += golden1 == truth ? 1 : 0;
                    ortCorrect += top1 == truth ? 1 : 0;
                }
                images++;
            }
            return new Result(name, images, top1Equal, differing, (long) images * out.length, maxDifference,
                    labelled, tfliteCorrect, ortCorrect, ort.converted().opCounts(), ort.converted().clips(),
                    OnnxGraph.countNodes(Files.readAllBytes(optimized)));
        }
    }

    /** The index of the highest value, the lowest index among equals (the golden files' rule). */
    static int top1(byte[] values, boolean unsigned) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            int v = unsigned ? values[i] & 0xFF : values[i];
            int b = unsigned ? values[best] & 0xFF : values[best];
            if (v > b) {
                best = i;
            }
        }
        return best;
    }
}
