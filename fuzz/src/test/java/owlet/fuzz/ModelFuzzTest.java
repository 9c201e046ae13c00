package owlet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.OpCost;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * The model loader and interpreter on arbitrary bytes: {@code Model.parse}, {@code Interpreter.create} and,
 * for graphs small enough to run in a moment, {@code run} with an input made from the same bytes. Only
 * {@link InvalidModelException} with a message may come out. Seeds: {@code ModelFuzzTestInputs/},
 * written by {@link SeedGenerator}.
 */
class ModelFuzzTest {
    static final String SOURCE = "fuzz.tflite";

    /**
     * Graphs of more multiply-adds are parsed and prepared but not run: a valid model may legitimately take
     * long, and the per-input timeout is for hangs, not for big models.
     */
    static final long MAX_RUN_MULT_ADDS = 20_000_000;

    /**
     * Graphs with a larger input are not run either: the input this harness makes for them is a second copy
     * of the tensor (as floats, four times its elements), beside the arena the memory budget has already
     * let through. A crafted float input of that kind ran the 384 MB fuzzing heap out in this harness
     * (finding-large-input.tflite), not in the runtime.
     */
    static final int MAX_RUN_INPUT_ELEMENTS = 1 << 22;

    static {
        // One run before the timed ones: the first interpreter loads the Vector API and the kernels' classes,
        // which took over 10 s on a loaded machine and was reported as a timeout of whatever input came first.
        try {
            loadAndRun(ModelWriter.toBytes(SeedGenerator.convSoftmax(TensorType.UINT8).build()), "warm-up");
        } catch (InvalidModelException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void loadAndRun(byte[] data) {
        Contract.check(null, () -> loadAndRun(data, SOURCE), InvalidModelException.class);
    }

    /** Parses, prepares and (when small) runs the model; returns whether it ran. */
    static boolean loadAndRun(byte[] data, String source) throws InvalidModelException {
        Model model = Model.parse(ByteBuffer.wrap(data), source);
        Interpreter interpreter = Interpreter.create(model, 1);
        try {
            if (OpCost.totalMultAdds(model) > MAX_RUN_MULT_ADDS) {
                return false;
            }
            for (int i = 0; i < model.inputs().length; i++) {
                if (interpreter.inputTensor(i).elementCount() > MAX_RUN_INPUT_ELEMENTS) {
                    return false;
                }
            }
            for (int i = 0; i < model.inputs().length; i++) {
                Tensor t = interpreter.inputTensor(i);
                if (t.type() == TensorType.FLOAT32) {
                    float[] v = new float[t.elementCount()];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = data[k % data.length] / 16f;
                    }
                    interpreter.setInput(i, v);
                } else if (t.type() == TensorType.UINT8 || t.type() == TensorType.INT8) {
                    byte[] v = new byte[t.elementCount()];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = data[k % data.length];
                    }
                    interpreter.setInput(i, v);
                }
            }
            interpreter.run();
            for (int i = 0; i < model.outputs().length; i++) {
                Tensor t = interpreter.outputTensor(i);
                // outputAsFloat reads 8-bit and float outputs; for another type (a CAST to INT64, say) it
                // throws by contract, so such an output is read as what it is: not at all here.
                if (t.type() == TensorType.FLOAT32 || t.type() == TensorType.UINT8 || t.type() == TensorType.INT8) {
                    interpreter.outputAsFloat(i, new float[t.elementCount()]);
                }
            }
            return true;
        } finally {
            interpreter.close();
        }
    }
}
