package owlet.runtime.model;

/** Element types, with TFLite's TensorType numbers. Only the first four are computed on. */
public enum TensorType {
    FLOAT32(0, 4),
    INT32(2, 4),
    UINT8(3, 1),
    INT8(9, 1),
    INT64(4, 8),
    FLOAT16(1, 2),
    STRING(5, 1),
    BOOL(6, 1),
    INT16(7, 2);

    private final int code;
    private final int bytes;

    TensorType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** True for the 8-bit quantized types, which Owlet stores in the arena as int8. */
    public boolean isQuantized8() {
        return this == UINT8 || this == INT8;
    }

    public static TensorType of(int code) {
        for (TensorType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
