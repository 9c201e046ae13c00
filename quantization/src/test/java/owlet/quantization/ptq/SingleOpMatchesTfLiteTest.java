package owlet.quantization.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * One 8-bit operator at a time, every input byte, with scales chosen to reach the corners of TFLite's
 * arithmetic (int16 shifts of 16 or more in HARD_SWISH, left shifts, saturation): Owlet's output bytes equal
 * TensorFlow Lite's. int8 only: {@link TfLite} feeds inputs through the int8 typed accessor (uint8 runs are
 * covered by the kernels' unit tests, where uint8 is int8 shifted by 128).
 */
class SingleOpMatchesTfLiteTest {

    private static Quantization q(float scale, int zp) {
        return new Quantization(new float[] {scale}, new long[] {zp}, 0);
    }

    /** Input [1, 256] holding every byte once, output from {@code op}. */
    private static void assertUnaryMatches(BuiltinOp op, TensorType type, float inScale, int inZp, float outScale,
                                           int outZp) throws Exception {
        ModelBuilder b = new ModelBuilder(op + "_" + type).description("single-op test");
        int in = b.tensor("in", type, new int[] {1, 256}, q(inScale, inZp), null);
        int out = b.tensor("out", type, new int[] {1, 256}, q(outScale, outZp), null);
        b.operator(op, new OperatorOptions.None(), new int[] {in}, out);
        Model m = b.inputs(in).outputs(out).build();
        byte[] x = new byte[256];
        for (int i = 0; i < 256; i++) {
            x[i] = (byte) i;
        }
        assertSame(m, x, op + " " + type + " in " + inScale + "/" + inZp + " out " + outScale + "/" + outZp);
    }

    private static void assertSame(Model m, byte[] x, String what) throws Exception {
        byte[] file = ModelWriter.toBytes(m);
        Model parsed = Model.parse(ByteBuffer.wrap(file), what);
        Interpreter owlet = Interpreter.create(parsed);
        byte[] mine = new byte[parsed.output(0).elementCount()];
        owlet.setInput(0, x);
        owlet.run();
        owlet.output(0, mine);
        try (TfLite tflite = new TfLite(file)) {
            assertArrayEquals(tflite.run(x, mine.length), mine, what);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "INT8, 0.05, 0, 0.05, -20",
        "INT8, 0.00203227, -74, 3.074214, -84", // output exponent -17: the int16 mask wraps
        "INT8, 0.0001, 10, 2.0, 0",             // output exponent -22
        "INT8, 0.5, -3, 0.6, 7",                // reluish left shifts, saturating
        "INT8, 2.0e-7, 0, 1.0e-6, 5",           // reluish exponent below -15
        "INT8, 0.02, 100, 0.0005, -128",        // output saturates
    })
    void hardSwish(TensorType type, float inScale, int inZp, float outScale, int outZp) throws Exception {
        assertUnaryMatches(BuiltinOp.HARD_SWISH, type, inScale, inZp, outScale, outZp);
    }

    @ParameterizedTest
    @CsvSource({
        "INT8, 0.1, 0, -128", "INT8, 0.0123, -57, -128", "INT8, 0.73, 20, -128", "INT8, 0.001, 127, -128",
    })
    void logistic(TensorType type, float inScale, int inZp, int outZp) throws Exception {
        assertUnaryMatches(BuiltinOp.LOGISTIC, type, inScale, inZp, 1f / 256, outZp);
    }

    /** [1, 16, 16] against [16]: every pair of bytes from a 16-value grid, broadcast along the last axis. */
    @ParameterizedTest
    @CsvSource({
        "INT8, NONE, 0.02, -5, 0.03, 7, 0.01, 3",
        "INT8, RELU6, 0.5, 0, 0.25, -128, 0.03, -128",
        "INT8, NONE, 0.9, 10, 0.8, -10, 0.001, 0",     // multiplier far above 1: left shift, saturation
        "INT8, RELU, 1.0e-3, 0, 2.0e-3, 0, 3.0e-4, -100",
    })
    void mul(TensorType type, Activation act, float s1, int z1, float s2, int z2, float so, int zo) throws Exception {
        ModelBuilder b = new ModelBuilder("MUL_" + type).description("single-op test");
        int in = b.tensor("in", type, new int[] {1, 16, 16}, q(s1, z1), null);
        byte[] grid = new byte[16];
        for (int i = 0; i < 16; i++) {
            grid[i] = (byte) (i * 17 + 3);
        }
        int c = b.tensor("c", type, new int[] {16}, q(s2, z2), grid);
        int out = b.tensor("out", type, new int[] {1, 16, 16}, q(so, zo), null);
        b.operator(BuiltinOp.MUL, new OperatorOptions.Elementwise(act), new int[] {in, c}, out);
        Model m = b.inputs(in).outputs(out).build();
        byte[] x = new byte[256];
        for (int i = 0; i < 256; i++) {
            x[i] = (byte) ((i / 16) * 17 + 5);
        }
        assertSame(m, x, "MUL " + type + " " + act);
    }
}
