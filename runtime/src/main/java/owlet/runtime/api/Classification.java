package owlet.runtime.api;

/** One ranked result: output index, its label, and the real-valued score (dequantized). */
public record Classification(int index, String label, float score) {
}
