package owlet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import owlet.runtime.Shared;

class LabelsTest {
    @TempDir
    Path dir;

    private Labels load(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return Labels.load(p);
    }

    @Test
    void plainLinesNameTheirLineNumber() throws IOException {
        Labels l = load("plain.txt", "background\r\ncat\ndog\n\n\n");
        assertEquals(Labels.Form.PLAIN, l.form());
        assertEquals(3, l.size());
        assertEquals("background", l.get(0));
        assertEquals("dog", l.get(2));
        assertEquals("#3", l.get(3));
        assertEquals("#-1", l.get(-1));
        assertEquals("cat", l.forClassId(1));
    }

    @Test
    void indexPrefixedLinesInEveryConvention() throws IOException {
        for (String sep : List.of(" ", ":", "\t", "  ", ": ", " : ")) {
            Labels l = load("tm.txt", "0" + sep + "Mask\n1" + sep + "No mask\n");
            assertEquals(Labels.Form.INDEXED, l.form(), "separator '" + sep + "'");
            assertEquals(2, l.size());
            assertEquals("Mask", l.get(0));
            assertEquals("No mask", l.get(1), "separator '" + sep + "'");
        }
    }

    @Test
    void indicesMaySkipAsCocosDo() throws IOException {
        Labels l = load("coco.txt", "0  person\n1  bicycle\n\n12  stop sign\n89  toothbrush\n");
        assertEquals(90, l.size());
        assertEquals("person", l.get(0));
        assertEquals("#11", l.get(11), "a skipped index has no label");
        assertEquals("stop sign", l.get(12));
        assertEquals("stop sign", l.forClassId(12), "class id = index");
        assertEquals("toothbrush", l.get(89));
        assertEquals(List.of("person", "bicycle", "stop sign", "toothbrush"), l.all());
    }

    @Test
    void aLineWithoutIndexInAnIndexedFileIsAnError() throws IOException {
        LabelFileException e = assertThrows(LabelFileException.class, () -> load("mixed.txt", "0 cat\ndog\n"));
        assertEquals(dir.resolve("mixed.txt") + ":2: 'dog' has no index, unlike line 1 ('0 cat');"
                + " use 'INDEX LABEL' on every line, or no index on any", e.getMessage());
        e = assertThrows(LabelFileException.class, () -> load("twice.txt", "0 cat\n1 dog\n0 bird\n"));
        assertEquals(dir.resolve("twice.txt") + ":3: index 0 is already named on line 1 ('cat')", e.getMessage());
        e = assertThrows(LabelFileException.class, () -> load("huge.txt", "0 cat\n99999999999 dog\n"));
        assertTrue(e.getMessage().contains(":2: index 99999999999 is larger than 1000000"), e.getMessage());
    }

    @Test
    void anSsdLabelMapShiftsClassIdsByOne() throws IOException {
        Labels l = load("labelmap.txt", "???\nperson\nbicycle\ncar\n");
        assertEquals(Labels.Form.SSD_LABEL_MAP, l.form());
        assertEquals(4, l.size());
        assertEquals(3, l.classCount());
        assertEquals("person", l.forClassId(0), "the detector's class 0 is line 1");
        assertEquals("car", l.forClassId(2));
        assertEquals("person", l.get(1), "a classifier's output k is line k");
        assertEquals(List.of("person", "bicycle", "car"), l.all(), "the placeholder is not a label");
        l.checkClasses(3);
        LabelFileException e = assertThrows(LabelFileException.class, () -> load("labelmap.txt", "???\na\n")
                .checkClasses(90));
        assertEquals(dir.resolve("labelmap.txt") + ": 1 labels for 90 detector classes; is it the label file of"
                + " this model?", e.getMessage());
    }

    @Test
    void theSharedCocoLabelsNameTheDetectorsClassIds() throws IOException {
        Labels l = Labels.load(Shared.root().resolve("models/coco_labels.txt"));
        assertEquals(Labels.Form.PLAIN, l.form());
        assertEquals(90, l.classCount());
        l.checkClasses(90);
        // shared/reference/README.md: the detector finds a cat (class 16) and a bird (class 15)
        assertEquals("cat", l.forClassId(16));
        assertEquals("bird", l.forClassId(15));
        assertEquals("person", l.forClassId(0));
    }

    @Test
    void anEqualCountFitsAsItIs() throws IOException {
        Labels l = load("l.txt", "a\nb\nc\n");
        List<String> warnings = new ArrayList<>();
        assertSame(l, l.fitOutputs(3, warnings::add));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void oneFewerPlainLineShiftsByTheMissingBackgroundWithOneWarning() throws IOException {
        Labels l = load("l.txt", "cat\ndog\n");
        List<String> warnings = new ArrayList<>();
        Labels fitted = l.fitOutputs(3, warnings::add);
        assertEquals(List.of(dir.resolve("l.txt") + ": 2 labels for 3 model outputs: taking output 0 as background"
                + " and naming output k by line k - 1 (add a first line 'background' to silence this)"), warnings);
        assertEquals("background", fitted.get(0));
        assertEquals("cat", fitted.get(1));
        assertEquals("dog", fitted.get(2));
    }

    @Test
    void oneFewerIndexedLineKeepsTheIndicesWithOneWarning() throws IOException {
        Labels l = load("l.txt", "0 cat\n1 dog\n");
        List<String> warnings = new ArrayList<>();
        Labels fitted = l.fitOutputs(3, warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("2 labels for 3 model outputs: output 2 has no label"), warnings.get(0));
        assertEquals("cat", fitted.get(0));
        assertEquals("#2", fitted.get(2));
    }

    @Test
    void anyOtherCountIsAnErrorNamingBothNumbers() throws IOException {
        Labels l = load("l.txt", "a\nb\nc\n");
        List<String> warnings = new ArrayList<>();
        LabelFileException e = assertThrows(LabelFileException.class, () -> l.fitOutputs(1001, warnings::add));
        assertEquals(dir.resolve("l.txt") + ": 3 labels for 1001 model outputs; is it the label file of this model?",
                e.getMessage());
        e = assertThrows(LabelFileException.class, () -> l.fitOutputs(2, warnings::add));
        assertTrue(e.getMessage().contains("3 labels for 2 model outputs"), e.getMessage());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void noLabelFileFitsAnyModel() throws IOException {
        Labels none = Labels.none();
        assertSame(none, none.fitOutputs(1001, w -> {
            throw new AssertionError(w);
        }));
        assertEquals("#5", none.get(5));
    }

    @Test
    void anEmptyFileIsAnError() {
        LabelFileException e = assertThrows(LabelFileException.class, () -> load("empty.txt", ""));
        assertEquals(dir.resolve("empty.txt") + ": no labels (the file is empty)", e.getMessage());
        assertThrows(LabelFileException.class, () -> load("blank.txt", "\n  \n\n"));
    }

    @Test
    void aFileThatIsNotUtf8TextIsNamedAsSuch() throws IOException {
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'}); // "café" in ISO-8859-1
        IOException e = assertThrows(IOException.class, () -> Labels.load(latin1));
        assertEquals(latin1 + ": not a text file", e.getMessage());
        Path binary = dir.resolve("model.tflite");
        Files.write(binary, new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3'});
        e = assertThrows(IOException.class, () -> Labels.load(binary));
        assertEquals(binary + ": not a text file", e.getMessage());
        Path bom = dir.resolve("bom.txt");
        Files.write(bom, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'c', 'a', 't', '\n'});
        assertEquals("cat", Labels.load(bom).get(0), "a UTF-8 byte order mark is not part of the first label");
    }

    @Test
    void theLabelsBesideTheModelArePreferredInOrder() throws IOException {
        Path model = dir.resolve("m.tflite");
        assertNull(Labels.besideModel(model));
        Files.writeString(dir.resolve("labels.txt"), "x\n");
        assertEquals(dir.resolve("labels.txt"), Labels.besideModel(model));
        Files.writeString(dir.resolve("imagenet_labels.txt"), "y\n");
        assertEquals(dir.resolve("imagenet_labels.txt"), Labels.besideModel(model));
        assertEquals("y", Labels.forModel(model, null).get(0));
        assertEquals("x", Labels.forModel(model, dir.resolve("labels.txt")).get(0), "a given file wins");
    }

    @Test
    void hasMatchesLabelsAndSynonymsIgnoringCase() throws IOException {
        Labels l = load("l.txt", "background\ntabby, tabby cat\nEgyptian cat\n");
        assertTrue(l.has("tabby cat"));
        assertTrue(l.has(" TABBY "));
        assertTrue(l.has("egyptian cat"));
        assertFalse(l.has("cat"));
        assertEquals(List.of("Egyptian cat"), l.closest("egyptian kat", 3));
        assertEquals("tabby, tabby cat", l.closest("tabb", 3).get(0));
        assertTrue(l.closest("zebra", 3).isEmpty());
    }

    @Test
    void editDistanceCountsSingleEdits() {
        assertEquals(0, Labels.editDistance("cat", "cat"));
        assertEquals(1, Labels.editDistance("cat", "kat"));
        assertEquals(1, Labels.editDistance("cat", "cats"));
        assertEquals(3, Labels.editDistance("", "cat"));
        assertEquals(3, Labels.editDistance("kitten", "sitting"));
    }
}
