package owlet.runtime.model;

/**
 * The {@code custom_options} of TFLite's {@code TFLite_Detection_PostProcess} operator (a FlexBuffers
 * map), validated: counts whole and from 1 to {@link #MAX_COUNT}, thresholds finite (the IoU threshold in
 * (0, 1], as TFLite requires), scales positive and finite. Absent {@code detections_per_class} means 100
 * and absent {@code use_regular_nms} false, as in TFLite; every other field is required. Parsed when the
 * model loads: the op's output shapes follow from it (see {@link #outputShapes()}).
 */
public record DetectionPostProcessOptions(int maxDetections, int maxClassesPerDetection, int detectionsPerClass,
                                          boolean useRegularNms, float scoreThreshold, float iouThreshold,
                                          int numClasses, float yScale, float xScale, float hScale, float wScale) {
    /** The custom code of the operator. */
    public static final String CUSTOM_CODE = "TFLite_Detection_PostProcess";
    /** Bound on every count option: far beyond any detector, small enough for every array to fit. */
    public static final int MAX_COUNT = 100_000;

    /** Output slots: {@code max_detections · max_classes_per_detection}. */
    public int slots() {
        return maxDetections * maxClassesPerDetection;
    }

    /** Shapes of the four outputs, as TFLite's Prepare sets them: boxes, classes, scores, count. */
    public int[][] outputShapes() {
        return new int[][] {{1, slots(), 4}, {1, slots()}, {1, slots()}, {1}};
    }

    /**
     * Parses and validates the FlexBuffers options.
     *
     * @param where the operator ("op #63 CUSTOM 'TFLite_Detection_PostProcess'"), for messages, which also
     *              name the field
     */
    public static DetectionPostProcessOptions parse(byte[] data, String where) throws InvalidModelException {
        where = where + " custom_options";
        FlexBuffers.Map m = FlexBuffers.map(data, where);
        int numClasses = count(m, "num_classes", null, where);
        int maxDetections = count(m, "max_detections", null, where);
        int maxClasses = count(m, "max_classes_per_detection", null, where);
        int perClass = count(m, "detections_per_class", 100, where);
        if ((long) maxDetections * maxClasses > MAX_COUNT) {
            throw new InvalidModelException(where + ": max_detections · max_classes_per_detection = "
                    + (long) maxDetections * maxClasses + " output slots, more than " + MAX_COUNT);
        }
        Double regular = m.number("use_regular_nms");
        if (regular != null && regular != 0 && regular != 1) {
            throw new InvalidModelException(where + " field 'use_regular_nms': " + regular + " is not a boolean");
        }
        float score = real(m, "nms_score_threshold", where);
        if (!Float.isFinite(score)) {
            throw new InvalidModelException(where + " field 'nms_score_threshold': " + score + " is not finite");
        }
        float iou = real(m, "nms_iou_threshold", where);
        if (!(iou > 0 && iou <= 1)) {
            throw new InvalidModelException(where + " field 'nms_iou_threshold': " + iou + " is not in (0, 1]");
        }
        return new DetectionPostProcessOptions(maxDetections, maxClasses, perClass, regular != null && regular == 1, score, iou,
                numClasses, scale(m, "y_scale", where), scale(m, "x_scale", where), scale(m, "h_scale", where),
                scale(m, "w_scale", where));
    }

    private static int count(FlexBuffers.Map m, String key, Integer dflt, String where) throws InvalidModelException {
        Double v = m.number(key);
        if (v == null) {
            if (dflt == null) {
                throw new InvalidModelException(where + ": field '" + key + "' is missing");
            }
            return dflt;
        }
        if (!(v >= 1 && v <= MAX_COUNT) || v != Math.floor(v)) {
            throw new InvalidModelException(where + " field '" + key + "': " + v + " is not a whole number from 1 to "
                    + MAX_COUNT);
        }
        return v.intValue();
    }

    private static float real(FlexBuffers.Map m, String key, String where) throws InvalidModelException {
        Double v = m.number(key);
        if (v == null) {
            throw new InvalidModelException(where + ": field '" + key + "' is missing");
        }
        return v.floatValue();
    }

    private static float scale(FlexBuffers.Map m, String key, String where) throws InvalidModelException {
        float v = real(m, key, where);
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new InvalidModelException(where + " field '" + key + "': " + v + " is not a positive finite number");
        }
        return v;
    }

}
