package owlet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static owlet.runtime.cli.CliTest.owlet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import owlet.runtime.Shared;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;
import owlet.runtime.command.Json;

/** {@code owlet detect} end to end on the shared SSD model. */
class DetectCommandTest {
    static final String SSD = Shared.model("ssd_mobilenet_v1_coco_quant").toString();

    @Test
    void findsTheCatAndTheBird() {
        CliTest.Result cat = owlet("detect", "--model", SSD, Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(0, cat.code(), cat.err());
        List<String> lines = cat.out().lines().toList();
        assertTrue(lines.size() >= 2 && lines.get(1).strip().startsWith("cat "), cat.out());
        assertTrue(lines.get(1).contains("(16)"), cat.out());
        CliTest.Result parrot = owlet("detect", "--model", SSD, "--json",
                Shared.root().resolve("images/parrot.jpg").toString());
        assertEquals(0, parrot.code(), parrot.err());
        assertTrue(parrot.out().contains("\"detections\":[{\"class\":15,\"label\":\"bird\",\"score\":0.80859"),
                parrot.out());
    }

    @Test
    void jsonReportsBoxesInPixelsAndRawGivesTfLiteBytes() throws Exception {
        Path ppm = Shared.root().resolve("reference/ppm/s300/cat.ppm");
        CliTest.Result r = owlet("detect", "--model", SSD, "--json", "--raw", "--threshold", "0", ppm.toString());
        assertEquals(0, r.code(), r.err());
        String line = r.out().strip();
        assertTrue(line.startsWith("{\"image\":" + Json.string(ppm.toString()) + ",\"width\":300,\"height\":300,"),
                line);
        assertEquals(10, line.split("\"box_px\"").length - 1, "all ten detections at threshold 0: " + line);
        Matcher box = Pattern.compile("\"box\":\\{\"xmin\":([-0-9.]+),\"ymin\":([-0-9.]+),\"xmax\":([-0-9.]+),"
                + "\"ymax\":([-0-9.]+)\\},\"box_px\":\\{\"xmin\":([-0-9.]+),\"ymin\":([-0-9.]+),\"xmax\":([-0-9.]+),"
                + "\"ymax\":([-0-9.]+)\\}").matcher(line);
        assertTrue(box.find(), line);
        for (int k = 1; k <= 4; k++) {
            assertEquals(Double.parseDouble(box.group(k)) * 300, Double.parseDouble(box.group(k + 4)), 1e-3, line);
        }
        Matcher raw = Pattern.compile("\"raw\":\\[\"([0-9a-f]+)\",\"([0-9a-f]+)\",\"([0-9a-f]+)\",\"([0-9a-f]+)\"\\]")
                .matcher(line);
        assertTrue(raw.find(), line);
        String[] golden = Files.readAllLines(Shared.root().resolve("reference/golden-detect/ssd_mobilenet_v1_coco_quant.csv"))
                .stream().filter(l -> l.startsWith("cat,")).findFirst().orElseThrow().split(",");
        for (int k = 1; k <= 4; k++) {
            assertEquals(golden[k], raw.group(k), "output " + (k - 1));
        }
    }

    @Test
    void drawWritesThePictureWithBoxes(@TempDir Path dir) throws Exception {
        Path cat = Shared.root().resolve("images/cat.bmp");
        CliTest.Result r = owlet("detect", "--model", SSD, "--draw", dir.toString(), cat.toString());
        assertEquals(0, r.code(), r.err());
        RgbImage original = Images.read(cat);
        RgbImage drawn = Images.read(dir.resolve("cat.png"));
        assertEquals(original.width(), drawn.width());
        assertEquals(original.height(), drawn.height());
        int changed = 0;
        for (int i = 0; i < original.rgb().length; i++) {
            changed += original.rgb()[i] != drawn.rgb()[i] ? 1 : 0;
        }
        assertTrue(changed > 100 && changed < original.rgb().length / 4, changed + " bytes changed");
    }

    @Test
    void classifyAndDetectPointToEachOther() {
        CliTest.Result classify = owlet("classify", "--model", SSD, Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(1, classify.code());
        assertTrue(classify.err().contains("use owlet detect"), classify.err());
        CliTest.Result detect = owlet("detect", "--model", Shared.model("mobilenet_v1_0.25_128_quant").toString(),
                Shared.root().resolve("images/cat.bmp").toString());
        assertEquals(1, detect.code());
        assertTrue(detect.err().contains("use owlet classify"), detect.err());
    }

    @Test
    void aDirectoryStandsForItsImages(@TempDir Path dir) throws Exception {
        Files.copy(Shared.root().resolve("images/cat.bmp"), dir.resolve("a.bmp"));
        Files.copy(Shared.root().resolve("reference/ppm/s300/parrot.ppm"), dir.resolve("b.ppm"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        CliTest.Result r = owlet("detect", "--model", SSD, "--json", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).contains("a.bmp") && lines.get(1).contains("b.ppm"), r.out());
    }
}
