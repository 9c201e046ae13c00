package owlet.runtime.model;

import java.util.Arrays;

/**
 * One tensor of the graph: shape, element type, quantization, and for constants the raw little-endian
 * bytes from the model's buffer (null for activations).
 */
public record Tensor(int index, String name, TensorType type, int[] shape, Quantization quantization,
                     byte[] data) {

    /** Number of elements (validated at load time to fit an int). */
    public int elementCount() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public int byteSize() {
        return elementCount() * type.bytes();
    }

    public boolean isConstant() {
        return data != null;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    /** "tensor #12 'name' UINT8[1, 112, 112, 32]"; names longer than 60 characters are shortened. */
    public String describe() {
        String shown = name.length() <= 60 ? name : name.substring(0, 57) + "...";
        return "tensor #" + index + " '" + shown + "' " + type + Arrays.toString(shape);
    }
}
