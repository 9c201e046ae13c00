package owlet.bench;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import owlet.runtime.image.Images;
import owlet.runtime.image.PngEncoder;
import owlet.runtime.image.RgbImage;

/**
 * PNG decoding and encoding of one 1920x1080 RGB picture, Owlet's java.base codec against javax.imageio.
 * The picture is a 4x3 mosaic of 480x360 centre crops of the first 12 photos in
 * {@code ../shared/images/imagenet-dev}, so it has real camera texture at full resolution. {@code writer}
 * says which encoder wrote the PNG being decoded. ImageIO's decoding includes taking bands 0, 1, 2 into
 * an RGB byte array, as Owlet's former ImageIO path did. Sampled times: JMH prints each one's median
 * ({@code p0.50}).
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) owlet.bench.PngBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class PngBench {
    @Param({"imageio", "owlet"})
    public String writer;

    private RgbImage picture;
    private BufferedImage pictureForImageIo;
    private byte[] png;

    @Setup
    public void setup() throws IOException {
        picture = mosaic(Path.of("../shared/images/imagenet-dev"), 1920, 1080);
        pictureForImageIo = toBufferedImage(picture);
        png = writer.equals("owlet") ? PngEncoder.encode(picture) : imageIoWrite(pictureForImageIo);
    }

    @Benchmark
    public RgbImage decodeOwlet() throws IOException {
        return Images.decode(png, "bench.png");
    }

    @Benchmark
    public byte[] decodeImageIo() throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int bands = raster.getNumBands();
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w * bands];
        for (int y = 0, o = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int i = 0; i < row.length; i += bands) {
                rgb[o++] = (byte) row[i];
                rgb[o++] = (byte) row[i + 1];
                rgb[o++] = (byte) row[i + 2];
            }
        }
        return rgb;
    }

    @Benchmark
    public byte[] encodeOwlet() {
        return PngEncoder.encode(picture);
    }

    @Benchmark
    public byte[] encodeImageIo() throws IOException {
        return imageIoWrite(pictureForImageIo);
    }

    private static byte[] imageIoWrite(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static RgbImage mosaic(Path dir, int width, int height) throws IOException {
        List<Path> photos;
        try (Stream<Path> files = Files.list(dir)) {
            photos = files.filter(p -> p.toString().endsWith(".JPEG")).sorted().limit(12).toList();
        }
        int tileW = width / 4;
        int tileH = height / 3;
        byte[] rgb = new byte[width * height * 3];
        for (int t = 0; t < 12; t++) {
            RgbImage photo = Images.read(photos.get(t));
            int x0 = Math.max(0, (photo.width() - tileW) / 2);
            int y0 = Math.max(0, (photo.height() - tileH) / 2);
            for (int y = 0; y < tileH; y++) {
                int sy = Math.min(photo.height() - 1, y0 + y);
                for (int x = 0; x < tileW; x++) {
                    int sx = Math.min(photo.width() - 1, x0 + x);
                    System.arraycopy(photo.rgb(), (sy * photo.width() + sx) * 3, rgb,
                            ((t / 4 * tileH + y) * width + t % 4 * tileW + x) * 3, 3);
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static BufferedImage toBufferedImage(RgbImage picture) {
        BufferedImage image = new BufferedImage(picture.width(), picture.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] rgb = picture.rgb();
        for (int y = 0, i = 0; y < picture.height(); y++) {
            for (int x = 0; x < picture.width(); x++, i += 3) {
                image.setRGB(x, y, (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | rgb[i + 2] & 0xFF);
            }
        }
        return image;
    }

    public static void main(String[] args) throws Exception {
        RgbImage picture = mosaic(Path.of("../shared/images/imagenet-dev"), 1920, 1080);
        System.out.printf("PNG sizes: Owlet %,d bytes, ImageIO %,d bytes%n", PngEncoder.encode(picture).length,
                imageIoWrite(toBufferedImage(picture)).length);
        new Runner(new OptionsBuilder().include(PngBench.class.getName()).build()).run();
    }
}
