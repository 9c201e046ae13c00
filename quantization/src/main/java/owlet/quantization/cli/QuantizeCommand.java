package owlet.quantization.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import owlet.quantization.ptq.Calibration;
import owlet.quantization.ptq.Evaluation;
import owlet.quantization.ptq.Quantizer;
import owlet.quantization.ptq.RangeMethod;
import owlet.runtime.api.Interpreter;
import owlet.runtime.command.Args;
import owlet.runtime.command.Command;
import owlet.runtime.image.Images;
import owlet.runtime.image.Preprocess;
import owlet.runtime.io.InputFiles;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.TensorType;
import owlet.runtime.io.Failures;

/** {@code owlet quantize}: post-training quantization of a float32 .tflite to TFLite's int8 scheme. */
public final class QuantizeCommand implements Command {
    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String summary() {
        return "post-training int8 quantization of a float32 .tflite, calibrated on images";
    }

    @Override
    public String usage() {
        return """
                usage: owlet quantize --model FLOAT.tflite --calibrate DIR --out INT8.tflite
                                      [--ranges minmax|ema|percentile] [--limit N]
                                      [--evaluate DIR] [--baseline MODEL.tflite]

                Runs the float model on the images of DIR (sorted by name; JPEG, PNG, BMP, PPM) to record
                the range of every activation, then writes the model in TensorFlow Lite's int8 scheme:
                filters symmetric int8 per output channel, activations asymmetric int8 per tensor, int32
                biases, fused ReLU/ReLU6 folded into the ranges, int8 input and output. Images are fed as
                owlet classify feeds them (centre crop, bilinear resize, (x - 127.5) / 127.5).

                  --ranges M      minmax (default): smallest and largest value seen; ema: moving average
                                  of each image's min and max (weight 0.1); percentile: mean of each
                                  image's 0.01th and 99.99th percentiles
                  --limit N       calibrate on at most N images
                  --evaluate DIR  then compare int8 with float on these images: per-layer error, top-1
                                  agreement, and accuracy for imagenet-dev names (NNN_*.JPEG is class
                                  index NNN + 1). When DIR is the calibration directory, the sorted images
                                  are split: even positions calibrate, odd positions evaluate.
                  --baseline M    also report the accuracy of model M (e.g. a TFLite-quantized one)
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model", "calibrate", "out", "ranges", "limit", "evaluate", "baseline"),
                Set.of());
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Path modelPath = args.path("model");
        Path calibrateDir = args.path("calibrate");
        Path dst = args.outputPath("out", modelPath);
        RangeMethod method;
        try {
            method = RangeMethod.parse(args.string("ranges", "minmax"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        int limit = args.integer("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        String evaluate = args.string("evaluate", null);
        String baselinePath = args.string("baseline", null);

        Model f = Model.load(modelPath);
        if (f.input(0).type() != TensorType.FLOAT32) {
            err.println("owlet quantize: " + modelPath + " takes " + f.input(0).type() + ", not float32; turn a"
                    + " quantized model into a float one with owlet dequantize first");
            return 1;
        }
        List<Path> calibration = images(calibrateDir);
        List<Path> evaluation = List.of();
        if (evaluate != null) {
            Path evalDir = Path.of(evaluate);
            if (Files.isSameFile(evalDir, calibrateDir)) {
                List<Path> even = new ArrayList<>();
                List<Path> odd = new ArrayList<>();
                for (int i = 0; i < calibration.size(); i++) {
                    (i % 2 == 0 ? even : odd).add(calibration.get(i));
                }
                calibration = even;
                evaluation = odd;
            } else {
                evaluation = images(evalDir);
            }
        }
        calibration = calibration.subList(0, Math.min(limit, calibration.size()));
        if (calibration.isEmpty()) {
            err.println("owlet quantize: no images in " + calibrateDir);
            return 1;
        }

        Calibration ranges = new Calibration(f, method);
        int[] shape = f.input(0).shape();
        float[] input = new float[f.input(0).elementCount()];
        int failed = 0;
        for (int i = 0; i < calibration.size(); i++) {
            Path image = calibration.get(i);
            try {
                byte[] pixels = Preprocess.forInput(Images.read(image), shape[2], shape[1], shape[3]);
                for (int k = 0; k < pixels.length; k++) {
                    input[k] = ((pixels[k] & 0xFF) - 127.5f) / 127.5f;
                }
                ranges.observe(input);
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                // One bad file costs its own image, never the calibration.
                failed++;
                err.println("owlet quantize: " + named(image, e));
            }
            progress(err, "calibrating (" + method.label() + ")", i + 1, calibration.size());
        }
        int calibrationFailures = failed;
        if (failed == calibration.size()) {
            err.println("owlet quantize: none of the " + failed + " images of " + calibrateDir + " could be read");
            return 1;
        }
        Model q = Quantizer.quantize(f, ranges, dst.getFileName().toString());
        ModelWriter.write(q, dst);
        Model written = Model.load(dst);
        Interpreter.create(written);
        out.println("wrote " + dst + ": int8, " + written.operators().size() + " operators, calibrated on "
                + (calibration.size() - calibrationFailures) + " images of " + calibrateDir + " (" + method.label() + " ranges)");

        if (!evaluation.isEmpty()) {
            Model baseline = baselinePath == null ? null : Model.load(Path.of(baselinePath));
            Evaluation eval = new Evaluation(f, written, baseline);
            for (int i = 0; i < evaluation.size(); i++) {
                try {
                    eval.add(evaluation.get(i));
                } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                    failed++;
                    err.println("owlet quantize: " + named(evaluation.get(i), e));
                }
                progress(err, "evaluating", i + 1, evaluation.size());
            }
            eval.print(out, baselinePath == null ? "" : Path.of(baselinePath).getFileName().toString());
        }
        return failed == 0 ? 0 : 1;
    }

    /** "PATH: what went wrong", the path once. */
    private static String named(Path image, Throwable e) {
        String m = e instanceof IOException io ? Failures.describe(io) : "internal error: " + e;
        return m.contains(image.toString()) ? m : image + ": " + m;
    }

    private static void progress(PrintStream err, String what, int done, int total) {
        if (done % 10 == 0 || done == total) {
            err.println(String.format(Locale.ROOT, "%s: %d / %d images", what, done, total));
        }
    }

    static List<Path> images(Path dir) throws IOException {
        return InputFiles.imageFiles(dir, false);
    }
}
