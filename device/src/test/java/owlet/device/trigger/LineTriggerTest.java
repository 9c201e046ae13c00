package owlet.device.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineTriggerTest {
    private static int triggers(String input) throws InterruptedException {
        AtomicInteger count = new AtomicInteger();
        LineTrigger t = new LineTrigger(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "stdin",
                Clock.system());
        t.start(trigger -> {
            assertEquals("stdin", trigger.source());
            count.incrementAndGet();
        });
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!t.exhausted() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(t.exhausted(), "the end of the input exhausts the source");
        return count.get();
    }

    /** The same lines BufferedReader.readLine finds: \n, \r and \r\n end a line; a last unended line counts. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''|0", "x|1", "\\n|1", "a\\nb\\n|2", "a\\r\\nb\\r\\n|2", "a\\rb|2", "\\r\\n\\r\\n|2",
            "\\n\\n\\n|3", "a\\n\\rb|3", "one line without end|1"})
    void countsTheLinesReadLineWould(String input, int expected) throws Exception {
        String decoded = input.replace("\\n", "\n").replace("\\r", "\r");
        assertEquals(expected, triggers(decoded), decoded);
        assertEquals(new java.io.BufferedReader(new java.io.StringReader(decoded)).lines().count(), expected);
    }

    @Test
    void linesAcrossBufferBoundariesCountOnce() throws Exception {
        String crlf = "y".repeat(8191) + "\r\n" + "z".repeat(10_000) + "\n";
        assertEquals(2, triggers(crlf));
    }
}
