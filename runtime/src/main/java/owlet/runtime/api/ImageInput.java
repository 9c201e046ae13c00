package owlet.runtime.api;

import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;

/**
 * Fills an image model's input tensor from prepared RGB bytes: uint8 as is, int8 as {@code byte - 128},
 * float as {@code (byte - 127.5) / 127.5} (MobileNet's [-1, 1] normalisation). Shared by {@link Classifier}
 * and {@link Detector}; holds the conversion buffers so that filling allocates nothing.
 */
final class ImageInput {
    private final Interpreter interpreter;
    private final Tensor input;
    private final byte[] input8;
    private final float[] inputFloat;

    ImageInput(Interpreter interpreter) {
        this.interpreter = interpreter;
        this.input = interpreter.inputTensor(0);
        this.input8 = input.type() == TensorType.INT8 ? new byte[input.elementCount()] : null;
        this.inputFloat = input.type() == TensorType.FLOAT32 ? new float[input.elementCount()] : null;
    }

    /** Whether the input tensor has a type this class fills. */
    static boolean supports(Tensor input) {
        return input.type() == TensorType.UINT8 || input.type() == TensorType.INT8 || input.type() == TensorType.FLOAT32;
    }

    void fill(byte[] rgb) {
        if (rgb.length != input.elementCount()) {
            throw new IllegalArgumentException("prepared image has " + rgb.length + " bytes, the input needs "
                    + input.elementCount());
        }
        switch (input.type()) {
            case UINT8 -> interpreter.setInput(0, rgb);
            case INT8 -> {
                for (int i = 0; i < rgb.length; i++) {
                    input8[i] = (byte) (rgb[i] ^ 0x80);
                }
                interpreter.setInput(0, input8);
            }
            default -> {
                for (int i = 0; i < rgb.length; i++) {
                    inputFloat[i] = ((rgb[i] & 0xFF) - 127.5f) / 127.5f;
                }
                interpreter.setInput(0, inputFloat);
            }
        }
    }
}
