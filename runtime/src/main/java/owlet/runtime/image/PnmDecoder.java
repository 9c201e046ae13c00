package owlet.runtime.image;

/**
 * Binary PGM ({@code P5}, grey: R = G = B) and PPM ({@code P6}, RGB) with 8-bit samples, i.e.
 * maxval 1..255; samples are rescaled to 0..255 when maxval is below 255. The header may hold
 * comments ({@code #} to the end of the line) and any whitespace between fields. Only the first
 * image of a multi-image file is read.
 */
final class PnmDecoder {
    private final byte[] data;
    private final String name;
    private final String format; // PGM or PPM
    private int pos = 2; // after the magic number

    private PnmDecoder(byte[] data, String name) {
        this.data = data;
        this.name = name;
        this.format = data.length > 1 && data[1] == '5' ? "PGM" : "PPM";
    }

    static RgbImage decode(byte[] data, String name) throws ImageFormatException {
        return new PnmDecoder(data, name).decode();
    }

    private RgbImage decode() throws ImageFormatException {
        if (data.length < 2 || data[0] != 'P' || data[1] < '1' || data[1] > '7') {
            throw new ImageFormatException(name + ": not a PNM file (no P1..P7 magic number)");
        }
        char type = (char) data[1];
        if (type != '5' && type != '6') {
            String what = type == '7' ? "PAM (P7)" : "plain or bitmap PNM (P" + type + ")";
            throw new ImageFormatException(name + ": " + what + " is not supported; only binary PGM (P5)"
                    + " and PPM (P6) are");
        }
        int width = readNumber("width");
        int height = readNumber("height");
        int maxval = readNumber("maxval");
        if (maxval < 1 || maxval > 65535) {
            throw new ImageFormatException(name + ": " + format + " maxval " + maxval + " is invalid");
        }
        if (maxval > 255) {
            throw new ImageFormatException(name + ": " + format + " has 16-bit samples (maxval " + maxval
                    + "); only 8-bit samples (maxval 1..255) are supported");
        }
        if (pos >= data.length) {
            throw new ImageFormatException(
                    name + ": truncated " + format + " header: file ends after maxval");
        }
        if (!isWhitespace(data[pos])) {
            throw new ImageFormatException(name + ": " + format + " header must end with one whitespace"
                    + " byte after maxval; found " + describe(data[pos]) + " at byte " + pos);
        }
        pos++;
        Images.checkDimensions(name, format, width, height);
        int channels = type == '5' ? 1 : 3;
        long needed = (long) width * height * channels;
        if (needed > data.length - pos) {
            throw new ImageFormatException(name + ": truncated " + format + ": " + width + "x" + height
                    + " needs " + needed + " bytes of pixel data, file has " + (data.length - pos));
        }

        byte[] rgb = new byte[width * height * 3]; // <= MAX_PIXELS * 3, checked above
        if (channels == 3) {
            System.arraycopy(data, pos, rgb, 0, rgb.length);
        } else {
            for (int i = pos, o = 0; o < rgb.length; i++, o += 3) {
                rgb[o] = rgb[o + 1] = rgb[o + 2] = data[i];
            }
        }
        if (maxval < 255) {
            rescale(rgb, maxval);
        }
        return new RgbImage(width, height, rgb);
    }

    /** Maps samples 0..maxval to 0..255, rounding half up. */
    private void rescale(byte[] rgb, int maxval) throws ImageFormatException {
        byte[] map = new byte[maxval + 1];
        for (int v = 0; v <= maxval; v++) {
            map[v] = (byte) ((v * 255 * 2 + maxval) / (2 * maxval));
        }
        for (int i = 0; i < rgb.length; i++) {
            int v = rgb[i] & 0xFF;
            if (v > maxval) {
                throw new ImageFormatException(name + ": " + format + " sample " + v + " at pixel "
                        + i / 3 + " exceeds maxval " + maxval);
            }
            rgb[i] = map[v];
        }
    }

    /** Skips whitespace and comments, then reads a decimal number. */
    private int readNumber(String field) throws ImageFormatException {
        while (pos < data.length && (isWhitespace(data[pos]) || data[pos] == '#')) {
            if (data[pos] == '#') {
                while (pos < data.length && data[pos] != '\n' && data[pos] != '\r') {
                    pos++;
                }
            } else {
                pos++;
            }
        }
        if (pos >= data.length) {
            throw new ImageFormatException(
                    name + ": truncated " + format + " header: file ends before the " + field);
        }
        int start = pos;
        long value = 0;
        while (pos < data.length && data[pos] >= '0' && data[pos] <= '9') {
            value = value * 10 + (data[pos] - '0');
            if (value > Integer.MAX_VALUE) {
                throw new ImageFormatException(
                        name + ": " + format + " " + field + " at byte " + start + " is too large");
            }
            pos++;
        }
        if (pos == start) {
            throw new ImageFormatException(name + ": " + format + " header: expected the " + field
                    + " (a decimal number) at byte " + start + ", found " + describe(data[start]));
        }
        return (int) value;
    }

    private static String describe(byte b) {
        return b >= 0x21 && b < 0x7F ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xFF);
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
    }
}
