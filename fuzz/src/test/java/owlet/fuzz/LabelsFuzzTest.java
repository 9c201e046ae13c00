package owlet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import owlet.runtime.api.Labels;

/**
 * The label reader, {@code Labels.load(Path)}, on arbitrary file contents. Only an IOException naming the
 * file may come out; a loaded file must give a name for each of its indices. Seeds: {@code
 * LabelsFuzzTestInputs/}.
 */
class LabelsFuzzTest {
    private static final Path FILE = InputFile.create("labels.txt");

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void load(byte[] data) {
        Path file = InputFile.write(FILE, data);
        Contract.check(file.toString(), () -> {
            Labels labels = Labels.load(file);
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i) == null) {
                    throw new AssertionError("label " + i + " is null");
                }
            }
        }, IOException.class);
    }
}
