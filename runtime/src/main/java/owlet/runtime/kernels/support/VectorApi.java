package owlet.runtime.kernels.support;

import jdk.incubator.vector.IntVector;

/**
 * Whether this JVM may run the Vector API kernels, decided once when the class initialises: the module
 * {@code jdk.incubator.vector} must be in the boot layer (the launcher and the jlink image add it with
 * {@code --add-modules jdk.incubator.vector}), the system property {@link #PROPERTY} must not be
 * {@code false} (tests set it to force the scalar kernels), and the preferred int vector must hold at
 * least 4 lanes (128 bits: NEON on the Pi, SSE/AVX2 on x86-64). {@link OpContext} consults it;
 * {@link owlet.runtime.kernels.VectorSupport} is the same decision as the CLI and benchmarks name it.
 *
 * <p>Only {@link Lanes} touches the module, and only once the module is known to be present.
 */
public final class VectorApi {
    /** System property that turns the Vector API kernels off when set to {@code false}. */
    public static final String PROPERTY = "owlet.vector";

    public static final boolean ENABLED = probe();

    private VectorApi() {
    }

    /** Whether the property allows the Vector API (it is not {@code false}). */
    public static boolean allowedByProperty() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));
    }

    /** Lanes of the preferred int vector (4 with NEON or SSE, 8 with AVX2); only when the module is present. */
    public static int intLanes() {
        return Lanes.INT;
    }

    private static boolean probe() {
        if (!allowedByProperty()) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        return intLanes() >= 4;
    }

    /** Loaded on first use, so that nothing of the module is resolved when it is absent. */
    private static final class Lanes {
        static final int INT = IntVector.SPECIES_PREFERRED.length();
    }
}
