package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {
    @TempDir
    Path dir;

    @Test
    void linesAreLabelsStrippedWithoutTrailingBlankLines() throws IOException {
        Path f = Files.writeString(dir.resolve("labels.txt"), " tench \ngoldfish\n\n\n");
        Labels labels = Labels.load(f);
        assertEquals(2, labels.size());
        assertEquals("tench", labels.get(0));
        assertEquals("#2", labels.get(2));
    }

    /** Found by the fuzzer (LabelsFuzzTest): the decoder's MalformedInputException said only "Input length = 1". */
    @Test
    void aFileThatIsNotUtf8IsRefusedByName() throws IOException {
        Path f = Files.write(dir.resolve("labels.txt"), new byte[] {'c', 'a', 't', '\n', (byte) 0x89, 'x', '\n'});
        IOException e = assertThrows(IOException.class, () -> Labels.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not a UTF-8 text file"), e.getMessage());
    }
}
