package owlet.bench.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * A {@code .tflite} model run by ONNX Runtime through {@link TfLiteToOnnx}: one session with all graph
 * optimizations ({@code ALL_OPT}), {@code threads} intra-op threads, one inter-op thread, pool threads
 * that spin between the tasks of a run (the default {@code session.intra_op.allow_spinning=1}) but stop
 * when the run returns ({@code session.force_spinning_stop=1}: otherwise they keep a core busy after it, and
 * an engine run right after ONNX Runtime in one process finds one core fewer), ONNX Runtime's defaults
 * otherwise (sequential execution). Input and output are ONNX tensors over direct buffers made
 * once: {@link #setInput} transposes an NHWC image into the input buffer, {@link #run} runs the session
 * into the pinned output buffer, so a timed {@code run} is the session run and its JNI call only.
 */
public final class OrtRunner implements AutoCloseable {
    private final TfLiteToOnnx.Converted converted;
    private final OrtSession session;
    private final ByteBuffer in;
    private final ByteBuffer out;
    private final OnnxTensor input;
    private final OnnxTensor output;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> outputs;
    private final int height;
    private final int width;
    private final int channels;
    private byte[] lastInput;

    /**
     * @param optimizedModel where ONNX Runtime writes the graph it runs after optimization (an ONNX file),
     *                       or null
     */
    public OrtRunner(Model model, int threads, Path optimizedModel) throws InvalidModelException, OrtException {
        converted = TfLiteToOnnx.convert(model);
        Tensor t = model.input(0);
        height = t.dim(1);
        width = t.dim(2);
        channels = t.dim(3);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.force_spinning_stop", "1");
            if (optimizedModel != null) {
                options.setOptimizedModelFilePath(optimizedModel.toString());
                // Its warning that a graph optimized at this level may hold hardware-specific kernels.
                options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            }
            session = env.createSession(converted.bytes(), options);
        }
        OnnxTensor made = null;
        try {
            in = ByteBuffer.allocateDirect(t.elementCount());
            made = OnnxTensor.createTensor(env, in, converted.inputShape(), javaType(t));
            input = made;
            out = ByteBuffer.allocateDirect(model.output(0).elementCount());
            output = OnnxTensor.createTensor(env, out, converted.outputShape(), javaType(model.output(0)));
        } catch (OrtException | RuntimeException e) {
            if (made != null) {
                made.close();
            }
            session.close();
            throw e;
        }
        inputs = Map.of(converted.input(), input);
        outputs = Map.of(converted.output(), output);
    }

    public TfLiteToOnnx.Converted converted() {
        return converted;
    }

    /** The model's input bytes (NHWC, as TFLite and Owlet take them), transposed to NCHW when they changed. */
    public void setInput(byte[] nhwc) {
        if (lastInput == null || !Arrays.equals(lastInput, nhwc)) {
            in.clear();
            in.put(TfLiteToOnnx.toNchw(nhwc, height, width, channels));
            lastInput = nhwc.clone();
        }
    }

    public void run() {
        try {
            // The output goes to the pinned buffer; the result owns nothing else.
            session.run(inputs, outputs).close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime run failed: " + e.getMessage(), e);
        }
    }

    public void output(byte[] dst) {
        out.get(0, dst);
    }

    @Override
    public void close() {
        try {
            input.close();
            output.close();
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime: closing the session failed: " + e.getMessage(), e);
        }
    }

    private static OnnxJavaType javaType(Tensor t) {
        return t.type() == TensorType.UINT8 ? OnnxJavaType.UINT8 : OnnxJavaType.INT8;
    }
}
