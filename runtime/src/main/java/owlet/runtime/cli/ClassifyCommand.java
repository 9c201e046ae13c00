package owlet.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import owlet.runtime.api.Classification;
import owlet.runtime.api.Classifier;
import owlet.runtime.api.Interpreter;
import owlet.runtime.api.Detector;
import owlet.runtime.api.Labels;
import owlet.runtime.image.Images;
import owlet.runtime.io.InputFiles;
import owlet.runtime.model.Model;
import owlet.runtime.command.Command;
import owlet.runtime.command.Args;
import owlet.runtime.command.Json;
import owlet.runtime.io.Failures;

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

    /** Batches larger than this get progress lines on stderr. */
    static final int PROGRESS_MIN_IMAGES = 10;
    /** At most one progress line this often. */
    static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;

    @Override
    public String usage() {
        return """
                usage: owlet classify --model M [--labels L] [--top K] [--threshold T] [--threads N]
                                      [--json] [--raw] [--recursive] IMAGE|FOLDER...

                Classifies each IMAGE (PPM/PGM, BMP; JPEG and PNG when the runtime has java.desktop), and
                the image files of each FOLDER (sorted by name), with the model M, loaded once. Each image
                is centre-cropped to the input's aspect ratio, resized to the input's size, and turned to
                gray for a 1-channel input. A file that fails gets an error line; the others still run.

                  --model M       .tflite file (uint8 or int8 quantized, or float32)
                  --labels L      label file: one label per line (line k = output k), or 'INDEX LABEL'
                                  lines, or an SSD label map starting with '???'
                                  (default: imagenet_labels.txt or labels.txt beside the model, if present)
                  --top K         how many results per image (default 5)
                  --threshold T   only results with score >= T (default 0)
                  --threads N     threads per inference: each heavy operator is split across them
                                  (default: the number of cores, at most 4)
                  --recursive     also the images in the subfolders of each FOLDER
                  --json          one JSON line per image:
                                  {"image":...,"top":[{"index":...,"label":...,"score":...},...]}
                  --raw           with --json, add "raw": the output tensor's bytes in hex
                                  (float32 outputs: each value's 4 bytes, little-endian)
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model", "labels", "top", "threshold", "threads"),
                Set.of("json", "raw", "recursive"));
        Path modelPath = args.path("model");
        int top = args.integer("top", 5, 1, 100_000);
        float threshold = args.number("threshold", 0f);
        int threads = args.integer("threads", Interpreter.defaultThreads(), 1, 256);
        boolean json = args.flag("json");
        boolean raw = args.flag("raw");
        boolean recursive = args.flag("recursive");
        if (raw && !json) {
            throw new Args.UsageException("--raw goes with --json");
        }
        if (args.positional().isEmpty()) {
            throw new Args.UsageException("no IMAGE given");
        }
        String given = args.string("labels", null);
        Labels labels = Labels.forModel(modelPath, given == null ? null : Path.of(given));
        Model model = Model.load(modelPath);
        if (Detector.isDetector(model)) {
            err.println("owlet classify: " + modelPath + " is an object detection model (TFLite_Detection_PostProcess);"
                    + " use owlet detect");
            return 1;
        }
        Batch batch = new Batch(json, out, err);
        List<Path> images = batch.expand(args.positional(), recursive);
        // the model's own errors first; one image is a one-shot run, on the kernels that finish it soonest
        Interpreter.Options options = Interpreter.Options.forInferences(threads, images.size());
        try (Interpreter interpreter = Interpreter.create(model, options)) {
            Classifier classifier = new Classifier(interpreter,
                    labels.fitOutputs(model.output(0).elementCount(), w -> err.println("owlet classify: warning: " + w)));
            batch.classifyAll(classifier, images, top, threshold, raw, System::nanoTime);
        }
        return batch.failures == 0 ? 0 : 1;
    }

    /** One run over the images: error lines, progress and the failure count. */
    static final class Batch {
        private final boolean json;
        private final PrintStream out;
        private final PrintStream err;
        int failures;

        Batch(boolean json, PrintStream out, PrintStream err) {
            this.json = json;
            this.out = out;
            this.err = err;
        }

        /** The arguments with each folder replaced by its image files; a folder that fails is an error line. */
        List<Path> expand(List<String> arguments, boolean recursive) {
            List<Path> images = new ArrayList<>();
            for (String a : arguments) {
                Path p = Path.of(a);
                if (!Files.isDirectory(p)) {
                    images.add(p);
                    continue;
                }
                try {
                    List<Path> found = InputFiles.imageFiles(p, recursive);
                    if (found.isEmpty()) {
                        fail(p, p + ": no image files (" + String.join(" ", InputFiles.IMAGE_EXTENSIONS) + ")"
                                + (recursive ? "" : "; --recursive looks in subfolders too"));
                    }
                    images.addAll(found);
                } catch (IOException e) {
                    fail(p, Failures.describe(e));
                }
            }
            return images;
        }

        void classifyAll(Classifier classifier, List<Path> images, int top, float threshold, boolean raw,
                         LongSupplier nanoTime) {
            boolean progress = images.size() > PROGRESS_MIN_IMAGES;
            long lastProgress = nanoTime.getAsLong();
            for (int i = 0; i < images.size(); i++) {
                Path image = images.get(i);
                try {
                    List<Classification> results = classifier.classify(Images.read(image), top, threshold);
                    print(image, results, raw ? classifier.rawOutput() : null);
                } catch (IOException e) {
                    fail(image, Failures.describe(e));
                } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                    // Whatever one file does to the decoder or the model, the rest of the batch still runs.
                    fail(image, "internal error: " + e);
                }
                long now = nanoTime.getAsLong();
                if (progress && (now - lastProgress >= PROGRESS_INTERVAL_NANOS || i + 1 == images.size())) {
                    err.println(String.format(Locale.ROOT, "owlet classify: %d / %d images%s", i + 1, images.size(),
                            failures == 0 ? "" : ", " + failures + " failed"));
                    lastProgress = now;
                }
            }
        }

        private void print(Path image, List<Classification> results, byte[] raw) {
            if (json) {
                StringBuilder b = new StringBuilder("{\"image\":").append(Json.string(image.toString()))
                        .append(",\"top\":");
                Json.appendTop(b, results);
                if (raw != null) {
                    b.append(",\"raw\":").append(Json.string(Json.hex(raw)));
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

        /**
         * An error line on stderr naming the file once ({@code owlet classify: PATH: what}), and with
         * {@code --json} an error object on stdout whose message leaves out the path the object names.
         */
        void fail(Path image, String message) {
            failures++;
            String name = image.toString();
            String line = message.contains(name) ? message : name + ": " + message;
            if (json) {
                String what = line.startsWith(name + ": ") ? line.substring(name.length() + 2) : line;
                out.println("{\"image\":" + Json.string(name) + ",\"error\":" + Json.string(what) + "}");
                out.flush();
            }
            err.println("owlet classify: " + line);
        }
    }
}
