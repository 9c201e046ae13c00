package owlet.runtime.model;

/**
 * Every builtin operator of TensorFlow Lite's schema ({@code BuiltinOperator} in {@code schema.fbs}) by its
 * TFLite name and number, codes 0 to 161, so that messages name an operator as TFLite does ({@code MINIMUM},
 * not a number). Knowing a name does not mean Owlet runs the operator: the kernels' resolver decides that.
 * Two codes are not operators and have no constant: 32 ({@code CUSTOM}: such an operator is named by its
 * custom code) and 127 ({@code PLACEHOLDER_FOR_GREATER_OP_CODES}, the marker in the old 8-bit field). Codes
 * past 161 (the StableHLO operators) are printed as {@code BUILTIN_<code>}.
 */
public enum BuiltinOp {
    ADD(0),
    AVERAGE_POOL_2D(1),
    CONCATENATION(2),
    CONV_2D(3),
    DEPTHWISE_CONV_2D(4),
    DEPTH_TO_SPACE(5),
    DEQUANTIZE(6),
    EMBEDDING_LOOKUP(7),
    FLOOR(8),
    FULLY_CONNECTED(9),
    HASHTABLE_LOOKUP(10),
    L2_NORMALIZATION(11),
    L2_POOL_2D(12),
    LOCAL_RESPONSE_NORMALIZATION(13),
    LOGISTIC(14),
    LSH_PROJECTION(15),
    LSTM(16),
    MAX_POOL_2D(17),
    MUL(18),
    RELU(19),
    RELU_N1_TO_1(20),
    RELU6(21),
    RESHAPE(22),
    RESIZE_BILINEAR(23),
    RNN(24),
    SOFTMAX(25),
    SPACE_TO_DEPTH(26),
    SVDF(27),
    TANH(28),
    CONCAT_EMBEDDINGS(29),
    SKIP_GRAM(30),
    CALL(31),
    EMBEDDING_LOOKUP_SPARSE(33),
    PAD(34),
    UNIDIRECTIONAL_SEQUENCE_RNN(35),
    GATHER(36),
    BATCH_TO_SPACE_ND(37),
    SPACE_TO_BATCH_ND(38),
    TRANSPOSE(39),
    MEAN(40),
    SUB(41),
    DIV(42),
    SQUEEZE(43),
    UNIDIRECTIONAL_SEQUENCE_LSTM(44),
    STRIDED_SLICE(45),
    BIDIRECTIONAL_SEQUENCE_RNN(46),
    EXP(47),
    TOPK_V2(48),
    SPLIT(49),
    LOG_SOFTMAX(50),
    DELEGATE(51),
    BIDIRECTIONAL_SEQUENCE_LSTM(52),
    CAST(53),
    PRELU(54),
    MAXIMUM(55),
    ARG_MAX(56),
    MINIMUM(57),
    LESS(58),
    NEG(59),
    PADV2(60),
    GREATER(61),
    GREATER_EQUAL(62),
    LESS_EQUAL(63),
    SELECT(64),
    SLICE(65),
    SIN(66),
    TRANSPOSE_CONV(67),
    SPARSE_TO_DENSE(68),
    TILE(69),
    EXPAND_DIMS(70),
    EQUAL(71),
    NOT_EQUAL(72),
    LOG(73),
    SUM(74),
    SQRT(75),
    RSQRT(76),
    SHAPE(77),
    POW(78),
    ARG_MIN(79),
    FAKE_QUANT(80),
    REDUCE_PROD(81),
    REDUCE_MAX(82),
    PACK(83),
    LOGICAL_OR(84),
    ONE_HOT(85),
    LOGICAL_AND(86),
    LOGICAL_NOT(87),
    UNPACK(88),
    REDUCE_MIN(89),
    FLOOR_DIV(90),
    REDUCE_ANY(91),
    SQUARE(92),
    ZEROS_LIKE(93),
    FILL(94),
    FLOOR_MOD(95),
    RANGE(96),
    RESIZE_NEAREST_NEIGHBOR(97),
    LEAKY_RELU(98),
    SQUARED_DIFFERENCE(99),
    MIRROR_PAD(100),
    ABS(101),
    SPLIT_V(102),
    UNIQUE(103),
    CEIL(104),
    REVERSE_V2(105),
    ADD_N(106),
    GATHER_ND(107),
    COS(108),
    WHERE(109),
    RANK(110),
    ELU(111),
    REVERSE_SEQUENCE(112),
    MATRIX_DIAG(113),
    QUANTIZE(114),
    MATRIX_SET_DIAG(115),
    ROUND(116),
    HARD_SWISH(117),
    IF(118),
    WHILE(119),
    NON_MAX_SUPPRESSION_V4(120),
    NON_MAX_SUPPRESSION_V5(121),
    SCATTER_ND(122),
    SELECT_V2(123),
    DENSIFY(124),
    SEGMENT_SUM(125),
    BATCH_MATMUL(126),
    CUMSUM(128),
    CALL_ONCE(129),
    BROADCAST_TO(130),
    RFFT2D(131),
    CONV_3D(132),
    IMAG(133),
    REAL(134),
    COMPLEX_ABS(135),
    HASHTABLE(136),
    HASHTABLE_FIND(137),
    HASHTABLE_IMPORT(138),
    HASHTABLE_SIZE(139),
    REDUCE_ALL(140),
    CONV_3D_TRANSPOSE(141),
    VAR_HANDLE(142),
    READ_VARIABLE(143),
    ASSIGN_VARIABLE(144),
    BROADCAST_ARGS(145),
    RANDOM_STANDARD_NORMAL(146),
    BUCKETIZE(147),
    RANDOM_UNIFORM(148),
    MULTINOMIAL(149),
    GELU(150),
    DYNAMIC_UPDATE_SLICE(151),
    RELU_0_TO_1(152),
    UNSORTED_SEGMENT_PROD(153),
    UNSORTED_SEGMENT_MAX(154),
    UNSORTED_SEGMENT_SUM(155),
    ATAN2(156),
    UNSORTED_SEGMENT_MIN(157),
    SIGN(158),
    BITCAST(159),
    BITWISE_XOR(160),
    RIGHT_SHIFT(161);

    private static final BuiltinOp[] BY_CODE = new BuiltinOp[RIGHT_SHIFT.code + 1];

    static {
        for (BuiltinOp op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    BuiltinOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The operator with this code, or null for a code that is not in the list (custom, or newer). */
    public static BuiltinOp of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** TFLite's name for a builtin code: {@code MINIMUM} for 57, {@code BUILTIN_<code>} when not listed. */
    public static String nameOf(int code) {
        BuiltinOp op = of(code);
        return op != null ? op.name() : "BUILTIN_" + code;
    }
}
