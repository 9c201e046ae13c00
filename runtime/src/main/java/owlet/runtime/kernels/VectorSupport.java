package owlet.runtime.kernels;

/**
 * The one gate for the Vector API ({@code jdk.incubator.vector}). {@link #ENABLED} is decided once, when
 * this class initialises: the module must be in the boot layer (the launcher and the jlink image add it
 * with {@code --add-modules jdk.incubator.vector}), the system property {@code owlet.vector} must not be
 * {@code false} (tests set it to force the scalar kernels), and the preferred int vector must hold at
 * least 4 lanes (128 bits: NEON on the Pi, SSE/AVX2 on x86-64).
 *
 * <p>This class never touches the module itself; the classes that do live in
 * {@code owlet.runtime.kernels.vector} and are only loaded when {@link #ENABLED} is true. Every optimized
 * kernel there has a scalar reference kernel in this package that is the fallback and the test oracle.
 */
public final class VectorSupport {
    /** System property that turns the Vector API kernels off when set to {@code false}. */
    public static final String PROPERTY = "owlet.vector";

    public static final boolean ENABLED = probe();

    private VectorSupport() {
    }

    private static boolean probe() {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        return owlet.runtime.kernels.vector.VectorKernels.intLanes() >= 4;
    }

    /** A one-line description for {@code owlet bench} and the benchmarks. */
    public static String describe() {
        return ENABLED ? "Vector API, " + owlet.runtime.kernels.vector.VectorKernels.intLanes() * 32 + "-bit"
                : "scalar kernels (Vector API " + (Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
                        ? "module not present" : "off: -D" + PROPERTY + "=false") + ")";
    }
}
