package owlet.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import owlet.runtime.api.Classification;
import owlet.runtime.api.Classifier;
import owlet.runtime.api.Detector;
import owlet.runtime.api.Labels;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;
import owlet.runtime.model.Model;

/** {@code owlet classify}: classify images with a model loaded once. */
public final class ClassifyCommand implements Command {
    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String summary() {
        return "classify images with a .tflite model";
    }

    @Override
    public String usage() {
        return """
                usage: owlet classify --model M [--labels L] [--top K] [--threshold T] [--threads N]
                                      [--json] [--raw] IMAGE...

                Classifies each IMAGE (PPM/PGM, BMP; JPEG and PNG when the runtime has java.desktop) with
                the model M, loaded once. Each image is centre-cropped to a square and resized to the
                model's input size.

                  --model M       .tflite file (uint8 or int8 quantized, or float32)
                  --labels L      label file, one per line, line k = output index k
                                  (default: imagenet_labels.txt or labels.txt beside the model, if present)
                  --top K         how many results per image (default 5)
                  --threshold T   only results with score >= T (default 0)
                  --threads N     threads per inference: each heavy operator is split across them
                                  (default: the number of cores, at most 4)
                  --json          one JSON line per image:
                                  {"image":...,"top":[{"index":...,"label":...,"score":...},...]}
                  --raw           with --json, add "raw": the output tensor's bytes in hex
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model", "labels", "top", "threshold", "threads"), Set.of("json", "raw"));
        Path modelPath = args.path("model");
        int top = args.integer("top", 5, 1, 100_000);
        float threshold = args.number("threshold", 0f);
        int threads = args.integer("threads", Cli.defaultThreads(), 1, 256);
        boolean json = args.flag("json");
        boolean raw = args.flag("raw");
        if (raw && !json) {
            throw new Args.UsageException("--raw goes with --json");
        }
        List<String> images = args.positional();
        if (images.isEmpty()) {
            throw new Args.UsageException("no IMAGE given");
        }
        Labels labels = labels(args, modelPath, "imagenet_labels.txt", "labels.txt");
        Model model = Model.load(modelPath);
        if (Detector.isDetector(model)) {
            err.println("owlet classify: " + modelPath + " is an object detection model (TFLite_Detection_PostProcess);"
                    + " use owlet detect");
            return 1;
        }
        try (Classifier classifier = Classifier.create(model, labels, threads)) {
            return classifyAll(classifier, images, top, threshold, json, raw, out, err);
        }
    }

    private static int classifyAll(Classifier classifier, List<String> images, int top, float threshold,
                                   boolean json, boolean raw, PrintStream out, PrintStream err) {
        int failures = 0;
        for (String image : images) {
            RgbImage img;
            try {
                img = Images.read(Path.of(image));
            } catch (IOException e) {
                failures++;
                String msg = Cli.describe(e);
                if (json) {
                    out.println("{\"image\":" + Json.string(image) + ",\"error\":" + Json.string(msg) + "}");
                }
                err.println("owlet classify: " + image + ": " + msg);
                continue;
            }
            List<Classification> results = classifier.classify(img, top, threshold);
            if (json) {
                StringBuilder b = new StringBuilder("{\"image\":").append(Json.string(image)).append(",\"top\":[");
                for (int i = 0; i < results.size(); i++) {
                    Classification c = results.get(i);
                    b.append(i == 0 ? "" : ",").append("{\"index\":").append(c.index()).append(",\"label\":")
                            .append(Json.string(c.label())).append(",\"score\":").append(Json.number(c.score()))
                            .append('}');
                }
                b.append(']');
                if (raw) {
                    byte[] bytes = classifier.rawOutput();
                    b.append(",\"raw\":").append(bytes == null ? "null" : Json.string(Json.hex(bytes)));
                }
                out.println(b.append('}'));
            } else {
                out.println(image);
                for (Classification c : results) {
                    out.printf("  %-30s %8.6f  (%d)%n", c.label(), c.score(), c.index());
                }
            }
            out.flush();
        }
        return failures == 0 ? 0 : 1;
    }

    /** The --labels file, else the first of {@code defaults} found beside the model, else none. */
    static Labels labels(Args args, Path model, String... defaults) throws IOException {
        String given = args.string("labels", null);
        if (given != null) {
            return Labels.load(Path.of(given));
        }
        Path dir = model.toAbsolutePath().getParent();
        for (String name : defaults) {
            Path p = dir == null ? null : dir.resolve(name);
            if (p != null && Files.isRegularFile(p)) {
                return Labels.load(p);
            }
        }
        return Labels.none();
    }
}
