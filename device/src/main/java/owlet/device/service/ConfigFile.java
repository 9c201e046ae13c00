package owlet.device.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a configuration file as {@link Properties}, stricter than {@link Properties#load}: the file must be
 * UTF-8 text of at most {@value #MAX_BYTES} bytes (a binary file is "not a text file", not a decoder's
 * "Input length = 1"), and a key given twice is an error naming both lines (Properties would silently keep
 * the last).
 */
final class ConfigFile {
    /** Largest configuration file read; a real one is a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;

    private ConfigFile() {}

    static Properties read(Path file) throws IOException, ConfigException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(file + ": more than " + MAX_BYTES + " bytes; not a configuration file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("not a text file: " + file + " (it is not UTF-8)");
        }
        if (text.indexOf('\0') >= 0) {
            throw new ConfigException("not a text file: " + file + " (it holds NUL bytes)");
        }
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
