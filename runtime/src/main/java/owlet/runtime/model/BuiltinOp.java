package owlet.runtime.model;

/** The TFLite builtin operators Owlet knows by name, with their BuiltinOperator numbers. */
public enum BuiltinOp {
    ADD(0),
    AVERAGE_POOL_2D(1),
    CONCATENATION(2),
    CONV_2D(3),
    DEPTHWISE_CONV_2D(4),
    DEQUANTIZE(6),
    FULLY_CONNECTED(9),
    LOGISTIC(14),
    MAX_POOL_2D(17),
    MUL(18),
    RELU(19),
    RELU6(21),
    RESHAPE(22),
    SOFTMAX(25),
    PAD(34),
    MEAN(40),
    SUB(41),
    SQUEEZE(43),
    QUANTIZE(114),
    HARD_SWISH(117),
    // Added with issue #16's operators.
    RELU_N1_TO_1(20),
    RESIZE_BILINEAR(23),
    STRIDED_SLICE(45),
    SPLIT(49),
    CAST(53),
    MAXIMUM(55),
    MINIMUM(57),
    PACK(83),
    UNPACK(88),
    RESIZE_NEAREST_NEIGHBOR(97),
    SPLIT_V(102),
    ROUND(116);

    private final int code;

    BuiltinOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The operator with this code, or null when Owlet does not know it. */
    public static BuiltinOp of(int code) {
        for (BuiltinOp op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }
}
