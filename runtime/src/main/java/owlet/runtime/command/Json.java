package owlet.runtime.command;

import java.util.List;
import owlet.runtime.api.Classification;
import owlet.runtime.api.Detection;

/**
 * Just enough JSON writing for one-line results, and the one place that writes a result's ranked labels
 * and detections, so {@code classify --json}, {@code detect --json} and {@code owlet run} agree.
 */
public final class Json {
    private Json() {
    }

    public static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A float with up to 6 decimals, no exponent, no trailing zeros beyond one. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        String s = java.math.BigDecimal.valueOf(v).setScale(6, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    public static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return b.toString();
    }

    /** Appends {@code [{"index":…,"label":…,"score":…},…]}. */
    public static StringBuilder appendTop(StringBuilder b, List<Classification> top) {
        b.append('[');
        for (int i = 0; i < top.size(); i++) {
            Classification c = top.get(i);
            b.append(i == 0 ? "" : ",").append("{\"index\":").append(c.index()).append(",\"label\":")
                    .append(string(c.label())).append(",\"score\":").append(number(c.score())).append('}');
        }
        return b.append(']');
    }

    /**
     * Appends {@code [{"class":…,"label":…,"score":…,"box":{…},"box_px":{…}},…]}: each box in 0..1 of the
     * picture and in the pixels of a {@code width x height} picture.
     */
    public static StringBuilder appendDetections(StringBuilder b, List<Detection> detections, int width, int height) {
        b.append('[');
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            b.append(i == 0 ? "" : ",").append("{\"class\":").append(d.classId()).append(",\"label\":")
                    .append(string(d.label())).append(",\"score\":").append(number(d.score()))
                    .append(",\"box\":");
            appendBox(b, d.box()).append(",\"box_px\":");
            appendBox(b, d.box().inPixels(width, height)).append('}');
        }
        return b.append(']');
    }

    private static StringBuilder appendBox(StringBuilder b, Detection.Box box) {
        return b.append("{\"xmin\":").append(number(box.xmin())).append(",\"ymin\":").append(number(box.ymin()))
                .append(",\"xmax\":").append(number(box.xmax())).append(",\"ymax\":").append(number(box.ymax()))
                .append('}');
    }
}
