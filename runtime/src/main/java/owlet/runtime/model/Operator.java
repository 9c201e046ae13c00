package owlet.runtime.model;

/**
 * One node of the graph. {@code op} is null for a custom operator or a code past {@link BuiltinOp}'s list;
 * {@code name} is always printable ("CONV_2D", "CUSTOM 'foo'", "BUILTIN_200"). Input index -1 marks an
 * omitted optional input.
 */
public record Operator(int index, int code, BuiltinOp op, String name, int version, int[] inputs,
                       int[] outputs, OperatorOptions options) {

    /** "op #12 DEPTHWISE_CONV_2D", the prefix of every message about this operator. */
    public String describe() {
        return "op #" + index + " " + name;
    }
}
