package owlet.runtime.image;

/**
 * Run by {@link ImagesTest} in a JVM limited to java.base: PPM, BMP and PNG (written by
 * {@link PngEncoder}) must decode, JPEG must fail with the java.desktop message. Prints one line per
 * check; exits non-zero on any surprise.
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
        try {
            Images.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}, "a.jpg");
            throw new AssertionError("JPEG decoded without java.desktop");
        } catch (ImageFormatException e) {
            System.out.println(e.getMessage());
        }
    }
}
