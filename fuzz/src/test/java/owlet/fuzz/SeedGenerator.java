package owlet.fuzz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Padding;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * Writes the seed corpus of the model and image targets: toy models built with {@link ModelBuilder} (a few
 * KB, the operators of a MobileNet: conv, depthwise conv, average pool, reshape, fully connected, softmax, in
 * uint8, int8 and float) and tiny images of every format {@code Images} reads. The files are committed
 * under {@code src/test/resources/owlet/fuzz/}; after changing this, write them again with
 * <pre>
 * mvn -B -q -pl fuzz test -Dtest=SeedsTest -Dowlet.fuzz.writeSeeds=true
 * </pre>
 * {@link SeedsTest} checks that the committed model seeds are what this writes, and that every seed is
 * accepted, so each starts the fuzzer from a valid input.
 */
final class SeedGenerator {
    private SeedGenerator() {}

    static final Path RESOURCES = Path.of("src/test/resources/owlet/fuzz");

    static void writeAll(Path root) throws IOException {
        write(root.resolve("ModelFuzzTestInputs/loadAndRun"), models());
        write(root.resolve("ImageFuzzTestInputs/decode"), images());
    }

    private static void write(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    /** The toy models, by file name. */
    static Map<String, byte[]> models() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("conv-softmax-uint8.tflite", ModelWriter.toBytes(convSoftmax(TensorType.UINT8).build()));
        m.put("conv-softmax-int8.tflite", ModelWriter.toBytes(convSoftmax(TensorType.INT8).build()));
        m.put("conv-fc-float.tflite", ModelWriter.toBytes(floatGraph().build()));
        return m;
    }

    private static Quantization q(TensorType type, float scale, int zeroPointUint8) {
        int zp = type == TensorType.INT8 ? zeroPointUint8 - 128 : zeroPointUint8;
        return new Quantization(new float[] {scale}, new long[] {zp}, 0);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 37 + (i >> 3) * 11);
        }
        return b;
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private static byte[] floats(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(((seed + i * 7) % 13 - 6) / 8f);
        }
        return b.array();
    }

    /**
     * input [1,8,8,3] -> CONV_2D 3x3 stride 2 (4 filters, RELU6) -> DEPTHWISE_CONV_2D 3x3 -> AVERAGE_POOL_2D
     * 4x4 -> RESHAPE [1,4] -> FULLY_CONNECTED (3 units) -> SOFTMAX: a MobileNet in miniature.
     */
    static ModelBuilder convSoftmax(TensorType type) {
        String t = type == TensorType.UINT8 ? "uint8" : "int8";
        ModelBuilder b = new ModelBuilder("conv-softmax-" + t + ".tflite").description("fuzz seed");
        float inScale = 1f / 128, wScale = 0.02f, convScale = 6f / 255, dwScale = 0.03f;
        int in = b.tensor("input", type, new int[] {1, 8, 8, 3}, q(type, inScale, 128), null);
        int filter = b.tensor("conv/w", type, new int[] {4, 3, 3, 3}, q(type, wScale, 128), pattern(108, 1));
        int bias = b.tensor("conv/b", TensorType.INT32, new int[] {4},
                new Quantization(new float[] {inScale * wScale}, new long[] {0}, 0), ints(100, -50, 0, 25));
        int conv = b.tensor("conv", type, new int[] {1, 4, 4, 4}, q(type, convScale, 0), null);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 2, 2, Activation.RELU6, 1, 1),
                new int[] {in, filter, bias}, conv);
        int dw = b.tensor("dw/w", type, new int[] {1, 3, 3, 4}, q(type, dwScale, 128), pattern(36, 5));
        int dwBias = b.tensor("dw/b", TensorType.INT32, new int[] {4},
                new Quantization(new float[] {convScale * dwScale}, new long[] {0}, 0), ints(3, 2, 1, 0));
        int dwOut = b.tensor("dw", type, new int[] {1, 4, 4, 4}, q(type, convScale, 0), null);
        b.operator(BuiltinOp.DEPTHWISE_CONV_2D,
                new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.RELU6, 1, 1),
                new int[] {conv, dw, dwBias}, dwOut);
        int pool = b.tensor("pool", type, new int[] {1, 1, 1, 4}, q(type, convScale, 0), null);
        b.operator(BuiltinOp.AVERAGE_POOL_2D, new OperatorOptions.Pool2D(Padding.VALID, 4, 4, 4, 4, Activation.NONE),
                new int[] {dwOut}, pool);
        int flat = b.tensor("flat", type, new int[] {1, 4}, q(type, convScale, 0), null);
        b.operator(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {1, 4}), new int[] {pool}, flat);
        int fcW = b.tensor("fc/w", type, new int[] {3, 4}, q(type, 0.05f, 128), pattern(12, 9));
        int fcB = b.tensor("fc/b", TensorType.INT32, new int[] {3},
                new Quantization(new float[] {convScale * 0.05f}, new long[] {0}, 0), ints(10, 0, -10));
        int logits = b.tensor("logits", type, new int[] {1, 3}, q(type, 0.1f, 128), null);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false),
                new int[] {flat, fcW, fcB}, logits);
        int prob = b.tensor("prob", type, new int[] {1, 3}, q(type, 1f / 256, 0), null);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {logits}, prob);
        return b.inputs(in).outputs(prob);
    }

    /** input [1,4,4,2] float -> CONV_2D 1x1 -> MAX_POOL_2D 2x2 -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX. */
    static ModelBuilder floatGraph() {
        ModelBuilder b = new ModelBuilder("conv-fc-float.tflite");
        int in = b.tensor("input", TensorType.FLOAT32, 1, 4, 4, 2);
        int w = b.constant("conv/w", TensorType.FLOAT32, new int[] {3, 1, 1, 2}, floats(6, 1));
        int bias = b.constant("conv/b", TensorType.FLOAT32, new int[] {3}, floats(3, 2));
        int conv = b.tensor("conv", TensorType.FLOAT32, 1, 4, 4, 3);
        b.operator(BuiltinOp.CONV_2D, new OperatorOptions.Conv2D(Padding.SAME, 1, 1, Activation.RELU, 1, 1),
                new int[] {in, w, bias}, conv);
        int pool = b.tensor("pool", TensorType.FLOAT32, 1, 2, 2, 3);
        b.operator(BuiltinOp.MAX_POOL_2D, new OperatorOptions.Pool2D(Padding.VALID, 2, 2, 2, 2, Activation.NONE),
                new int[] {conv}, pool);
        int flat = b.tensor("flat", TensorType.FLOAT32, 1, 12);
        b.operator(BuiltinOp.RESHAPE, new OperatorOptions.Reshape(new int[] {1, 12}), new int[] {pool}, flat);
        int fcW = b.constant("fc/w", TensorType.FLOAT32, new int[] {2, 12}, floats(24, 3));
        int logits = b.tensor("logits", TensorType.FLOAT32, 1, 2);
        b.operator(BuiltinOp.FULLY_CONNECTED, new OperatorOptions.FullyConnected(Activation.NONE, 0, false),
                new int[] {flat, fcW, -1}, logits);
        int prob = b.tensor("prob", TensorType.FLOAT32, 1, 2);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {logits}, prob);
        return b.inputs(in).outputs(prob);
    }

    /** Tiny images of each format, by file name: 5x3 pixels (odd width, so BMP rows are padded). */
    static Map<String, byte[]> images() throws IOException {
        int w = 5, h = 3;
        byte[] rgb = pattern(w * h * 3, 3);
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("p6.ppm", concat(("P6\n# seed\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII), rgb));
        byte[] gray = pattern(w * h, 7);
        m.put("p5.pgm", concat(("P5 " + w + " " + h + " 255\n").getBytes(StandardCharsets.US_ASCII), gray));
        m.put("p6-maxval100.ppm", concat(("P6 2 2 100\n").getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 50, 100, 10, 20, 30, 99, 1, 2, 100, 100, 100}));
        m.put("bgr24.bmp", bmp(w, h, 24, rgb, false));
        m.put("bgra32.bmp", bmp(w, h, 32, rgb, false));
        m.put("top-down24.bmp", bmp(w, h, 24, rgb, true));
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                image.setRGB(x, y, (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | rgb[i + 2] & 0xFF);
            }
        }
        m.put("rgb.png", encode(image, "png"));
        m.put("rgb.jpg", encode(image, "jpg"));
        BufferedImage grayImage = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        grayImage.getGraphics().drawImage(image, 0, 0, null);
        m.put("gray.png", encode(grayImage, "png"));
        m.put("gray.jpg", encode(grayImage, "jpg"));
        return m;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }

    /** A BITMAPINFOHEADER BMP, bottom-up unless {@code topDown}, rows padded to 4 bytes. */
    private static byte[] bmp(int w, int h, int bits, byte[] rgb, boolean topDown) {
        int bpp = bits / 8;
        int stride = (w * bpp + 3) & ~3;
        int size = 54 + stride * h;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(size).putInt(0).putInt(54);
        b.putInt(40).putInt(w).putInt(topDown ? -h : h).putShort((short) 1).putShort((short) bits)
                .putInt(0).putInt(stride * h).putInt(2835).putInt(2835).putInt(0).putInt(0);
        for (int row = 0; row < h; row++) {
            int y = topDown ? row : h - 1 - row;
            int start = b.position();
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                b.put(rgb[i + 2]).put(rgb[i + 1]).put(rgb[i]);
                if (bpp == 4) {
                    b.put((byte) 0xFF);
                }
            }
            b.position(start + stride);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
