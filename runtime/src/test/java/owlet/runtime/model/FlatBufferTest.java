package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bounds check every read of a model file goes through. */
class FlatBufferTest {
    private static final FlatBuffer HUNDRED = new FlatBuffer(ByteBuffer.allocate(100));

    @ParameterizedTest
    @CsvSource({"0, 100", "0, 0", "100, 0", "99, 1", "40, 60"})
    void rangesInsideTheFileAreAccepted(long pos, long len) {
        assertDoesNotThrow(() -> HUNDRED.check(pos, len, "x"));
    }

    /**
     * A buffer's offset and size are u64 fields, so the range can be anything up to 2^64-1. The first
     * two cases once summed past Long.MAX_VALUE to a negative end and passed the check (a fuzzing
     * finding: an uncaught IllegalArgumentException from the slice that followed).
     */
    @ParameterizedTest
    @CsvSource({
        "9223372036854775800, 100",
        "50, 9223372036854775807",
        "0, 101", "100, 1", "101, 0", "-1, 1", "0, -1",
        "-9223372036854775808, 0"
    })
    void rangesOutsideTheFileAreRejected(long pos, long len) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> HUNDRED.check(pos, len, "buffer #3"));
        assertEquals("buffer #3: " + len + " bytes from byte " + pos + " lie outside the 100-byte file "
                + "(truncated or corrupt)", e.getMessage());
    }
}
