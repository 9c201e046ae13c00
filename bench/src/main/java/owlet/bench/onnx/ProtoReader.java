package owlet.bench.onnx;

import java.util.Arrays;

/**
 * Reads the fields of one Protocol Buffers message in order: enough to walk an ONNX model that ONNX
 * Runtime wrote (its optimized graph) and count its nodes. Malformed input gives an
 * {@link IllegalArgumentException} naming the offset.
 */
final class ProtoReader {
    private final byte[] data;
    private int pos;
    private final int limit;
    private int field;
    private int wireType;

    ProtoReader(byte[] data) {
        this(data, 0, data.length);
    }

    private ProtoReader(byte[] data, int from, int to) {
        this.data = data;
        this.pos = from;
        this.limit = to;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= limit) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        return true;
    }

    int field() {
        return field;
    }

    /** The current field's value as an integer (it must be a varint). */
    long int64() {
        if (wireType != 0) {
            throw new IllegalArgumentException("protobuf: field " + field + " at byte " + pos
                    + " has wire type " + wireType + ", expected 0 (varint)");
        }
        return varint();
    }

    /** The current field's value as a nested message (it must be length-delimited). */
    ProtoReader message() {
        int length = length();
        ProtoReader nested = new ProtoReader(data, pos, pos + length);
        pos += length;
        return nested;
    }

    /** The current field's value as bytes (it must be length-delimited). */
    byte[] bytes() {
        int length = length();
        byte[] value = Arrays.copyOfRange(data, pos, pos + length);
        pos += length;
        return value;
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType) {
            case 0 -> varint();
            case 1 -> advance(8);
            case 2 -> advance(length());
            case 5 -> advance(4);
            default -> throw new IllegalArgumentException("protobuf: wire type " + wireType + " of field " + field
                    + " at byte " + pos + " is not supported");
        }
    }

    private int length() {
        if (wireType != 2) {
            throw new IllegalArgumentException("protobuf: field " + field + " at byte " + pos
                    + " has wire type " + wireType + ", expected 2 (length-delimited)");
        }
        long length = varint();
        if (length < 0 || length > limit - pos) {
            throw new IllegalArgumentException("protobuf: field " + field + " at byte " + pos + " claims "
                    + length + " bytes, " + (limit - pos) + " left");
        }
        return (int) length;
    }

    private void advance(int n) {
        if (n > limit - pos) {
            throw new IllegalArgumentException("protobuf: field " + field + " at byte " + pos + " runs past the end");
        }
        pos += n;
    }

    private long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new IllegalArgumentException("protobuf: varint runs past the end at byte " + pos);
            }
            int b = data[pos++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                return value;
            }
        }
        throw new IllegalArgumentException("protobuf: varint longer than ten bytes at byte " + pos);
    }
}
