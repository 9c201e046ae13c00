package owlet.device.camera;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A configurable command line: words separated by white space (no shell, no quoting), where
 * {@code {name}} is replaced by a value, e.g. {@code rpicam-vid --width {width} --output -}.
 */
public final class CommandTemplate {
    private CommandTemplate() {
    }

    /**
     * @throws IllegalArgumentException for an empty command or a placeholder without a value
     */
    public static List<String> expand(String template, Map<String, String> values) {
        List<String> words = new ArrayList<>();
        for (String word : template.strip().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            int i = 0;
            while (i < word.length()) {
                int open = word.indexOf('{', i);
                int close = open < 0 ? -1 : word.indexOf('}', open);
                if (open < 0 || close < 0) {
                    b.append(word, i, word.length());
                    break;
                }
                String name = word.substring(open + 1, close);
                String value = values.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("unknown placeholder {" + name + "} in command '"
                            + template.strip() + "'; known: " + new java.util.TreeSet<>(values.keySet()));
                }
                b.append(word, i, open).append(value);
                i = close + 1;
            }
            words.add(b.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the camera command is empty");
        }
        return words;
    }
}
