package owlet.bench;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.Graphics2D;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;

/**
 * Times Owlet's JPEG decoder ({@link Images#decode}) against {@code javax.imageio} ({@code ImageIO.read}
 * plus taking the raster's bytes, which is what Owlet did before) on a 4056x3040 camera still: a shared
 * photo upscaled with some noise, written by ImageIO's writer at quality 0.9, baseline and progressive.
 * Both decoders run alternately in one JVM; prints the median of each and the ratio.
 *
 * <p>Usage: {@code JpegDecodeBench [photo] [runs]} (default {@code ../shared/images/owl.jpg}, 15 runs).
 */
public final class JpegDecodeBench {
    private JpegDecodeBench() {}

    public static void main(String[] args) throws Exception {
        Path photo = Path.of(args.length > 0 ? args[0] : "../shared/images/owl.jpg");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        BufferedImage still = camera(ImageIO.read(photo.toFile()), 4056, 3040);
        System.out.printf("%s upscaled to %dx%d; %d runs each, after 3 warm-up runs; JDK %s%n", photo,
                still.getWidth(), still.getHeight(), runs, System.getProperty("java.version"));
        for (boolean progressive : new boolean[] {false, true}) {
            byte[] jpeg = write(still, progressive);
            RgbImage ours = Images.decode(jpeg, "still.jpg");
            if (!Arrays.equals(ours.rgb(), imageIo(jpeg))) {
                throw new AssertionError("decoders disagree on the " + (progressive ? "progressive" : "baseline") + " file");
            }
            double[] owlet = new double[runs];
            double[] imageio = new double[runs];
            for (int i = -3; i < runs; i++) {
                long t0 = System.nanoTime();
                Images.decode(jpeg, "still.jpg");
                long t1 = System.nanoTime();
                imageIo(jpeg);
                long t2 = System.nanoTime();
                if (i >= 0) {
                    owlet[i] = (t1 - t0) / 1e6;
                    imageio[i] = (t2 - t1) / 1e6;
                }
            }
            double a = median(owlet);
            double b = median(imageio);
            System.out.printf("%-11s %7d bytes  owlet %7.1f ms  imageio %7.1f ms  owlet/imageio %.2f%n",
                    progressive ? "progressive" : "baseline", jpeg.length, a, b, a / b);
        }
    }

    /** ImageIO's decode plus the copy into interleaved RGB bytes, as Owlet's former JPEG path did. */
    private static byte[] imageIo(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w * 3];
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            image.getRaster().getPixels(0, y, w, 1, row);
            for (int v : row) {
                rgb[o++] = (byte) v;
            }
        }
        return rgb;
    }

    private static BufferedImage camera(BufferedImage photo, int w, int h) {
        BufferedImage still = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = still.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, w, h, null);
        g.dispose();
        // Sensor-like noise, so the file carries detail at every frequency as a camera's does.
        byte[] samples = ((java.awt.image.DataBufferByte) still.getRaster().getDataBuffer()).getData();
        Random random = new Random(1);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) Math.max(0, Math.min(255, (samples[i] & 0xFF) + random.nextInt(9) - 4));
        }
        return still;
    }

    private static byte[] write(BufferedImage image, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
