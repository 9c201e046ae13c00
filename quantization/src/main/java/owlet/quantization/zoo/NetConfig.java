package owlet.quantization.zoo;

import java.util.Locale;

/**
 * What every builder takes: width multiplier α, input resolution (224·ρ), number of classes, and the
 * weights to attach. The MobileNet papers count 1000 ImageNet classes; TensorFlow's exported models
 * have 1001 (index 0 is "background").
 */
public record NetConfig(double alpha, int resolution, int classes, Weights weights) {
    public NetConfig {
        if (!(alpha > 0) || alpha > 4) {
            throw new IllegalArgumentException("width multiplier α must be in (0, 4], got " + alpha);
        }
        if (resolution < 32 || resolution > 2048) {
            throw new IllegalArgumentException("resolution must be between 32 and 2048, got " + resolution);
        }
        if (classes < 1 || classes > 100_000) {
            throw new IllegalArgumentException("classes must be between 1 and 100000, got " + classes);
        }
        if (weights == null) {
            throw new IllegalArgumentException("weights must be given (Weights.NONE for a cost-only graph)");
        }
    }

    /** 1000 classes, no weights: the papers' cost figures. */
    public static NetConfig of(double alpha, int resolution) {
        return new NetConfig(alpha, resolution, 1000, Weights.NONE);
    }

    public NetConfig withClasses(int n) {
        return new NetConfig(alpha, resolution, n, weights);
    }

    public NetConfig withWeights(Weights w) {
        return new NetConfig(alpha, resolution, classes, w);
    }

    /** "1.0", "0.75", "0.5", "0.25", as model file names write α. */
    public String alphaText() {
        String s = String.format(Locale.ROOT, "%.2f", alpha);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    /** "1.0_224". */
    public String suffix() {
        return alphaText() + "_" + resolution;
    }
}
