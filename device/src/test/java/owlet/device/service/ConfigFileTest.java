package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("owlet.properties");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void readsWhatPropertiesReads() throws Exception {
        Properties p = ConfigFile.read(write("# a comment\n! another\nmodel = m.tflite\n"
                + "outputs = led, \\\n    relay\nkey\\ with\\ space : v\r\ntop-k=3\n\n"));
        assertEquals("m.tflite", p.getProperty("model"));
        assertEquals("led, relay", p.getProperty("outputs"));
        assertEquals("v", p.getProperty("key with space"));
        assertEquals("3", p.getProperty("top-k"));
        assertEquals(4, p.size());
    }

    @Test
    void aKeyGivenTwiceNamesBothLines() throws Exception {
        Path f = write("model = a.tflite\n# top-k = 9\ntop-k = 3\nthreshold = 0.2\ntop-k = 5\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(f));
        assertEquals(f + ": key 'top-k' is given twice, on line 3 and on line 5; keep one", e.getMessage());
    }

    @Test
    void aContinuedLineCountsWhereItStarts() throws Exception {
        Path f = write("outputs = led, \\\n  relay\nmodel = m\noutputs = x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("on line 1 and on line 4"), e.getMessage());
    }

    @Test
    void aBinaryFileIsNotATextFile() throws Exception {
        Path f = dir.resolve("model.tflite");
        Files.write(f, new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', (byte) 0xff, (byte) 0xfe});
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> ConfigFile.read(f));
        assertEquals(f + ": not a text file", e.getMessage());
        Files.write(f, new byte[] {'a', '=', 0, 'b'});
        e = assertThrows(java.io.IOException.class, () -> ConfigFile.read(f));
        assertEquals(f + ": not a text file", e.getMessage());
    }

    @Test
    void anOversizedFileIsRefusedWithoutReadingItAll() throws Exception {
        Path f = dir.resolve("big.properties");
        Files.write(f, new byte[ConfigFile.MAX_BYTES + 1]);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("more than the limit of " + ConfigFile.MAX_BYTES), e.getMessage());
    }

    @Test
    void aMalformedEscapeNamesItsLine() throws Exception {
        Path f = write("model = m\nlabels = \\uZZZZ\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": line 2: "), e.getMessage());
    }
}
