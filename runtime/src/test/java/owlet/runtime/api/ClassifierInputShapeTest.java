package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import owlet.runtime.image.RgbImage;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * Models whose input is not a square RGB image: a hand-built "model" that only reshapes its uint8 input to
 * its output, so the output bytes are the prepared input, compared with values worked out by hand.
 */
class ClassifierInputShapeTest {
    private static final Quantization UNIT = new Quantization(new float[] {1f}, new long[] {0}, 0);

    /** Input [1, height, width, channels] uint8 -> RESHAPE -> output [1, height * width * channels]. */
    static Model identity(int height, int width, int channels) {
        ModelBuilder b = new ModelBuilder("identity-" + height + "x" + width + "x" + channels);
        int n = height * width * channels;
        int in = b.tensor("image", TensorType.UINT8, new int[] {1, height, width, channels}, UNIT, null);
        int out = b.tensor("pixels", TensorType.UINT8, new int[] {1, n}, UNIT, null);
        b.operator(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {1, n}), new int[] {in}, out);
        return b.inputs(in).outputs(out).build();
    }

    /** R = 10 x + y, G = 100 + 3 y, B = 7 x + 40: every pixel different, easy to average by hand. */
    private static RgbImage ramp(int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int o = (y * width + x) * 3;
                rgb[o] = (byte) (10 * x + y);
                rgb[o + 1] = (byte) (100 + 3 * y);
                rgb[o + 2] = (byte) (7 * x + 40);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static int sample(RgbImage img, int x, int y, int ch) {
        return img.rgb()[(y * img.width() + x) * 3 + ch] & 0xFF;
    }

    /**
     * The prepared pixel (x, y) when every output pixel is the mean of a 2x2 source block starting at
     * (x0 + 2x, y0 + 2y): then the bilinear weights are all 1/2, and rounding half up gives (sum + 2) / 4.
     */
    private static int blockMean(RgbImage img, int x0, int y0, int x, int y, int ch) {
        int sx = x0 + 2 * x;
        int sy = y0 + 2 * y;
        int sum = sample(img, sx, sy, ch) + sample(img, sx + 1, sy, ch) + sample(img, sx, sy + 1, ch)
                + sample(img, sx + 1, sy + 1, ch);
        return (sum + 2) / 4;
    }

    private static byte[] classifyRaw(Model model, RgbImage img) throws InvalidModelException {
        try (Classifier c = Classifier.create(model, Labels.none())) {
            c.classify(img, 1, 0f);
            return c.rawOutput();
        }
    }

    @Test
    void aWideInputTakesTheCentreAtItsAspectRatio() throws Exception {
        // 8x4 picture, 3x2 input (aspect 1.5): all 4 rows, floor(4 * 3 / 2) = 6 columns from x0 = 1; then
        // 6 -> 3 columns and 4 -> 2 rows put every output on the centre of a 2x2 block.
        RgbImage img = ramp(8, 4);
        byte[] raw = classifyRaw(identity(2, 3, 3), img);
        byte[] expected = new byte[2 * 3 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    expected[(y * 3 + x) * 3 + ch] = (byte) blockMean(img, 1, 0, x, y, ch);
                }
            }
        }
        assertArrayEquals(expected, raw);
    }

    @Test
    void aTallPictureForAWideInputLosesRowsNotColumns() throws Exception {
        // 6x6 picture, 3x2 input: all 6 columns, floor(6 * 2 / 3) = 4 rows from y0 = 1.
        RgbImage img = ramp(6, 6);
        byte[] raw = classifyRaw(identity(2, 3, 3), img);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(blockMean(img, 0, 1, x, y, ch), raw[(y * 3 + x) * 3 + ch] & 0xFF,
                            "x=" + x + " y=" + y + " ch=" + ch);
                }
            }
        }
    }

    @Test
    void aOneChannelInputGetsIntegerLumaOfThePreparedPixels() throws Exception {
        RgbImage img = ramp(8, 4);
        byte[] raw = classifyRaw(identity(2, 3, 1), img);
        assertEquals(6, raw.length);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int r = blockMean(img, 1, 0, x, y, 0);
                int g = blockMean(img, 1, 0, x, y, 1);
                int b = blockMean(img, 1, 0, x, y, 2);
                assertEquals((77 * r + 150 * g + 29 * b + 128) >> 8, raw[y * 3 + x] & 0xFF, "x=" + x + " y=" + y);
            }
        }
    }

    @Test
    void aGrayPictureAtTheInputSizeReachesAGrayModelUnchanged() throws Exception {
        byte[] rgb = new byte[3 * 2 * 3];
        int[] gray = {0, 1, 127, 128, 254, 255};
        for (int i = 0; i < 6; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) gray[i];
        }
        byte[] raw = classifyRaw(identity(2, 3, 1), new RgbImage(3, 2, rgb));
        for (int i = 0; i < 6; i++) {
            assertEquals(gray[i], raw[i] & 0xFF);
        }
    }

    @Test
    void otherChannelCountsAreRefusedByShape() {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> Classifier.create(identity(2, 2, 2), Labels.none()));
        assertTrue(e.getMessage().contains("is not an image input of shape [1, height, width, 3] or"
                + " [1, height, width, 1]"), e.getMessage());
    }

    @Test
    void rawOfAFloatOutputIsItsFloat32LittleEndianBytes() throws Exception {
        ModelBuilder b = new ModelBuilder("float-identity");
        int in = b.tensor("image", TensorType.FLOAT32, 1, 1, 2, 1);
        int out = b.tensor("scores", TensorType.FLOAT32, 1, 2);
        b.operator(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {1, 2}), new int[] {in}, out);
        Model m = b.inputs(in).outputs(out).build();
        // gray 255 and 0 -> (x - 127.5) / 127.5 = 1.0 and -1.0 = 0x3f800000 and 0xbf800000
        byte[] rgb = {(byte) 255, (byte) 255, (byte) 255, 0, 0, 0};
        try (Classifier c = Classifier.create(m, Labels.none())) {
            List<Classification> top = c.classify(new RgbImage(2, 1, rgb), 2, -5f);
            assertEquals(0, top.get(0).index());
            assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, (byte) 0x80, (byte) 0xbf}, c.rawOutput());
        }
    }
}
