package owlet.runtime.api;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Class labels, one per line; line k names output index k. */
public final class Labels {
    private final List<String> names;

    private Labels(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** Reads a UTF-8 label file; a file that is not UTF-8 is refused with a message naming it. */
    public static Labels load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) { // the decoder's own message is only "Input length = 1"
            throw new IOException(file + ": not a UTF-8 text file, so not a label file", e);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return new Labels(lines.stream().map(String::strip).toList());
    }

    /** No label file: every index is named "#k". */
    public static Labels none() {
        return new Labels(List.of());
    }

    public int size() {
        return names.size();
    }

    public String get(int index) {
        return index >= 0 && index < names.size() ? names.get(index) : "#" + index;
    }
}
