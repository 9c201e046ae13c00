package owlet.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * {@link XnnpackDelegates} with {@code java.lang.foreign}: downcalls into the XNNPACK C API that the
 * bytedeco native library ({@code libjnitensorflowlite.so}) exports but does not bind to Java.
 *
 * <p>The symbols are looked up in that library by its path: JavaCPP loads it with {@code System.load},
 * which {@code SymbolLookup.loaderLookup()} does not search, and {@code Loader.load} returns the path of
 * the copy it extracted. Opening it again only adds a reference to the already loaded library.
 *
 * <p>Compiled with {@code --release 22} by the bench module's {@code ffm} profile, which is active only
 * when Maven runs on JDK 22 or later.
 */
final class XnnpackFfm implements XnnpackDelegates {
    /**
     * {@code TfLiteXNNPackDelegateOptions} as TFLite 2.18 declares it: 32 bytes. The binary agrees:
     * {@code TfLiteXNNPackDelegateOptionsDefault} zeroes exactly 32 bytes (so the default has no flags
     * and no threads), and {@code TfLiteXNNPackDelegateGetFlags} reads offset 4 of the options it keeps.
     * {@link #create} checks the flags it set against {@code TfLiteXNNPackDelegateGetFlags}.
     */
    private static final StructLayout OPTIONS = MemoryLayout.structLayout(
            JAVA_INT.withName("num_threads"),
            JAVA_INT.withName("flags"),
            ADDRESS.withName("weights_cache"),
            JAVA_BOOLEAN.withName("handle_variable_ops"),
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("weight_cache_file_path"));
    private static final long NUM_THREADS = OPTIONS.byteOffset(PathElement.groupElement("num_threads"));
    private static final long FLAGS = OPTIONS.byteOffset(PathElement.groupElement("flags"));

    private final MethodHandle optionsDefault;
    private final MethodHandle create;
    private final MethodHandle getFlags;
    private final MethodHandle delete;

    XnnpackFfm() {
        String library = Loader.load(tensorflowlite.class);
        if (library == null) {
            throw new IllegalStateException("JavaCPP did not say where it loaded the TFLite library from");
        }
        SymbolLookup symbols = SymbolLookup.libraryLookup(Path.of(library), Arena.global());
        Linker linker = Linker.nativeLinker();
        optionsDefault = linker.downcallHandle(find(symbols, "TfLiteXNNPackDelegateOptionsDefault"),
                FunctionDescriptor.of(OPTIONS));
        create = linker.downcallHandle(find(symbols, "TfLiteXNNPackDelegateCreate"),
                FunctionDescriptor.of(ADDRESS, ADDRESS));
        getFlags = linker.downcallHandle(find(symbols, "TfLiteXNNPackDelegateGetFlags"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        delete = linker.downcallHandle(find(symbols, "TfLiteXNNPackDelegateDelete"),
                FunctionDescriptor.ofVoid(ADDRESS));
    }

    private static MemorySegment find(SymbolLookup symbols, String name) {
        return symbols.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
    }

    @Override
    public long create(int threads, int flags) {
        MemorySegment delegate;
        int held;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = (MemorySegment) optionsDefault.invokeExact((SegmentAllocator) arena);
            options.set(JAVA_INT, NUM_THREADS, threads);
            options.set(JAVA_INT, FLAGS, options.get(JAVA_INT, FLAGS) | flags);
            // The delegate copies the options: the arena may go once it is created.
            delegate = (MemorySegment) create.invokeExact(options);
            if (delegate.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("TfLiteXNNPackDelegateCreate returned null");
            }
            held = (int) getFlags.invokeExact(delegate);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if ((held & flags) != flags) {
            delete(delegate.address());
            throw new IllegalStateException(String.format(
                    "the delegate holds flags 0x%x, not the 0x%x asked for: options struct layout mismatch",
                    held, flags));
        }
        return delegate.address();
    }

    @Override
    public void delete(long delegate) {
        try {
            delete.invokeExact(MemorySegment.ofAddress(delegate));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
