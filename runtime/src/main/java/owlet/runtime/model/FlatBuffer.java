package owlet.runtime.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A bounds-checked reader of the FlatBuffers wire format over a little-endian byte buffer.
 *
 * <p>Wire format facts used here: the buffer starts with a uint32 offset to the root table. A table
 * starts with an int32 soffset; its vtable lies at {@code table - soffset} and holds uint16 vtable size,
 * uint16 table size, then one uint16 offset per field (0 = absent, the default applies). A reference
 * field (table, vector, string) holds a uint32 offset relative to the field's own position. A vector is a
 * uint32 element count followed by the elements; a string is a vector of bytes.
 *
 * <p>Every position read is checked against the buffer: a malformed file raises
 * {@link InvalidModelException} naming the field path, never an index exception.
 *
 * <p>Every array decoded out of the file is also charged against a budget of twice the file size. A
 * well-formed file decodes each vector once, so it needs at most its own size; a hostile one can point
 * thousands of fields at one large vector, and would otherwise decode it once per reference until the
 * heap runs out.
 */
public final class FlatBuffer {
    /** Decoded arrays may total at most this many times the file size. */
    static final int DECODE_FACTOR = 2;

    private final ByteBuffer buf;
    private final int limit;
    private long decoded;

    public FlatBuffer(ByteBuffer source) {
        this.buf = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.limit = buf.limit();
    }

    public int size() {
        return limit;
    }

    /** The root table, whose type the caller knows. */
    public Table root(String what) throws InvalidModelException {
        check(0, 8, what + " header (file shorter than 8 bytes)");
        return tableAt(uoffsetTarget(0, what), what);
    }

    void check(long pos, long len, String what) throws InvalidModelException {
        // len > limit - pos, not pos + len > limit: a u64 offset and size may sum past Long.MAX_VALUE.
        if (pos < 0 || len < 0 || len > limit - pos) {
            throw new InvalidModelException(what + ": " + len + " bytes from byte " + pos
                    + " lie outside the " + limit + "-byte file (truncated or corrupt)");
        }
    }

    /** Counts {@code bytes} about to be copied out of the file into a new array; see the class comment. */
    void charge(long bytes, String what) throws InvalidModelException {
        decoded += bytes;
        if (decoded > (long) DECODE_FACTOR * limit) {
            throw new InvalidModelException(what + ": decoding " + bytes + " more bytes would bring the data read "
                    + "from the " + limit + "-byte file to " + decoded + " bytes, more than " + DECODE_FACTOR
                    + " times its size (do many fields point at the same data?)");
        }
        if (bytes >= 1 << 20) { // small arrays cannot matter; large ones are weighed before they exist
            String shortfall = owlet.runtime.io.MemoryBudget.shortfall(bytes);
            if (shortfall != null) {
                throw new ModelTooLargeException(what + ": copying its " + bytes + " bytes " + shortfall);
            }
        }
    }

    int u8(int pos) {
        return buf.get(pos) & 0xFF;
    }

    int u16(int pos) {
        return buf.getShort(pos) & 0xFFFF;
    }

    int i32(int pos) {
        return buf.getInt(pos);
    }

    /** Follows the uint32 offset stored at {@code pos}; the target must lie inside the buffer. */
    int uoffsetTarget(int pos, String what) throws InvalidModelException {
        check(pos, 4, what);
        long target = pos + (buf.getInt(pos) & 0xFFFFFFFFL);
        if (target >= limit) {
            throw new InvalidModelException(what + ": offset points to " + target
                    + ", past the end of the " + limit + "-byte file");
        }
        return (int) target;
    }

    Table tableAt(int pos, String what) throws InvalidModelException {
        check(pos, 4, what);
        long vtable = (long) pos - buf.getInt(pos);
        check(vtable, 4, what + " vtable");
        int vtableSize = u16((int) vtable);
        int tableSize = u16((int) vtable + 2);
        if (vtableSize < 4 || (vtableSize & 1) != 0) {
            throw new InvalidModelException(what + ": vtable size " + vtableSize + " is invalid");
        }
        check(vtable, vtableSize, what + " vtable");
        check(pos, Math.max(tableSize, 4), what + " table");
        return new Table(this, pos, (int) vtable, (vtableSize - 4) / 2, tableSize, what);
    }

    /** A slice of the underlying buffer (shares content, little-endian). */
    ByteBuffer slice(int pos, int len) {
        return buf.duplicate().position(pos).limit(pos + len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * One table: scalar fields with defaults, and references to sub-tables, vectors and strings. Field
     * numbers are the schema's field ids (0-based declaration order).
     */
    public static final class Table {
        private final FlatBuffer fb;
        private final int pos;
        private final int vtable;
        private final int fieldCount;
        private final int tableSize;
        private final String path;

        Table(FlatBuffer fb, int pos, int vtable, int fieldCount, int tableSize, String path) {
            this.fb = fb;
            this.pos = pos;
            this.vtable = vtable;
            this.fieldCount = fieldCount;
            this.tableSize = tableSize;
            this.path = path;
        }

        public String path() {
            return path;
        }

        /** Absolute position of the field, or -1 when absent. Checks that {@code width} bytes fit. */
        private int field(int id, int width) throws InvalidModelException {
            if (id >= fieldCount) {
                return -1;
            }
            int off = fb.u16(vtable + 4 + 2 * id);
            if (off == 0) {
                return -1;
            }
            if (off + width > tableSize) {
                throw new InvalidModelException(path + " field " + id + ": lies outside its table");
            }
            fb.check(pos + off, width, path + " field " + id);
            return pos + off;
        }

        public boolean has(int id) throws InvalidModelException {
            return field(id, 1) >= 0;
        }

        public int u8(int id, int dflt) throws InvalidModelException {
            int p = field(id, 1);
            return p < 0 ? dflt : fb.u8(p);
        }

        public int i8(int id, int dflt) throws InvalidModelException {
            int p = field(id, 1);
            return p < 0 ? dflt : (byte) fb.u8(p);
        }

        public boolean bool(int id, boolean dflt) throws InvalidModelException {
            int p = field(id, 1);
            return p < 0 ? dflt : fb.u8(p) != 0;
        }

        public int i32(int id, int dflt) throws InvalidModelException {
            int p = field(id, 4);
            return p < 0 ? dflt : fb.i32(p);
        }

        public long u64(int id, long dflt) throws InvalidModelException {
            int p = field(id, 8);
            return p < 0 ? dflt : fb.buf.getLong(p);
        }

        public float f32(int id, float dflt) throws InvalidModelException {
            int p = field(id, 4);
            return p < 0 ? dflt : fb.buf.getFloat(p);
        }

        /** The sub-table in field {@code id}, or null when absent. */
        public Table table(int id, String name) throws InvalidModelException {
            int p = field(id, 4);
            if (p < 0) {
                return null;
            }
            String what = path + "." + name;
            return fb.tableAt(fb.uoffsetTarget(p, what), what);
        }

        /** The vector in field {@code id}, or null when absent. */
        public Vector vector(int id, String name, int elementSize) throws InvalidModelException {
            int p = field(id, 4);
            if (p < 0) {
                return null;
            }
            String what = path + "." + name;
            int start = fb.uoffsetTarget(p, what);
            fb.check(start, 4, what + " length");
            long count = fb.i32(start) & 0xFFFFFFFFL;
            fb.check(start + 4L, count * elementSize, what + " (" + count + " elements)");
            return new Vector(fb, start + 4, (int) count, elementSize, what);
        }

        /** The vector in field {@code id}, or null when absent, charged as about to be decoded. */
        private Vector vectorToDecode(int id, String name, int elementSize) throws InvalidModelException {
            Vector v = vector(id, name, elementSize);
            if (v != null) {
                fb.charge((long) v.length * elementSize, v.path);
            }
            return v;
        }

        public String string(int id, String name) throws InvalidModelException {
            Vector v = vectorToDecode(id, name, 1);
            if (v == null) {
                return null;
            }
            byte[] b = new byte[v.length()];
            fb.buf.get(v.start, b, 0, b.length);
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }

        public int[] ints(int id, String name) throws InvalidModelException {
            Vector v = vectorToDecode(id, name, 4);
            if (v == null) {
                return null;
            }
            int[] out = new int[v.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = fb.i32(v.start + 4 * i);
            }
            return out;
        }

        public long[] longs(int id, String name) throws InvalidModelException {
            Vector v = vectorToDecode(id, name, 8);
            if (v == null) {
                return null;
            }
            long[] out = new long[v.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = fb.buf.getLong(v.start + 8 * i);
            }
            return out;
        }

        public float[] floats(int id, String name) throws InvalidModelException {
            Vector v = vectorToDecode(id, name, 4);
            if (v == null) {
                return null;
            }
            float[] out = new float[v.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = fb.buf.getFloat(v.start + 4 * i);
            }
            return out;
        }
    }

    /** A vector of scalars or of table offsets. */
    public static final class Vector {
        private final FlatBuffer fb;
        private final int start;
        private final int length;
        private final int elementSize;
        private final String path;

        Vector(FlatBuffer fb, int start, int length, int elementSize, String path) {
            this.fb = fb;
            this.start = start;
            this.length = length;
            this.elementSize = elementSize;
            this.path = path;
        }

        public int length() {
            return length;
        }

        /** The table referenced by element {@code i} of a vector of tables. */
        public Table table(int i, String name) throws InvalidModelException {
            assert elementSize == 4;
            String what = path + "[" + i + "]" + (name.isEmpty() ? "" : " (" + name + ")");
            return fb.tableAt(fb.uoffsetTarget(start + 4 * i, what), what);
        }

        /** The bytes of a byte vector, as a read-only little-endian slice. */
        public ByteBuffer bytes() {
            return fb.slice(start, length * elementSize).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
