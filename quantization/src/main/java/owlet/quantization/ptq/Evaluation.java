package owlet.quantization.ptq;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import owlet.runtime.api.Classifier;
import owlet.runtime.api.Interpreter;
import owlet.runtime.api.Labels;
import owlet.runtime.image.Images;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;

/**
 * Compares a quantized model with the float model it came from on a set of images: the error of each
 * operator's output (relative RMS, {@code sqrt(sum (q - f)^2 / sum f^2)} over all images, the quantized
 * values dequantized), how often the two agree on the top-1 class, and, for images named
 * {@code NNN_*.JPEG} as in imagenet-dev, the accuracy of each (and of an optional baseline model), class
 * NNN being output index NNN + 1. Both models are fed as {@link Classifier#fillInput} feeds them. The
 * quantized model must have the float model's tensor indices, as {@link Quantizer} keeps them.
 */
public final class Evaluation {
    private static final Pattern LABELLED = Pattern.compile("^(\\d{3})_.*");

    private final Model floatModel;
    private final Model quantModel;
    private final Classifier floatRun;
    private final Classifier quantRun;
    private final Classifier baselineRun;
    private final float[][] reference;
    private final double[] errSq;
    private final double[] refSq;
    private final Map<Integer, float[]> slices = new HashMap<>();
    private int images;
    private int agree;
    private int labelled;
    private int floatCorrect;
    private int quantCorrect;
    private int baselineCorrect;

    public Evaluation(Model floatModel, Model quantModel, Model baseline) throws InvalidModelException {
        this.floatModel = floatModel;
        this.quantModel = quantModel;
        this.floatRun = new Classifier(Interpreter.create(floatModel), Labels.none());
        this.quantRun = new Classifier(Interpreter.create(quantModel), Labels.none());
        this.baselineRun = baseline == null ? null : new Classifier(Interpreter.create(baseline), Labels.none());
        int n = floatModel.tensors().size();
        reference = new float[n][];
        for (Operator op : floatModel.operators()) {
            for (int t : op.outputs()) {
                reference[t] = new float[floatModel.tensor(t).elementCount()];
            }
        }
        errSq = new double[n];
        refSq = new double[n];
    }

    /** Classifies one image with every model and accumulates the figures. */
    public void add(Path image) throws IOException {
        byte[] rgb = floatRun.prepare(Images.read(image));
        Interpreter f = floatRun.interpreter();
        floatRun.fillInput(rgb);
        f.run(i -> {
            for (int t : floatModel.operators().get(i).outputs()) {
                f.tensorAsFloat(t, reference[t]);
            }
        });
        int floatTop = top1(floatRun);
        Interpreter q = quantRun.interpreter();
        quantRun.fillInput(rgb);
        q.run(i -> {
            for (int t : quantModel.operators().get(i).outputs()) {
                float[] r = reference[t];
                float[] got = slice(r.length);
                q.tensorAsFloat(t, got);
                double e = 0;
                double s = 0;
                for (int k = 0; k < r.length; k++) {
                    double d = got[k] - r[k];
                    e += d * d;
                    s += (double) r[k] * r[k];
                }
                errSq[t] += e;
                refSq[t] += s;
            }
        });
        int quantTop = top1(quantRun);
        images++;
        agree += floatTop == quantTop ? 1 : 0;
        int label = label(image);
        if (label >= 0) {
            labelled++;
            floatCorrect += floatTop == label ? 1 : 0;
            quantCorrect += quantTop == label ? 1 : 0;
            if (baselineRun != null) {
                baselineRun.fillInput(rgb);
                baselineRun.interpreter().run();
                baselineCorrect += top1(baselineRun) == label ? 1 : 0;
            }
        }
    }

    /** A reusable array of exactly {@code length} elements (tensorAsFloat wants the exact size). */
    private float[] slice(int length) {
        return slices.computeIfAbsent(length, float[]::new);
    }

    private static int top1(Classifier c) {
        return c.ranked(1, Float.NEGATIVE_INFINITY).get(0).index();
    }

    /** The output index of an imagenet-dev file name NNN_..., or -1. */
    public static int label(Path image) {
        Matcher m = LABELLED.matcher(image.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) + 1 : -1;
    }

    public int images() {
        return images;
    }

    public int agreements() {
        return agree;
    }

    public int labelled() {
        return labelled;
    }

    public int floatCorrect() {
        return floatCorrect;
    }

    public int quantCorrect() {
        return quantCorrect;
    }

    public int baselineCorrect() {
        return baselineCorrect;
    }

    /** Relative RMS error of tensor {@code t} over the images so far (NaN when the float values are all 0). */
    public double relativeError(int t) {
        return Math.sqrt(errSq[t] / refSq[t]);
    }

    /** Prints the per-layer table and the summary. */
    public void print(PrintStream out, String baselineName) {
        out.println("per-layer error of the int8 model against the float model (relative RMS over "
                + images + " images)");
        out.println(String.format(Locale.ROOT, "%4s  %-18s %-20s %10s", "op", "type", "output", "rel. error"));
        for (Operator op : floatModel.operators()) {
            int t = op.outputs()[0];
            out.println(String.format(Locale.ROOT, "%4d  %-18s %-20s %9.2f %%", op.index(), op.name(),
                    Arrays.toString(floatModel.tensor(t).shape()).replace(" ", ""), 100 * relativeError(t)));
        }
        out.println(String.format(Locale.ROOT, "top-1 agreement with the float model: %d / %d = %.1f %%", agree, images,
                100.0 * agree / Math.max(images, 1)));
        if (labelled > 0) {
            out.println(String.format(Locale.ROOT, "top-1 accuracy on %d labelled images: float %d (%.1f %%), int8 %d (%.1f %%)%s",
                    labelled, floatCorrect, 100.0 * floatCorrect / labelled, quantCorrect, 100.0 * quantCorrect / labelled,
                    baselineRun == null ? "" : String.format(Locale.ROOT, ", %s %d (%.1f %%)", baselineName,
                            baselineCorrect, 100.0 * baselineCorrect / labelled)));
        }
    }
}
