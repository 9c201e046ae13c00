package owlet.runtime.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked reader of the FlexBuffers format, enough for the {@code custom_options} of TFLite's
 * custom operators: a root map whose values are numbers (or booleans).
 *
 * <p>Format facts used here (from the public FlexBuffers specification): everything is little-endian.
 * The last byte of the buffer is the root's byte width W, the byte before it the root's packed type, and
 * the root value takes the W bytes before that. A packed type byte holds the type in its upper six bits
 * and, in its lower two, log2 of the byte width of the data it points to. Types: NULL 0, INT 1, UINT 2,
 * FLOAT 3, KEY 4, STRING 5, INDIRECT_INT 6, INDIRECT_UINT 7, INDIRECT_FLOAT 8, MAP 9, ..., BOOL 26.
 * NULL, INT, UINT, FLOAT and BOOL are stored inline in the parent's width; every other type is an
 * unsigned offset, counted backwards from the offset's own position. A map's offset points at its first
 * value; before it lie (each in the map's width w) the offset to its keys vector, the keys vector's byte
 * width, and the element count; after the count values come count packed-type bytes, one per value. The
 * keys vector is a typed vector of KEY offsets, its element count stored just before it; each key is a
 * NUL-terminated UTF-8 string. Keys are sorted, but this reader does not rely on it.
 *
 * <p>Every position read is checked: hostile input raises {@link InvalidModelException} naming
 * {@code where} and the field, never an index exception.
 */
public final class FlexBuffers {
    static final int NULL = 0;
    static final int INT = 1;
    static final int UINT = 2;
    static final int FLOAT = 3;
    static final int KEY = 4;
    static final int INDIRECT_INT = 6;
    static final int INDIRECT_UINT = 7;
    static final int INDIRECT_FLOAT = 8;
    static final int MAP = 9;
    static final int BOOL = 26;
    /** Longest key read, in bytes: custom options use short names. */
    static final int MAX_KEY_BYTES = 256;

    private FlexBuffers() {
    }

    /**
     * Reads {@code data} as a FlexBuffers map, checking its structure and every key.
     *
     * @param where the place, for messages ("op #63 CUSTOM 'TFLite_Detection_PostProcess' custom_options")
     */
    public static Map map(byte[] data, String where) throws InvalidModelException {
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int n = data.length;
        if (n < 3) {
            throw new InvalidModelException(where + ": " + n + " bytes is too short for a FlexBuffer (at least 3)");
        }
        int rootWidth = data[n - 1] & 0xFF;
        if (!validWidth(rootWidth)) {
            throw new InvalidModelException(where + ": root byte width " + rootWidth + " is not 1, 2, 4 or 8");
        }
        int packed = data[n - 2] & 0xFF;
        long rootPos = n - 2L - rootWidth;
        if (rootPos < 0) {
            throw new InvalidModelException(where + ": root value of " + rootWidth + " bytes does not fit the "
                    + n + "-byte buffer");
        }
        if (packed >>> 2 != MAP) {
            throw new InvalidModelException(where + ": root has type " + typeName(packed >>> 2) + ", expected a map");
        }
        return new Map(buf, n, where, target(buf, n, (int) rootPos, rootWidth, where + ": root"), 1 << (packed & 3));
    }

    private static boolean validWidth(int w) {
        return w == 1 || w == 2 || w == 4 || w == 8;
    }

    /** Reads an unsigned integer of {@code width} bytes at {@code pos}, which the caller checked. */
    private static long readUInt(ByteBuffer buf, int pos, int width) {
        return switch (width) {
            case 1 -> buf.get(pos) & 0xFFL;
            case 2 -> buf.getShort(pos) & 0xFFFFL;
            case 4 -> buf.getInt(pos) & 0xFFFFFFFFL;
            default -> buf.getLong(pos);
        };
    }

    private static long readInt(ByteBuffer buf, int pos, int width) {
        return switch (width) {
            case 1 -> buf.get(pos);
            case 2 -> buf.getShort(pos);
            case 4 -> buf.getInt(pos);
            default -> buf.getLong(pos);
        };
    }

    private static void check(int size, long pos, long len, String what) throws InvalidModelException {
        if (pos < 0 || len < 0 || len > size - pos) { // as in FlatBuffer.check: pos + len may overflow
            throw new InvalidModelException(what + ": " + len + " bytes from byte " + pos + " lie outside the "
                    + size + "-byte FlexBuffer (truncated or corrupt)");
        }
    }

    /** Follows the backwards offset of {@code width} bytes at {@code pos}; the target must lie in the buffer. */
    private static int target(ByteBuffer buf, int size, int pos, int width, String what) throws InvalidModelException {
        check(size, pos, width, what);
        long off = readUInt(buf, pos, width);
        long t = pos - off;
        if (off < 0 || t < 0 || t >= size) {
            throw new InvalidModelException(what + ": offset " + Long.toUnsignedString(off) + " at byte " + pos
                    + " points outside the " + size + "-byte FlexBuffer");
        }
        return (int) t;
    }

    static String typeName(int type) {
        return switch (type) {
            case NULL -> "NULL";
            case INT -> "INT";
            case UINT -> "UINT";
            case FLOAT -> "FLOAT";
            case KEY -> "KEY";
            case 5 -> "STRING";
            case INDIRECT_INT -> "INDIRECT_INT";
            case INDIRECT_UINT -> "INDIRECT_UINT";
            case INDIRECT_FLOAT -> "INDIRECT_FLOAT";
            case MAP -> "MAP";
            case BOOL -> "BOOL";
            default -> "type " + type;
        };
    }

    /** A map of named values. Lookups return null for an absent key. */
    public static final class Map {
        private final ByteBuffer buf;
        private final int size;
        private final String where;
        private final int values;
        private final int width;
        private final int count;
        private final String[] keys;

        private Map(ByteBuffer buf, int size, String where, int values, int width) throws InvalidModelException {
            this.buf = buf;
            this.size = size;
            this.where = where;
            this.values = values;
            this.width = width;
            String what = where + ": map";
            check(size, (long) values - 3L * width, 3L * width, what + " header");
            long n = readUInt(buf, values - width, width);
            // Each value takes width bytes plus a type byte, and each key at least a byte: a count the
            // buffer cannot hold is corrupt, whatever the rest says.
            if (n < 0 || n > size) {
                throw new InvalidModelException(what + ": " + Long.toUnsignedString(n) + " entries cannot fit the "
                        + size + "-byte FlexBuffer");
            }
            this.count = (int) n;
            check(size, values, (long) count * width + count, what + " values (" + count + " entries)");
            int keysPos = target(buf, size, values - 3 * width, width, what + " keys");
            long keyWidth = readUInt(buf, values - 2 * width, width);
            if (!validWidth((int) Math.min(keyWidth, 16))) {
                throw new InvalidModelException(what + ": keys byte width " + keyWidth + " is not 1, 2, 4 or 8");
            }
            int kw = (int) keyWidth;
            check(size, (long) keysPos - kw, kw, what + " keys length");
            long keyCount = readUInt(buf, keysPos - kw, kw);
            if (keyCount != count) {
                throw new InvalidModelException(what + ": has " + count + " values but "
                        + Long.toUnsignedString(keyCount) + " keys");
            }
            check(size, keysPos, (long) count * kw, what + " keys (" + count + " entries)");
            this.keys = new String[count];
            for (int i = 0; i < count; i++) {
                keys[i] = key(target(buf, size, keysPos + i * kw, kw, what + " key #" + i), what + " key #" + i);
            }
        }

        private String key(int pos, String what) throws InvalidModelException {
            int end = pos;
            while (true) {
                if (end >= size) {
                    throw new InvalidModelException(what + ": string at byte " + pos + " has no terminating NUL "
                            + "before the end of the FlexBuffer");
                }
                if (buf.get(end) == 0) {
                    break;
                }
                if (end - pos >= MAX_KEY_BYTES) {
                    throw new InvalidModelException(what + ": longer than " + MAX_KEY_BYTES + " bytes");
                }
                end++;
            }
            byte[] b = new byte[end - pos];
            buf.get(pos, b, 0, b.length);
            return new String(b, StandardCharsets.UTF_8);
        }

        public int size() {
            return count;
        }

        /** The key of entry {@code i}. */
        public String key(int i) {
            return keys[i];
        }

        /** The entry index of {@code key}, or -1. */
        private int find(String key) {
            for (int i = 0; i < count; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        public boolean has(String key) {
            return find(key) >= 0;
        }

        /**
         * The value of {@code key} as a number (ints, uints, floats, bools, inline or indirect), or null
         * when the key is absent or its value is NULL.
         */
        public Double number(String key) throws InvalidModelException {
            int i = find(key);
            if (i < 0) {
                return null;
            }
            String what = where + " field '" + key + "'";
            int packed = buf.get(values + count * width + i) & 0xFF;
            int type = packed >>> 2;
            int childWidth = 1 << (packed & 3);
            int pos = values + i * width;
            return switch (type) {
                case NULL -> null;
                case INT -> (double) readInt(buf, pos, width);
                case UINT, BOOL -> unsigned(readUInt(buf, pos, width));
                case FLOAT -> floatAt(pos, width, what);
                case INDIRECT_INT, INDIRECT_UINT, INDIRECT_FLOAT -> {
                    int t = target(buf, size, pos, width, what);
                    check(size, t, childWidth, what + " indirect value");
                    yield type == INDIRECT_INT ? (double) readInt(buf, t, childWidth)
                            : type == INDIRECT_UINT ? unsigned(readUInt(buf, t, childWidth))
                            : floatAt(t, childWidth, what);
                }
                default -> throw new InvalidModelException(what + ": has type " + typeName(type)
                        + ", expected a number");
            };
        }

        private static double unsigned(long v) {
            return v >= 0 ? v : (double) (v >>> 1) * 2.0;
        }

        private double floatAt(int pos, int w, String what) throws InvalidModelException {
            return switch (w) {
                case 4 -> buf.getFloat(pos);
                case 8 -> buf.getDouble(pos);
                default -> throw new InvalidModelException(what + ": a " + w + "-byte float is not allowed (4 or 8)");
            };
        }
    }
}
