package owlet.runtime.kernels;

import owlet.runtime.kernels.support.VectorApi;

/**
 * The one gate for the Vector API ({@code jdk.incubator.vector}), as the CLI and the benchmarks see it:
 * {@link #ENABLED} is {@link VectorApi#ENABLED}, decided once (module present, {@code -Dowlet.vector}
 * not {@code false}, at least 4 int lanes).
 *
 * <p>The classes that touch the module live in {@code owlet.runtime.kernels.vector} and
 * {@code owlet.runtime.quant.vector} and are only loaded when {@link #ENABLED} is true. Every optimized
 * kernel there has a scalar reference kernel in this package that is the fallback and the test oracle.
 */
public final class VectorSupport {
    /** System property that turns the Vector API kernels off when set to {@code false}. */
    public static final String PROPERTY = VectorApi.PROPERTY;

    public static final boolean ENABLED = VectorApi.ENABLED;

    private VectorSupport() {
    }

    /** A one-line description for {@code owlet bench} and the benchmarks. */
    public static String describe() {
        return ENABLED ? "Vector API, " + VectorApi.intLanes() * 32 + "-bit"
                : "scalar kernels (Vector API " + (VectorApi.allowedByProperty()
                        ? "module not present" : "off: -D" + PROPERTY + "=false") + ")";
    }
}
