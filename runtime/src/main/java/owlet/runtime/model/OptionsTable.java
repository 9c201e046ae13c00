package owlet.runtime.model;

/**
 * One BuiltinOptions table of TFLite's schema as Owlet reads and writes it: the table's schema name, its
 * union type number (the value of an Operator's {@code builtin_options_type}), the {@link OperatorOptions}
 * record it decodes to, and the two directions, written side by side in {@link Schema} so that the field
 * ids of a table are named once and used by both.
 */
record OptionsTable<T extends OperatorOptions>(String name, int unionType, Class<T> kind, Decoder<T> decoder,
                                               Encoder<T> encoder) {

    /** Builds the record from the table's fields, checking the values Owlet checks at load time. */
    interface Decoder<T> {
        T read(OptionFields fields) throws InvalidModelException;
    }

    /** Puts every field of the record into the table being written. */
    interface Encoder<T> {
        void write(T options, Fields table);
    }

    /**
     * The table under construction when writing. Every field is written, also those equal to the
     * schema's default, since the schema's defaults differ from the reader's (a stride defaults to 0).
     */
    interface Fields {
        Fields i8(int id, int value);

        Fields u8(int id, int value);

        Fields i32(int id, int value);

        Fields f32(int id, float value);

        Fields bool(int id, boolean value);

        Fields ints(int id, int[] values);
    }

    T read(OptionFields fields) throws InvalidModelException {
        return decoder.read(fields);
    }

    /** Writes {@code options}, which must be this table's record ({@code where} names the operator if not). */
    void write(OperatorOptions options, Fields table, String where) {
        if (!kind.isInstance(options)) {
            throw new IllegalArgumentException(where + ": options are " + options.getClass().getSimpleName()
                    + ", expected " + kind.getSimpleName());
        }
        encoder.write(kind.cast(options), table);
    }
}
