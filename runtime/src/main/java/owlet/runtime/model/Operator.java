package owlet.runtime.model;

/**
 * One node of the graph. {@code op} is null for an operator Owlet does not know; {@code name} is always
 * printable ("CONV_2D", "BUILTIN_97", "CUSTOM 'foo'"). Input index -1 marks an omitted optional input.
 */
public record Operator(int index, int code, BuiltinOp op, String name, int version, int[] inputs,
                       int[] outputs, OperatorOptions options) {

    /** "op #12 DEPTHWISE_CONV_2D", the prefix of every message about this operator. */
    public String describe() {
        return "op #" + index + " " + name;
    }
}
