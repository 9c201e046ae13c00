package owlet.quantization.zoo;

import java.util.List;
import java.util.function.Function;
import owlet.runtime.model.Model;

/**
 * The models of the MobileNet papers' tables, each with the figures the paper prints for it, for
 * {@code owlet zoo} and the tests that hold the cost model to those figures.
 */
public final class Zoo {
    private Zoo() {
    }

    /** A paper's printed figures: mult-adds in millions and parameters in millions, and where. */
    public record Paper(double multAddsMillions, double paramsMillions, String source) {
    }

    /** One model of the zoo; {@code paper} is null when no paper prints its cost. */
    public record Entry(String name, String family, NetConfig config, Function<NetConfig, Model> builder,
                        Paper paper) {
        /** The graph with the given weights (Weights.NONE for costing). */
        public Model build(Weights weights) {
            return builder.apply(config.withWeights(weights));
        }
    }

    private static final String V1_WIDTH = "MobileNet paper, Table 6";
    private static final String V1_RES = "MobileNet paper, Table 7";

    /** Every model, for {@code classes} output classes (the papers count 1000). */
    public static List<Entry> entries(int classes) {
        Function<NetConfig, Model> v1 = MobileNetV1::build;
        return List.of(
                v1("1.0", 1.0, 224, classes, new Paper(569, 4.2, V1_WIDTH)),
                v1("0.75", 0.75, 224, classes, new Paper(325, 2.6, V1_WIDTH)),
                v1("0.5", 0.5, 224, classes, new Paper(149, 1.3, V1_WIDTH)),
                v1("0.25", 0.25, 224, classes, new Paper(41, 0.5, V1_WIDTH)),
                v1("1.0", 1.0, 192, classes, new Paper(418, 4.2, V1_RES)),
                v1("1.0", 1.0, 160, classes, new Paper(290, 4.2, V1_RES)),
                v1("1.0", 1.0, 128, classes, new Paper(186, 4.2, V1_RES)),
                new Entry("conv_mobilenet_1.0_224", "Conv MobileNet", cfg(1.0, 224, classes), MobileNetV1::buildConv,
                        new Paper(4866, 29.3, "MobileNet paper, Table 4")),
                new Entry("mobilenet_v2_1.0_224", "MobileNet V2", cfg(1.0, 224, classes), MobileNetV2::build,
                        new Paper(300, 3.4, "MobileNetV2 paper, Table 4")),
                new Entry("mobilenet_v3_large_1.0_224", "MobileNet V3 large", cfg(1.0, 224, classes),
                        c -> MobileNetV3.build(MobileNetV3.Size.LARGE, c), new Paper(219, 5.4, "MobileNetV3 paper, Table 3")),
                new Entry("mobilenet_v3_small_1.0_224", "MobileNet V3 small", cfg(1.0, 224, classes),
                        c -> MobileNetV3.build(MobileNetV3.Size.SMALL, c), new Paper(56, 2.5, "MobileNetV3 paper, Table 3")),
                new Entry("dense1_mobilenet_1.0_224", "Dense1-MobileNet", cfg(1.0, 224, classes),
                        c -> DenseMobileNet.build(DenseMobileNet.Variant.DENSE1, c), null),
                new Entry("dense2_mobilenet_1.0_224", "Dense2-MobileNet", cfg(1.0, 224, classes),
                        c -> DenseMobileNet.build(DenseMobileNet.Variant.DENSE2, c), null));
    }

    /** The entry of this name, or null. */
    public static Entry find(String name, int classes) {
        for (Entry e : entries(classes)) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static NetConfig cfg(double alpha, int resolution, int classes) {
        return NetConfig.of(alpha, resolution).withClasses(classes);
    }

    private static Entry v1(String alphaText, double alpha, int resolution, int classes, Paper paper) {
        return new Entry("mobilenet_v1_" + alphaText + "_" + resolution, "MobileNet V1", cfg(alpha, resolution, classes),
                MobileNetV1::build, paper);
    }
}
