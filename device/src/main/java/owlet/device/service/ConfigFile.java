package owlet.device.service;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import owlet.runtime.io.InputFiles;

/**
 * Reads a configuration file as {@link Properties}, stricter than {@link Properties#load}: the file must be
 * a regular file of UTF-8 text of at most {@value #MAX_BYTES} bytes (a binary file is "not a text file", not a
 * decoder's "Input length = 1"; a FIFO is refused before it is opened), and a key given twice is an error
 * naming both lines (Properties would silently keep the last).
 */
final class ConfigFile {
    /** Largest configuration file read; a real one is a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;

    private ConfigFile() {}

    static Properties read(Path file) throws IOException, ConfigException {
        // A special file is refused before it is opened; then at most MAX_BYTES of strict UTF-8 without NULs.
        String text = InputFiles.readText(file, MAX_BYTES);
        Properties all = new Properties();
        Map<String, Integer> firstLine = new HashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int start = i;
            StringBuilder logical = new StringBuilder(lines[i]);
            // A line ending in an odd number of backslashes continues on the next (Properties' rule);
            // comments never continue.
            while (!isComment(lines[start]) && endsInOddBackslashes(lines[i]) && i + 1 < lines.length) {
                logical.append('\n').append(lines[++i]);
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(logical.toString()));
            } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
                throw new ConfigException(file + ": line " + (start + 1) + ": " + e.getMessage());
            }
            for (String key : one.stringPropertyNames()) {
                Integer earlier = firstLine.putIfAbsent(key, start + 1);
                if (earlier != null) {
                    throw new ConfigException(file + ": key '" + key + "' is given twice, on line " + earlier
                            + " and on line " + (start + 1) + "; keep one");
                }
                all.setProperty(key, one.getProperty(key));
            }
        }
        return all;
    }

    private static boolean isComment(String line) {
        String s = line.stripLeading();
        return s.startsWith("#") || s.startsWith("!");
    }

    private static boolean endsInOddBackslashes(String line) {
        int n = 0;
        for (int k = line.length() - 1; k >= 0 && line.charAt(k) == '\\'; k--) {
            n++;
        }
        return n % 2 == 1;
    }
}
