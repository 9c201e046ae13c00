package owlet.runtime.image;

import java.nio.file.Path;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Model;

/**
 * Run by {@link ImagesTest} in a JVM limited to java.base: PPM, BMP and PNG (written by
 * {@link PngEncoder}) must decode, and each JPEG named on the command line is classified with the model
 * named first, printing {@link #classify} lines for the parent to compare. Exits non-zero on any surprise.
 *
 * <p>Usage: {@code NoDesktopProbe model.tflite image.jpg...}
 */
public final class NoDesktopProbe {
    private NoDesktopProbe() {}

    public static void main(String[] args) throws Exception {
        if (ModuleLayer.boot().findModule("java.desktop").isPresent()) {
            throw new AssertionError("java.desktop is present; run with --limit-modules java.base");
        }
        byte[] ppmFile = TestImages.concat(TestImages.ascii("P6 1 1 255\n"), new byte[3]);
        RgbImage ppm = Images.decode(ppmFile, "a.ppm");
        RgbImage bmp = Images.decode(TestImages.bmp(3, 2, 24, false), "a.bmp");
        RgbImage pattern = TestImages.patternImage(7, 5);
        RgbImage png = Images.decode(PngEncoder.encode(pattern), "a.png");
        if (!java.util.Arrays.equals(pattern.rgb(), png.rgb())) {
            throw new AssertionError("PNG round trip changed the pixels");
        }
        System.out.println("ppm " + ppm + ", bmp " + bmp + ", png " + png);
        Model model = Model.load(Path.of(args[0]));
        try (Interpreter interpreter = Interpreter.create(model, new Interpreter.Options(1, false))) {
            for (int i = 1; i < args.length; i++) {
                System.out.println(classify(model, interpreter, Images.read(Path.of(args[i])), args[i]));
            }
        }
    }

    /** "{@code file: WxH output <hex of the model's quantized output>}" for one decoded picture. */
    static String classify(Model model, Interpreter interpreter, RgbImage image, String file) {
        int size = model.input(0).dim(1);
        interpreter.setInput(0, Preprocess.centerCropResize(image, size).rgb());
        interpreter.run();
        byte[] out = new byte[model.output(0).elementCount()];
        interpreter.output(0, out);
        StringBuilder hex = new StringBuilder();
        for (byte b : out) {
            hex.append(String.format("%02x", b));
        }
        return file + ": " + image.width() + "x" + image.height() + " output " + hex;
    }
}
