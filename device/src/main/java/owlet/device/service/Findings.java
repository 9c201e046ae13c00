package owlet.device.service;

import java.util.List;
import owlet.runtime.api.Classification;
import owlet.runtime.api.Detection;
import owlet.runtime.command.Json;

/**
 * What the model found in one picture: an image classifier's ranked labels ({@code detections} null), or
 * an object detector's detections, best first, in a {@code width x height} picture ({@code top} empty).
 */
record Findings(List<Classification> top, List<Detection> detections, int width, int height) {

    static Findings classified(List<Classification> top) {
        return new Findings(List.copyOf(top), null, 0, 0);
    }

    static Findings detected(List<Detection> detections, int width, int height) {
        return new Findings(List.of(), List.copyOf(detections), width, height);
    }

    boolean isDetection() {
        return detections != null;
    }

    /** Appends the result's part of a JSON line: {@code "top":[…]} or {@code "detections":[…]}. */
    void appendJson(StringBuilder b) {
        if (isDetection()) {
            Json.appendDetections(b.append("\"detections\":"), detections, width, height);
        } else {
            Json.appendTop(b.append("\"top\":"), top);
        }
    }

    /** Label and score rows, best first, for the status page: the ranked labels, or one per detection. */
    List<Classification> ranked() {
        if (!isDetection()) {
            return top;
        }
        return detections.stream().map(d -> new Classification(d.classId(), d.label(), d.score())).toList();
    }
}
