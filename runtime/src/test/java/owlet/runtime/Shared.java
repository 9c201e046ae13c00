package owlet.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates ../shared (the read-only models, images and TFLite reference outputs beside the checkout). */
public final class Shared {
    private Shared() {
    }

    public static final List<String> MODELS = List.of("mobilenet_v1_0.25_128_quant", "mobilenet_v1_0.5_160_quant",
            "mobilenet_v1_0.75_192_quant", "mobilenet_v2_1.0_224_quant", "tf2_mobilenet_v2_1.0_224_ptq");

    public static Path root() {
        String p = System.getProperty("owlet.shared");
        Path path = p != null ? Path.of(p) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(path)) {
            path = Path.of("..", "shared");
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("../shared not found (looked at " + path.toAbsolutePath()
                    + "); set -Dowlet.shared=DIR");
        }
        return path;
    }

    public static Path model(String name) {
        return root().resolve("models").resolve(name + ".tflite");
    }

    public static Path labels() {
        return root().resolve("models").resolve("imagenet_labels.txt");
    }
}
