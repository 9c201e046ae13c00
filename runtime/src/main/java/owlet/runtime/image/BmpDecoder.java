package owlet.runtime.image;

/**
 * Uncompressed 24- and 32-bit Windows BMP: {@code BI_RGB}, or for 32 bits {@code BI_BITFIELDS} /
 * {@code BI_ALPHABITFIELDS} whose colour masks each select one whole byte. Rows are bottom-up for
 * a positive height, top-down for a negative one, each padded to a multiple of 4 bytes. Stored
 * order B, G, R (, A) becomes R, G, B; alpha is ignored. Needs an info header of 40 bytes or more
 * (BITMAPINFOHEADER through BITMAPV5HEADER).
 */
final class BmpDecoder {
    private static final int FILE_HEADER = 14;
    private static final int INFO_HEADER = 40;
    private static final int BI_RGB = 0;
    private static final int BI_BITFIELDS = 3;
    private static final int BI_ALPHABITFIELDS = 6;
    private static final String[] COMPRESSION = {
        "BI_RGB", "BI_RLE8", "BI_RLE4", "BI_BITFIELDS", "BI_JPEG", "BI_PNG", "BI_ALPHABITFIELDS"
    };

    private BmpDecoder() {}

    static RgbImage decode(byte[] data, String name) throws ImageFormatException {
        if (data.length < FILE_HEADER + INFO_HEADER) {
            throw new ImageFormatException(name + ": truncated BMP: " + data.length
                    + " bytes, shorter than the " + (FILE_HEADER + INFO_HEADER) + "-byte headers");
        }
        if (data[0] != 'B' || data[1] != 'M') {
            throw new ImageFormatException(name + ": not a BMP file (no \"BM\" signature)");
        }
        long pixelOffset = u32(data, 10);
        long headerSize = u32(data, 14);
        int width = s32(data, 18);
        int signedHeight = s32(data, 22);
        int planes = u16(data, 26);
        int bits = u16(data, 28);
        long compression = u32(data, 30);

        if (headerSize < INFO_HEADER) {
            throw new ImageFormatException(name + ": BMP info header of " + headerSize
                    + " bytes (OS/2 or unknown) is not supported; need BITMAPINFOHEADER (40) or later");
        }
        if (planes != 1) {
            throw new ImageFormatException(name + ": BMP header gives " + planes + " planes, expected 1");
        }
        if (bits != 24 && bits != 32) {
            throw new ImageFormatException(name + ": BMP with " + bits
                    + " bits per pixel is not supported; only 24 and 32");
        }
        // Byte offsets of R, G and B inside a pixel; BI_RGB stores B, G, R (, unused).
        int r = 2, g = 1, b = 0;
        boolean masked = compression == BI_BITFIELDS || compression == BI_ALPHABITFIELDS;
        if (masked && bits == 32) {
            if (data.length < FILE_HEADER + INFO_HEADER + 12) {
                throw new ImageFormatException(name + ": truncated BMP: file ends inside the colour masks");
            }
            int at = FILE_HEADER + INFO_HEADER; // inside V2+ headers, or right after a 40-byte header
            r = maskByte(name, "red", s32(data, at));
            g = maskByte(name, "green", s32(data, at + 4));
            b = maskByte(name, "blue", s32(data, at + 8));
        } else if (compression != BI_RGB) {
            String kind = compression < COMPRESSION.length
                    ? COMPRESSION[(int) compression] : Long.toString(compression);
            throw new ImageFormatException(name + ": " + bits + "-bit BMP with compression " + kind
                    + " is not supported; only uncompressed (BI_RGB, or BI_BITFIELDS for 32 bits)");
        }

        boolean topDown = signedHeight < 0;
        long height = Math.abs((long) signedHeight);
        Images.checkDimensions(name, "BMP", width, height);
        int bytesPerPixel = bits / 8;
        long stride = ((long) width * bytesPerPixel + 3) & ~3L;
        if (pixelOffset < FILE_HEADER + headerSize || pixelOffset > data.length) {
            throw new ImageFormatException(name + ": BMP pixel data offset " + pixelOffset
                    + " lies outside the file (" + data.length + " bytes) or inside its headers");
        }
        // The last row's padding may be missing.
        long needed = stride * (height - 1) + (long) width * bytesPerPixel;
        if (needed > data.length - pixelOffset) {
            throw new ImageFormatException(name + ": truncated BMP: " + width + "x" + height + " at "
                    + bits + " bits needs " + needed + " bytes of pixel data, file has "
                    + (data.length - pixelOffset));
        }

        int h = (int) height;
        byte[] rgb = new byte[width * h * 3]; // <= MAX_PIXELS * 3, checked above
        int o = 0;
        for (int y = 0; y < h; y++) {
            int i = (int) (pixelOffset + stride * (topDown ? y : h - 1 - y));
            for (int x = 0; x < width; x++, i += bytesPerPixel) {
                rgb[o++] = data[i + r];
                rgb[o++] = data[i + g];
                rgb[o++] = data[i + b];
            }
        }
        return new RgbImage(width, h, rgb);
    }

    /** The byte offset a colour mask selects; it must be 0xFF shifted by a whole byte. */
    private static int maskByte(String name, String colour, int mask) throws ImageFormatException {
        for (int k = 0; k < 4; k++) {
            if (mask == 0xFF << (8 * k)) {
                return k;
            }
        }
        throw new ImageFormatException(name + ": BMP " + colour + " mask " + String.format("0x%08x", mask)
                + " is not supported; each mask must select one whole byte");
    }

    private static int u16(byte[] d, int at) {
        return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8;
    }

    private static int s32(byte[] d, int at) {
        return u16(d, at) | u16(d, at + 2) << 16;
    }

    private static long u32(byte[] d, int at) {
        return s32(d, at) & 0xFFFFFFFFL;
    }
}
