package owlet.runtime.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.List;
import owlet.runtime.io.InputFiles;

/**
 * A parsed {@code .tflite} model: the first subgraph's tensors (constants with their bytes), operators in
 * execution order, and the graph inputs and outputs. Immutable; shared by any number of interpreters.
 */
public final class Model {
    /** Files larger than this are refused before reading (a MobileNet is a few MB). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private final String source;
    private final String description;
    private final List<Tensor> tensors;
    private final List<Operator> operators;
    private final int[] inputs;
    private final int[] outputs;
    /** Tensors that are graph inputs or written by an operator: everything else is a graph constant. */
    private final BitSet computed = new BitSet();

    Model(String source, String description, List<Tensor> tensors, List<Operator> operators, int[] inputs,
          int[] outputs) {
        this.source = source;
        this.description = description;
        this.tensors = List.copyOf(tensors);
        this.operators = List.copyOf(operators);
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        for (int i : inputs) {
            computed.set(i);
        }
        for (Operator op : this.operators) {
            for (int o : op.outputs()) {
                computed.set(o);
            }
        }
    }

    /**
     * Reads and validates a model file: a regular file ({@link InputFiles}) with TFLite's file identifier,
     * then everything {@link #parse} checks.
     */
    public static Model load(Path file) throws IOException, InvalidModelException {
        InputFiles.requireRegularFile(file); // a FIFO or device is refused before it is opened
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new InvalidModelException(file + ": " + size + " bytes is larger than the "
                    + MAX_FILE_BYTES + "-byte limit for a model file");
        }
        // Mapped, not read: the header and tables are checked before the weights are touched, so a large
        // file that is not a model (900 MB of zeros) is refused at once, whatever the heap. The weights are
        // copied out of the mapping (and weighed against the memory budget) as they are decoded.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            if (!Schema.hasFileIdentifier(mapped)) {
                // Every .tflite file carries the schema's file identifier at byte 4 (TFLite's verifier requires
                // it): without it, this is some other file, and saying so beats an error from deep in the parse.
                throw new InvalidModelException(file + ": not a TensorFlow Lite model (no '" + Schema.FILE_IDENTIFIER
                        + "' identifier at byte 4)");
            }
            return parse(mapped, file.getFileName().toString());
        }
    }

    /** Parses and validates a model held in memory. */
    public static Model parse(ByteBuffer bytes, String source) throws InvalidModelException {
        return new ModelReader(new FlatBuffer(bytes), source).read();
    }

    public String source() {
        return source;
    }

    public String description() {
        return description;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(int index) {
        return tensors.get(index);
    }

    public List<Operator> operators() {
        return operators;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public int[] outputs() {
        return outputs.clone();
    }

    public Tensor input(int i) {
        return tensors.get(inputs[i]);
    }

    public Tensor output(int i) {
        return tensors.get(outputs[i]);
    }

    /**
     * True for a constant of the graph: a tensor with its bytes attached, or one that is neither a graph
     * input nor written by any operator. The second kind is a weight whose bytes were left out, as in a
     * cost-only graph from {@link ModelBuilder}; a loaded model's weights always have their bytes.
     */
    public boolean isGraphConstant(int tensor) {
        return tensors.get(tensor).isConstant() || !computed.get(tensor);
    }
}
