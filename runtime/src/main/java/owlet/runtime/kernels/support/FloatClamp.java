package owlet.runtime.kernels.support;

/**
 * TFLite's ActivationFunctionWithMinMax on floats, {@code std::min(std::max(x, min), max)}. Unlike
 * {@code Math.min(max, Math.max(min, x))} it returns {@code -0.0f} unchanged under a 0 lower bound, as C++ does.
 */
public final class FloatClamp {
    private FloatClamp() {
    }

    public static float apply(float x, float min, float max) {
        float t = x < min ? min : x;
        return max < t ? max : t;
    }
}
