package owlet.runtime.model;

/**
 * The fields of one builtin options table as read from a file, with the checks Owlet makes on the values
 * that change results. An operator without an options table reads as one whose fields are all absent:
 * every getter then returns its default. Errors name the operator ({@code where}) and the field.
 */
final class OptionFields {
    /** Largest stride, dilation or filter size accepted. */
    private static final int MAX_POSITIVE = 1 << 16;

    private final FlatBuffer.Table table;
    private final String where;

    /** @param table the options table, or null when the operator has none */
    OptionFields(FlatBuffer.Table table, String where) {
        this.table = table;
        this.where = where;
    }

    int i8(int id, int dflt) throws InvalidModelException {
        return table == null ? dflt : table.i8(id, dflt);
    }

    int i32(int id, int dflt) throws InvalidModelException {
        return table == null ? dflt : table.i32(id, dflt);
    }

    boolean bool(int id) throws InvalidModelException {
        return table != null && table.bool(id, false);
    }

    /** The int vector in field {@code id}, or null when absent. */
    int[] ints(int id, String field) throws InvalidModelException {
        return table == null ? null : table.ints(id, field);
    }

    /** The int vector in field {@code id}, empty when absent. */
    int[] intsOrEmpty(int id, String field) throws InvalidModelException {
        int[] v = ints(id, field);
        return v == null ? new int[0] : v;
    }

    Padding padding(int id) throws InvalidModelException {
        int p = i8(id, 0);
        if (p < 0 || p >= Padding.values().length) {
            throw new InvalidModelException(where + ": padding " + p + " is neither SAME (0) nor VALID (1)");
        }
        return Padding.values()[p];
    }

    Activation activation(int id) throws InvalidModelException {
        int a = i8(id, 0);
        if (a < 0 || a >= Activation.values().length) {
            throw new InvalidModelException(where + ": fused activation " + a + " is unknown");
        }
        return Activation.values()[a];
    }

    /** A stride, dilation or filter size: 1 when absent, else 1 to 65536. */
    int positive(int id, String field) throws InvalidModelException {
        int v = i32(id, 1);
        if (v < 1 || v > MAX_POSITIVE) {
            throw new InvalidModelException(where + ": " + field + " = " + v + " is out of range");
        }
        return v;
    }

    /**
     * A float that must be positive and finite (0 when absent, so refused). SOFTMAX's beta multiplies every
     * logit: NaN would score every class 0, a negative one inverts the ranking, zero makes every class
     * equal. TFLite does not check it; Owlet refuses such a model.
     */
    float positiveFinite(int id, String field) throws InvalidModelException {
        float v = table == null ? 0f : table.f32(id, 0f);
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new InvalidModelException(where + ": " + field + " = " + v + " is not a positive finite number");
        }
        return v;
    }
}
