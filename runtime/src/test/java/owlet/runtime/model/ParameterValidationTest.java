package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import owlet.runtime.api.Interpreter;

/**
 * Parameters that change results are checked when a file is loaded, not trusted: a small valid model is
 * written, one value in its bytes is replaced, and loading must fail with a message naming the operator
 * or tensor and the field.
 */
class ParameterValidationTest {
    /** A beta no writer would choose by accident, so its four bytes can be found in the file. */
    private static final float MARKER_BETA = 1.2345f;
    /** Likewise for a zero point (written as int64). */
    private static final long MARKER_ZERO_POINT = 107;

    private static byte[] softmaxModel(TensorType type) {
        ModelBuilder b = new ModelBuilder("softmax");
        int in = b.tensor("logits", type, new int[] {1, 4},
                new Quantization(new float[] {0.1f}, new long[] {MARKER_ZERO_POINT}, 0), null);
        long outZero = type == TensorType.INT8 ? -128 : 0;
        int out = b.tensor("probabilities", type, new int[] {1, 4},
                new Quantization(new float[] {1f / 256}, new long[] {outZero}, 0), null);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(MARKER_BETA), new int[] {in}, out);
        return ModelWriter.toBytes(b.inputs(in).outputs(out).build());
    }

    /** The only position of {@code pattern} in {@code data}; fails if there is not exactly one. */
    private static int onlyPosition(byte[] data, byte[] pattern) {
        int found = -1;
        for (int i = 0; i + pattern.length <= data.length; i++) {
            boolean match = true;
            for (int k = 0; k < pattern.length && match; k++) {
                match = data[i + k] == pattern[k];
            }
            if (match) {
                assertEquals(-1, found, "pattern occurs twice in the written model");
                found = i;
            }
        }
        assertTrue(found >= 0, "pattern not found in the written model");
        return found;
    }

    private static byte[] le(int bytes, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return java.util.Arrays.copyOf(b.array(), bytes);
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -1f})
    void softmaxBetaMustBePositiveAndFinite(float beta) {
        byte[] model = softmaxModel(TensorType.UINT8);
        int at = onlyPosition(model, le(4, Float.floatToRawIntBits(MARKER_BETA)));
        ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, beta);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> Model.parse(ByteBuffer.wrap(model), "m.tflite"));
        assertTrue(e.getMessage().contains("op #0 SOFTMAX: beta = " + beta + " is not a positive finite number"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(floats = {1f, 0.5f, 1e-3f})
    void softmaxWithAPositiveBetaLoadsAndRuns(float beta) {
        byte[] model = softmaxModel(TensorType.UINT8);
        int at = onlyPosition(model, le(4, Float.floatToRawIntBits(MARKER_BETA)));
        ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, beta);
        assertDoesNotThrow(() -> Interpreter.create(Model.parse(ByteBuffer.wrap(model), "m.tflite")).run());
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, -128, 256})
    void uint8ZeroPointOutsideItsType(long zeroPoint) {
        assertZeroPointRejected(TensorType.UINT8, zeroPoint, "outside the range of UINT8 (0..255)");
    }

    @ParameterizedTest
    @ValueSource(longs = {128, 255, -129})
    void int8ZeroPointOutsideItsType(long zeroPoint) {
        assertZeroPointRejected(TensorType.INT8, zeroPoint, "outside the range of INT8 (-128..127)");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 127, -128})
    void int8ZeroPointInsideItsTypeLoads(long zeroPoint) {
        byte[] model = patchZeroPoint(TensorType.INT8, zeroPoint);
        assertDoesNotThrow(() -> Model.parse(ByteBuffer.wrap(model), "m.tflite"));
    }

    private static byte[] patchZeroPoint(TensorType type, long zeroPoint) {
        byte[] model = softmaxModel(type);
        int at = onlyPosition(model, le(8, MARKER_ZERO_POINT));
        ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).putLong(at, zeroPoint);
        return model;
    }

    private static void assertZeroPointRejected(TensorType type, long zeroPoint, String expected) {
        byte[] model = patchZeroPoint(type, zeroPoint);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> Model.parse(ByteBuffer.wrap(model), "m.tflite"));
        assertTrue(e.getMessage().contains("tensor #0 'logits': zero point " + zeroPoint + " is " + expected),
                e.getMessage());
    }
}
