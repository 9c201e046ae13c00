package owlet.runtime.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a FlexBuffers map of numbers for tests, every value and offset 4 bytes wide: the keys as
 * NUL-terminated strings, the keys vector (count, then backwards offsets), the map (keys-vector offset,
 * keys width, count, values, type bytes), then the root offset, root type and root width.
 */
public final class FlexMapWriter {
    private final Map<String, Object> entries = new TreeMap<>();

    public FlexMapWriter put(String key, Object value) {
        entries.put(key, value);
        return this;
    }

    public FlexMapWriter remove(String key) {
        entries.remove(key);
        return this;
    }

    /** The options of an SSD post-process op as TFLite's converter writes them, with the given values. */
    public static FlexMapWriter detection(int maxDetections, int maxClasses, int perClass, boolean regular,
                                          float scoreThreshold, float iouThreshold, int numClasses) {
        return new FlexMapWriter().put("max_detections", maxDetections).put("max_classes_per_detection", maxClasses)
                .put("detections_per_class", perClass).put("use_regular_nms", regular)
                .put("nms_score_threshold", scoreThreshold).put("nms_iou_threshold", iouThreshold)
                .put("num_classes", numClasses).put("y_scale", 10f).put("x_scale", 10f).put("h_scale", 5f)
                .put("w_scale", 5f);
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] keyPos = new int[entries.size()];
        int i = 0;
        for (String k : entries.keySet()) {
            keyPos[i++] = out.size();
            out.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        int n = entries.size();
        u32(out, n);
        int keysStart = out.size();
        for (int k = 0; k < n; k++) {
            u32(out, out.size() - keyPos[k]);
        }
        u32(out, out.size() - keysStart);
        u32(out, 4);
        u32(out, n);
        int values = out.size();
        byte[] types = new byte[n];
        i = 0;
        for (Object v : entries.values()) {
            if (v instanceof Boolean b) {
                u32(out, b ? 1 : 0);
                types[i++] = (byte) (FlexBuffers.BOOL << 2);
            } else if (v instanceof Float f) {
                u32(out, Float.floatToRawIntBits(f));
                types[i++] = (byte) (FlexBuffers.FLOAT << 2 | 2);
            } else {
                u32(out, ((Number) v).intValue());
                types[i++] = (byte) (FlexBuffers.INT << 2 | 2);
            }
        }
        out.writeBytes(types);
        u32(out, out.size() - values);
        out.write(FlexBuffers.MAP << 2 | 2);
        out.write(4);
        return out.toByteArray();
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        for (int k = 0; k < 4; k++) {
            out.write(v >> (8 * k));
        }
    }
}
