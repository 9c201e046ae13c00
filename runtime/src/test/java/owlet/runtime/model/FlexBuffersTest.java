package owlet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.Shared;

/** The FlexBuffers reader and the detection options: real and written maps, truncations, mutations. */
class FlexBuffersTest {
    private static final String WHERE = "op #7 CUSTOM 'TFLite_Detection_PostProcess'";

    /** The custom_options bytes of the shared SSD model's post-process op. */
    static byte[] ssdOptions() throws Exception {
        Model m = Model.load(Shared.model("ssd_mobilenet_v1_coco_quant"));
        for (Operator op : m.operators()) {
            if (op.options() instanceof OperatorOptions.Custom c) {
                assertEquals(DetectionPostProcessOptions.CUSTOM_CODE, c.code());
                return c.options();
            }
        }
        throw new AssertionError("no custom operator in the SSD model");
    }

    @Test
    void readsTheSsdModelsOptionsAndShapesItsOutputs() throws Exception {
        byte[] data = ssdOptions();
        FlexBuffers.Map map = FlexBuffers.map(data, WHERE);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < map.size(); i++) {
            keys.add(map.key(i));
        }
        assertTrue(keys.containsAll(List.of("max_detections", "max_classes_per_detection", "nms_score_threshold",
                "nms_iou_threshold", "num_classes", "y_scale", "x_scale", "h_scale", "w_scale")), keys.toString());
        DetectionPostProcessOptions o = DetectionPostProcessOptions.parse(data, WHERE);
        // The options decide the output shapes the model file leaves empty.
        Model m = Model.load(Shared.model("ssd_mobilenet_v1_coco_quant"));
        int[][] shapes = o.outputShapes();
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(shapes[k], m.output(k).shape());
        }
        assertEquals(90, o.numClasses(), "COCO classes without the background column");
        assertEquals(m.tensor(m.operators().get(m.operators().size() - 1).inputs()[1]).dim(2), o.numClasses() + 1);
        assertTrue(o.iouThreshold() > 0 && o.iouThreshold() <= 1);
        assertFalse(o.useRegularNms());
    }

    @Test
    void readsWrittenMapsWithDefaults() throws Exception {
        byte[] data = FlexMapWriter.detection(7, 2, 3, true, 0.25f, 0.5f, 4).remove("detections_per_class").bytes();
        DetectionPostProcessOptions o = DetectionPostProcessOptions.parse(data, WHERE);
        assertEquals(new DetectionPostProcessOptions(7, 2, 100, true, 0.25f, 0.5f, 4, 10f, 10f, 5f, 5f), o);
        FlexBuffers.Map map = FlexBuffers.map(data, WHERE);
        assertNull(map.number("absent"));
        assertEquals(0.25, map.number("nms_score_threshold"));
    }

    @Test
    void everyPrefixFailsCleanly() throws Exception {
        for (byte[] data : List.of(ssdOptions(), FlexMapWriter.detection(10, 1, 100, false, 0f, 0.6f, 90).bytes())) {
            for (int len = 0; len < data.length; len++) {
                byte[] prefix = java.util.Arrays.copyOf(data, len);
                InvalidModelException e = assertThrows(InvalidModelException.class,
                        () -> DetectionPostProcessOptions.parse(prefix, WHERE), "prefix of " + len + " bytes");
                assertTrue(e.getMessage().startsWith(WHERE), e.getMessage());
            }
        }
    }

    @Test
    void seededMutationsRaiseOnlyInvalidModelException() throws Exception {
        byte[] ssd = ssdOptions();
        byte[] written = FlexMapWriter.detection(10, 1, 100, false, 0f, 0.6f, 90).bytes();
        Random random = new Random(16);
        int rejected = 0;
        int trials = 0;
        for (byte[] original : List.of(ssd, written)) {
            for (int trial = 0; trial < 20_000; trial++) {
                byte[] data = original.clone();
                int changes = 1 + random.nextInt(4);
                for (int c = 0; c < changes; c++) {
                    int at = random.nextInt(8) == 0 ? data.length - 1 - random.nextInt(Math.min(12, data.length))
                            : random.nextInt(data.length);
                    data[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (data[at] ^ 1 << random.nextInt(8));
                }
                trials++;
                try {
                    DetectionPostProcessOptions.parse(data, WHERE);
                } catch (InvalidModelException e) {
                    rejected++;
                    assertTrue(e.getMessage().startsWith(WHERE), e.getMessage());
                } catch (RuntimeException e) {
                    fail("trial " + trial + ": " + e + " instead of InvalidModelException", e);
                }
            }
        }
        assertTrue(rejected > trials / 4, "only " + rejected + " of " + trials + " mutations rejected");
    }

    @Test
    void hostileStructuresNameThePlace() {
        byte[] good = FlexMapWriter.detection(10, 1, 100, false, 0f, 0.6f, 90).bytes();
        int n = good.length;
        byte[] badWidth = good.clone();
        badWidth[n - 1] = 3;
        assertMessage(badWidth, "root byte width 3");
        byte[] notMap = good.clone();
        notMap[n - 2] = (byte) (FlexBuffers.INT << 2);
        assertMessage(notMap, "expected a map");
        byte[] farRoot = good.clone();
        farRoot[n - 3] = (byte) 0x7F; // root offset points before the start
        assertMessage(farRoot, "points outside");
        byte[] hugeCount = good.clone();
        // The map's element count sits just before its values; the values start where the root points.
        int values = n - 6 - (good[n - 6] & 0xFF | (good[n - 5] & 0xFF) << 8);
        hugeCount[values - 1] = 0x40;
        assertMessage(hugeCount, "entries cannot fit");
    }

    private static void assertMessage(byte[] data, String part) {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> DetectionPostProcessOptions.parse(data, WHERE));
        assertTrue(e.getMessage().startsWith(WHERE) && e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void optionValuesAreValidatedWithTheFieldNamed() {
        Object[][] bad = {
            {"max_detections", 0}, {"max_detections", -3}, {"max_classes_per_detection", 0},
            {"detections_per_class", 1_000_000}, {"num_classes", 2.5f}, {"nms_score_threshold", Float.NaN},
            {"nms_score_threshold", Float.POSITIVE_INFINITY}, {"nms_iou_threshold", 0f}, {"nms_iou_threshold", 1.5f},
            {"nms_iou_threshold", Float.NaN}, {"y_scale", 0f}, {"x_scale", -1f}, {"h_scale", Float.POSITIVE_INFINITY},
            {"w_scale", Float.NaN}, {"use_regular_nms", 2},
        };
        for (Object[] b : bad) {
            byte[] data = FlexMapWriter.detection(10, 1, 100, false, 0f, 0.6f, 90).put((String) b[0], b[1]).bytes();
            InvalidModelException e = assertThrows(InvalidModelException.class,
                    () -> DetectionPostProcessOptions.parse(data, WHERE), b[0] + " = " + b[1]);
            assertTrue(e.getMessage().startsWith(WHERE) && e.getMessage().contains("'" + b[0] + "'"), e.getMessage());
        }
        for (String required : List.of("max_detections", "num_classes", "nms_iou_threshold", "w_scale")) {
            byte[] data = FlexMapWriter.detection(10, 1, 100, false, 0f, 0.6f, 90).remove(required).bytes();
            InvalidModelException e = assertThrows(InvalidModelException.class,
                    () -> DetectionPostProcessOptions.parse(data, WHERE));
            assertTrue(e.getMessage().contains("'" + required + "' is missing"), e.getMessage());
        }
    }

    /** A model file whose post-process options are damaged fails to load, naming the operator. */
    @Test
    void aModelWithBadOptionsFailsToLoadNamingTheOperator() throws Exception {
        byte[] file = java.nio.file.Files.readAllBytes(Shared.model("ssd_mobilenet_v1_coco_quant"));
        byte[] options = ssdOptions();
        int at = -1;
        for (int i = 0; i + options.length <= file.length && at < 0; i++) {
            if (java.util.Arrays.equals(file, i, i + options.length, options, 0, options.length)) {
                at = i;
            }
        }
        assertTrue(at >= 0, "options bytes not found in the file");
        byte[] damaged = file.clone();
        damaged[at + options.length - 1] = 5; // root byte width
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> Model.parse(java.nio.ByteBuffer.wrap(damaged), "damaged"));
        assertTrue(e.getMessage().startsWith("op #63 CUSTOM 'TFLite_Detection_PostProcess' custom_options: root byte "
                + "width 5"), e.getMessage());
    }
}
