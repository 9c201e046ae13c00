package owlet.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import owlet.runtime.api.Detection;
import owlet.runtime.api.Detector;
import owlet.runtime.api.Labels;
import owlet.runtime.image.Images;
import owlet.runtime.image.PngEncoder;
import owlet.runtime.image.RgbImage;
import owlet.runtime.io.InputFiles;
import owlet.runtime.model.Model;
import owlet.runtime.command.Command;
import owlet.runtime.command.Args;
import owlet.runtime.command.Json;
import owlet.runtime.io.Failures;
import owlet.runtime.api.Interpreter;

/** {@code owlet detect}: find objects in images with an SSD detection model loaded once. */
public final class DetectCommand implements Command {
    @Override
    public String name() {
        return "detect";
    }

    @Override
    public String summary() {
        return "find objects in images with an SSD .tflite detection model";
    }

    @Override
    public String usage() {
        return """
                usage: owlet detect --model M [--labels L] [--threshold T] [--top K] [--threads N]
                                    [--json] [--raw] [--draw DIR] IMAGE|DIR...

                Finds objects in each IMAGE (PPM/PGM, BMP; JPEG and PNG when the runtime has java.desktop;
                a DIR stands for the images directly in it) with the detection model M (SSD with
                TFLite_Detection_PostProcess), loaded once. The whole picture is resized to the model's
                input (no crop); boxes are reported in the picture's own pixels and in 0..1.

                  --model M       .tflite detection model
                  --labels L      label file, line k = class id k
                                  (default: coco_labels.txt or labels.txt beside the model, if present)
                  --threshold T   only detections with score >= T (default 0.5)
                  --top K         at most K detections per image (default: all the model gives)
                  --threads N     threads per inference (default: the number of cores, at most 4)
                  --json          one JSON line per image: {"image":...,"width":...,"height":...,
                                  "detections":[{"class":...,"label":...,"score":...,
                                  "box":{"xmin":...,"ymin":...,"xmax":...,"ymax":...},"box_px":{...}},...]}
                  --raw           with --json, add "raw": every output tensor's bytes in hex, in the
                                  model's output order
                  --draw DIR      write each picture with its boxes and labels to DIR/<name>.png
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model", "labels", "top", "threshold", "threads", "draw"),
                Set.of("json", "raw"));
        Path modelPath = args.path("model");
        int top = args.integer("top", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        float threshold = args.number("threshold", Detector.DEFAULT_THRESHOLD);
        int threads = args.integer("threads", Interpreter.defaultThreads(), 1, 256);
        boolean json = args.flag("json");
        boolean raw = args.flag("raw");
        String draw = args.string("draw", null);
        if (raw && !json) {
            throw new Args.UsageException("--raw goes with --json");
        }
        if (args.positional().isEmpty()) {
            throw new Args.UsageException("no IMAGE given");
        }
        Path drawDir = draw == null ? null : Path.of(draw);
        if (drawDir != null) {
            Files.createDirectories(drawDir);
        }
        List<Path> images = expand(args.positional());
        String given = args.string("labels", null);
        Labels labels = Labels.forModel(modelPath, given == null ? null : Path.of(given), Labels.BESIDE_DETECTOR);
        Model model = Model.load(modelPath);
        if (!Detector.isDetector(model)) {
            err.println("owlet detect: " + modelPath + " is not a detection model (no TFLite_Detection_PostProcess"
                    + " operator); use owlet classify");
            return 1;
        }
        int failures = 0;
        // one image is a one-shot run, on the kernels that finish it soonest (Interpreter.Options.forInferences)
        try (Detector detector = new Detector(
                Interpreter.create(model, Interpreter.Options.forInferences(threads, images.size())), labels)) {
            for (Path image : images) {
                failures += detectOne(detector, image, threshold, top, json, raw, drawDir, out, err) ? 0 : 1;
                out.flush();
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** The images named: files as given, directories replaced by their image files in name order. */
    private static List<Path> expand(List<String> names) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String name : names) {
            Path p = Path.of(name);
            out.addAll(Files.isDirectory(p) ? InputFiles.imageFiles(p, false) : List.of(p));
        }
        return out;
    }

    private static boolean detectOne(Detector detector, Path image, float threshold, int top, boolean json,
                                     boolean raw, Path drawDir, PrintStream out, PrintStream err) {
        RgbImage img;
        try {
            img = Images.read(image);
        } catch (IOException | RuntimeException | OutOfMemoryError e) { // one file never ends the batch
            String msg = e instanceof IOException io ? Failures.describe(io) : e.toString();
            String name = image.toString();
            String line = msg.contains(name) ? msg : name + ": " + msg;
            if (json) {
                String what = line.startsWith(name + ": ") ? line.substring(name.length() + 2) : line;
                out.println("{\"image\":" + Json.string(name) + ",\"error\":" + Json.string(what) + "}");
            }
            err.println("owlet detect: " + line);
            return false;
        }
        List<Detection> found = detector.detect(img, threshold, top);
        int w = img.width();
        int h = img.height();
        if (json) {
            StringBuilder b = new StringBuilder("{\"image\":").append(Json.string(image.toString()))
                    .append(",\"width\":").append(w).append(",\"height\":").append(h).append(",\"detections\":");
            Json.appendDetections(b, found, w, h);
            if (raw) {
                b.append(",\"raw\":[");
                byte[][] outputs = detector.rawOutputs();
                for (int i = 0; i < outputs.length; i++) {
                    b.append(i == 0 ? "" : ",").append(Json.string(Json.hex(outputs[i])));
                }
                b.append(']');
            }
            out.println(b.append('}'));
        } else {
            out.println(image + " (" + w + "x" + h + ")");
            for (Detection d : found) {
                Detection.Box px = d.box().inPixels(w, h);
                out.printf(Locale.ROOT, "  %-16s %8.6f  (%d)  px %d,%d - %d,%d  rel %.4f,%.4f - %.4f,%.4f%n", d.label(),
                        d.score(), d.classId(), Math.round(px.xmin()), Math.round(px.ymin()), Math.round(px.xmax()),
                        Math.round(px.ymax()), d.box().xmin(), d.box().ymin(), d.box().xmax(), d.box().ymax());
            }
        }
        if (drawDir != null) {
            Path target = drawDir.resolve(stem(image) + ".png");
            try {
                save(Detector.drawn(img, found), target);
            } catch (IOException e) {
                err.println("owlet detect: " + target + ": " + Failures.describe(e));
                return false;
            }
        }
        return true;
    }

    private static String stem(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Writes a drawn picture as PNG (the one place that chooses the file format). */
    static void save(RgbImage drawn, Path file) throws IOException {
        PngEncoder.write(drawn, file);
    }
}
