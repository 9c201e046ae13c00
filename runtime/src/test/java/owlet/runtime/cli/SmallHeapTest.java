package owlet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.ModelBuilder;
import owlet.runtime.model.ModelWriter;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * Owlet in a child JVM with a 64 MB heap, less than a 1 GB Pi's default: every shared model classifies,
 * and inputs too large for that heap end in their one-line message, never an OutOfMemoryError.
 */
@Timeout(300)
class SmallHeapTest {
    private static final String HEAP = "-Xmx64m";

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    private static Result owlet(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Cli.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("owlet-out", ".txt");
        Path err = Files.createTempFile("owlet-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "owlet " + String.join(" ", args) + " did not end");
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err)
                    .lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce("", (a, b) -> a + b + "\n"));
            assertFalse(r.err().contains("OutOfMemoryError") || r.err().contains("internal error"), r.err());
            return r;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static List<String> models() {
        return Shared.MODELS;
    }

    @ParameterizedTest
    @MethodSource("models")
    void everySharedModelClassifiesInTheSmallHeap(String model) throws Exception {
        Path cat = Shared.root().resolve("images/cat.bmp");
        Result small = owlet("classify", "--model", Shared.model(model).toString(), "--json", "--raw", cat.toString());
        assertEquals(0, small.code(), small.err());
        CliTest.Result big = CliTest.owlet("classify", "--model", Shared.model(model).toString(), "--json", "--raw",
                cat.toString());
        assertEquals(big.out(), small.out(), "the same result bytes as with the test JVM's heap");
    }

    /** 900 MB of zeros named like a model: refused from its header, not read whole. */
    @Test
    void aHugeFileOfZerosIsRefusedFromItsHeader() throws Exception {
        Path zeros = tmp.resolve("zeros.tflite");
        try (RandomAccessFile f = new RandomAccessFile(zeros.toFile(), "rw")) {
            f.setLength(900L << 20); // sparse: no disk, reads as zeros
        }
        long start = System.nanoTime();
        Result r = owlet("classify", "--model", zeros.toString(), Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("owlet classify: invalid model: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "refused in seconds");
    }

    /** A valid 484-byte kind of model whose one SOFTMAX runs over [1, 2^29]: its 1 GiB arena is weighed. */
    @Test
    void aModelNeedingMoreThanTheHeapIsRefusedWithBothNumbers() throws Exception {
        ModelBuilder b = new ModelBuilder("huge");
        int in = b.tensor("logits", TensorType.UINT8, new int[] {1, 1 << 29},
                new Quantization(new float[] {0.1f}, new long[] {0}, 0), null);
        int out = b.tensor("p", TensorType.UINT8, new int[] {1, 1 << 29},
                new Quantization(new float[] {1f / 256}, new long[] {0}, 0), null);
        b.operator(BuiltinOp.SOFTMAX, new OperatorOptions.Softmax(1f), new int[] {in}, out);
        Path model = tmp.resolve("huge-softmax.tflite");
        ModelWriter.write(b.inputs(in).outputs(out).build(), model);
        assertTrue(Files.size(model) < 1024);
        Result r = owlet("bench", "--model", model.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().matches("owlet bench: huge-softmax\\.tflite: running it needs 1025 MB, more than the"
                + " \\d+ MB left of the \\d+ MB memory budget \\(raise -Xmx, or set -Dowlet\\.memory-budget\\)"
                + " \\(arena 1024 MB, weights and working buffers about \\d+ (MB|bytes)\\)\n"), r.err());
    }

    /** A 10000x10000 BMP (at the pixel limit, 300 MB) in a batch: its own error line, the rest classified. */
    @Test
    void anImageTooLargeForTheHeapFailsAloneInItsBatch() throws Exception {
        Path bmp = tmp.resolve("huge.bmp");
        int w = 10000;
        int h = 10000;
        long pixelBytes = 3L * w * h;
        ByteBuffer header = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 'B').put((byte) 'M').putInt((int) (54 + pixelBytes)).putInt(0).putInt(54);
        header.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 24).putInt(0)
                .putInt((int) pixelBytes).putInt(2835).putInt(2835).putInt(0).putInt(0);
        try (RandomAccessFile f = new RandomAccessFile(bmp.toFile(), "rw")) {
            f.write(header.array());
            f.setLength(54 + pixelBytes);
        }
        Path cat = Shared.root().resolve("images/cat.bmp");
        Result r = owlet("classify", "--model", Shared.model("mobilenet_v1_0.25_128_quant").toString(),
                bmp.toString(), cat.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(bmp + ": reading the 300000054-byte file needs 287 MB, more than the "), r.err());
        assertTrue(r.out().contains("Egyptian cat"), r.out());
    }
}
