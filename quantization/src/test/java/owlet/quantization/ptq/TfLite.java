package owlet.quantization.ptq;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/**
 * TensorFlow Lite itself (the JavaCPP build of 2.18, builtin kernels without delegates, one thread),
 * running a model held in memory on 8-bit inputs: the oracle for the quantizer's output files.
 */
final class TfLite implements AutoCloseable {
    private final BytePointer bytes;
    private final FlatBufferModel model;
    private final BuiltinOpResolverWithoutDefaultDelegates resolver;
    private final Interpreter interpreter;

    TfLite(byte[] tflite) {
        // The model keeps pointing into this buffer: it must live as long as the interpreter.
        bytes = new BytePointer(tflite);
        model = FlatBufferModel.BuildFromBuffer(bytes, tflite.length);
        if (model == null || model.isNull()) {
            throw new IllegalStateException("TFLite refused the model");
        }
        resolver = new BuiltinOpResolverWithoutDefaultDelegates();
        interpreter = new Interpreter((Pointer) null);
        InterpreterBuilder builder = new InterpreterBuilder(model, resolver);
        builder.SetNumThreads(1);
        if (builder.apply(interpreter) != 0 || interpreter.isNull()) {
            throw new IllegalStateException("TFLite could not build an interpreter for the model");
        }
        if (interpreter.AllocateTensors() != 0) {
            throw new IllegalStateException("TFLite could not allocate (prepare failed)");
        }
    }

    /** Runs on an 8-bit input and returns the 8-bit output bytes. */
    byte[] run(byte[] input, int outputLength) {
        interpreter.typed_input_tensor_byte(0).put(input);
        if (interpreter.Invoke() != 0) {
            throw new IllegalStateException("TFLite Invoke failed");
        }
        byte[] out = new byte[outputLength];
        interpreter.typed_output_tensor_byte(0).get(out);
        return out;
    }

    /**
     * Runs on the graph inputs' raw bytes (little-endian, uint8 as 0..255) and returns the first
     * {@code outputs} graph outputs' raw bytes.
     */
    byte[][] runRaw(byte[][] inputs, int outputs) {
        for (int i = 0; i < inputs.length; i++) {
            TfLiteTensor t = interpreter.input_tensor(i);
            if (t.bytes() != inputs[i].length) {
                throw new IllegalArgumentException("input " + i + " has " + t.bytes() + " bytes, given " + inputs[i].length);
            }
            t.data().raw().put(inputs[i], 0, inputs[i].length);
        }
        if (interpreter.Invoke() != 0) {
            throw new IllegalStateException("TFLite Invoke failed");
        }
        byte[][] out = new byte[outputs][];
        for (int i = 0; i < outputs; i++) {
            TfLiteTensor t = interpreter.output_tensor(i);
            out[i] = new byte[(int) t.bytes()];
            t.data().raw().get(out[i], 0, out[i].length);
        }
        return out;
    }

    @Override
    public void close() {
        interpreter.close();
        resolver.close();
        model.close();
        bytes.close();
    }
}
