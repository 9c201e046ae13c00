package owlet.runtime.image;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes with {@code javax.imageio} as {@code ImageIO.read} does, then takes the samples as
 * {@code shared/reference/README.md} step 1 says: 8-bit component rasters as stored, without
 * ICC or colour-space conversion (1 band: R = G = B; 3 or 4 bands: bands 0, 1, 2), any other
 * layout through {@code getRGB}.
 *
 * <p>The only class of this package that touches {@code java.desktop}; {@link Images} loads it
 * only when that module is present. Unlike {@code ImageIO.read}, a reader warning (e.g. a
 * truncated JPEG, which ImageIO would pad with grey) is an error.
 */
final class ImageIoDecoder {
    private ImageIoDecoder() {}

    static RgbImage decode(byte[] data, String name) throws ImageFormatException {
        String format = "image";
        ImageReader reader = null;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageFormatException(name + ": no javax.imageio reader recognises this file");
            }
            reader = readers.next();
            format = reader.getFormatName().toUpperCase(Locale.ROOT);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            reader.setInput(in, true, true);
            // Check the declared size before the reader allocates a raster for it.
            Images.checkDimensions(name, format, reader.getWidth(0), reader.getHeight(0));
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            if (!warnings.isEmpty()) {
                throw new ImageFormatException(
                        name + ": corrupt or truncated " + format + ": " + String.join("; ", warnings));
            }
            return toRgb(image);
        } catch (ImageFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Readers report bad data with IIOException and, for some inputs, runtime exceptions.
            throw new ImageFormatException(name + ": cannot decode " + format + ": " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // A single large raster allocation failed; nothing else is left half-built.
            throw new ImageFormatException(name + ": " + format + " image does not fit in memory", e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    private static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[RgbImage.byteLength(w, h)];
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        boolean stored = raster.getSampleModel() instanceof ComponentSampleModel
                && raster.getTransferType() == DataBuffer.TYPE_BYTE
                && !(image.getColorModel() instanceof IndexColorModel)
                && (bands == 1 || bands == 3 || bands == 4);
        int g = bands == 1 ? 0 : 1; // grey: R = G = B = band 0
        int b = bands == 1 ? 0 : 2;
        if (stored && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel model) {
            fromBytes(raster, buffer, model, g, b, rgb);
            return new RgbImage(w, h, rgb);
        }
        int[] row = new int[w * (stored ? bands : 1)];
        int o = 0;
        for (int y = 0; y < h; y++) {
            if (stored) {
                raster.getPixels(0, y, w, 1, row);
                for (int i = 0; i < row.length; i += bands) {
                    rgb[o++] = (byte) row[i];
                    rgb[o++] = (byte) row[i + g];
                    rgb[o++] = (byte) row[i + b];
                }
            } else {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int argb : row) {
                    rgb[o++] = (byte) (argb >> 16);
                    rgb[o++] = (byte) (argb >> 8);
                    rgb[o++] = (byte) argb;
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * The stored samples of a raster whose pixels are interleaved in one bank of bytes (what the JPEG
     * reader gives), bands 0, {@code green} and {@code blue} as R, G, B, read from that bank into
     * {@code rgb}: the bytes {@code getPixels} gives, without an int per sample (see BENCHMARKS.md).
     */
    private static void fromBytes(Raster raster, DataBufferByte buffer, PixelInterleavedSampleModel model,
                                  int green, int blue, byte[] rgb) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] data = buffer.getData();
        int pixelStride = model.getPixelStride();
        int scanline = model.getScanlineStride();
        int[] offsets = model.getBandOffsets();
        int r = offsets[0];
        int g = offsets[green];
        int b = offsets[blue];
        // Raster (x, y) is sample-model (x - translateX, y - translateY), at that element of the bank.
        int origin = buffer.getOffset() + (raster.getMinY() - raster.getSampleModelTranslateY()) * scanline
                + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixelStride;
        int o = 0;
        for (int y = 0; y < h; y++) {
            int p = origin + y * scanline;
            for (int x = 0; x < w; x++, p += pixelStride) {
                rgb[o++] = data[p + r];
                rgb[o++] = data[p + g];
                rgb[o++] = data[p + b];
            }
        }
    }
}
