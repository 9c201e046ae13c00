package owlet.quantization.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import owlet.runtime.cli.Cli;

/** {@code owlet zoo} through the CLI, found by ServiceLoader as the launcher finds it. */
class ZooCommandTest {
    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Cli.standard().run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void jsonHasOneObjectPerModel() {
        assertEquals(0, run("zoo", "--json"));
        List<String> lines = out.lines().toList();
        assertEquals(13, lines.size());
        String first = lines.get(0);
        assertTrue(first.startsWith("{\"name\":\"mobilenet_v1_1.0_224\",\"family\":\"MobileNet V1\",\"alpha\":1.0,"
                + "\"resolution\":224,\"classes\":1000,\"mult_adds\":568740352,\"params\":4209088,"), first);
        assertTrue(first.contains("\"Conv 3x3\":{\"mult_adds\":1.905618,\"params\":0.020527}"), first);
        assertTrue(first.endsWith("\"paper\":{\"mult_adds_millions\":569.0,\"params_millions\":4.2,"
                + "\"source\":\"MobileNet paper, Table 6\"}}"), first);
        assertTrue(lines.get(11).contains("\"paper\":null"), lines.get(11));
    }

    @Test
    void tablesSayWhereThePaperIsWrong() {
        assertEquals(0, run("zoo"));
        assertTrue(out.contains("mobilenet_v1_0.25_224         0.25   224        41.03      41 ok"), out);
        assertTrue(out.contains("the paper prints 1.19 % for Conv 3x3, which cannot be right"), out);
        assertTrue(out.contains("Conv 3x3               1        1.91   1.19*"), out);
    }

    @Test
    void oneModelLayerByLayer() {
        assertEquals(0, run("zoo", "--model", "mobilenet_v1_0.25_224", "--classes", "1001"));
        assertTrue(out.contains("  28  FULLY_CONNECTED    Fully connected  [1,1001]"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("total") && l.contains("28")), out);
    }

    @Test
    void usageErrors() {
        assertEquals(2, run("zoo", "--model", "mobilenet_v9"));
        assertTrue(err.startsWith("owlet zoo: no model 'mobilenet_v9' in the zoo; models: mobilenet_v1_1.0_224,"), err);
        assertEquals(2, run("zoo", "--classes", "0"));
        assertTrue(err.startsWith("owlet zoo: --classes must be between 1 and 100000, got 0"), err);
        assertEquals(2, run("zoo", "extra"));
        assertEquals(0, run("zoo", "--help"));
        assertTrue(out.startsWith("usage: owlet zoo [--json] [--classes N] [--model NAME]"), out);
    }
}
