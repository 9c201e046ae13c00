package owlet.bench;

import java.lang.reflect.InvocationTargetException;

/**
 * Creates and deletes TensorFlow Lite XNNPACK delegates through TFLite's C API
 * ({@code TfLiteXNNPackDelegateCreate} and friends in the bytedeco native library), which the bytedeco
 * Java classes do not expose.
 *
 * <p>Why not bytedeco's {@code BuiltinOpResolverWithXNNPACK(true)}: in this build (TFLite 2.18.0,
 * bytedeco 1.5.11) {@code TfLiteXNNPackDelegateOptionsDefault()} sets no flags at all, and that resolver
 * only adds {@code TFLITE_XNNPACK_DELEGATE_FLAG_QU8}. The int8 model then keeps every node on the builtin
 * kernels, and the uint8 models hand XNNPACK only their ADDs and RESHAPE, one node per partition: with QU8
 * alone this build's XNNPACK takes none of their convolutions, with {@code QS8|QU8} it takes them all.
 * Only the C API lets us set both.
 *
 * <p>The one implementation, {@code XnnpackFfm}, uses {@code java.lang.foreign} (final in JDK 22) and is
 * compiled only when the bench module is built on JDK 22 or later, so this interface is all that the
 * JDK 17 build sees. {@link #load()} says why XNNPACK is unavailable when it is.
 */
interface XnnpackDelegates {
    /** {@code TFLITE_XNNPACK_DELEGATE_FLAG_QS8} in TFLite 2.18's xnnpack_delegate.h: int8, per-channel included. */
    int FLAG_QS8 = 0x1;
    /** {@code TFLITE_XNNPACK_DELEGATE_FLAG_QU8}: uint8. */
    int FLAG_QU8 = 0x2;

    /**
     * A new delegate ({@code TfLiteDelegate*}) with the default options plus {@code flags} and
     * {@code threads} threads in its own thread pool. Throws if the delegate does not hold those flags,
     * i.e. if the options struct in the native library is not laid out as this code assumes.
     */
    long create(int threads, int flags);

    /** Frees a delegate from {@link #create}; the interpreter that used it must be closed first. */
    void delete(long delegate);

    /**
     * The XNNPACK delegate factory.
     *
     * @throws IllegalStateException saying why there is none in this build or on this JVM
     */
    static XnnpackDelegates load() {
        int feature = Runtime.version().feature();
        if (feature < 22) {
            throw new IllegalStateException("needs JDK 22+ (java.lang.foreign), this is JDK " + feature);
        }
        try {
            return (XnnpackDelegates) Class.forName("owlet.bench.XnnpackFfm").getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("bench was built without XnnpackFfm: build it with JAVA_HOME on a JDK 22+", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("XNNPACK C API unavailable: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("XNNPACK C API unavailable: " + e, e);
        }
    }
}
