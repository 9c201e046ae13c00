package owlet.runtime.kernels;

import java.util.Arrays;
import owlet.runtime.kernels.support.ArenaFloats;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.kernels.support.OpContext;
import owlet.runtime.model.DetectionPostProcessOptions;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.Quant8;

/**
 * The custom operator {@code TFLite_Detection_PostProcess} of SSD detectors: decodes box encodings against
 * constant anchors, then keeps the best non-overlapping boxes (non-maximum suppression, NMS).
 *
 * <p>Inputs: box encodings [1, B, ≥4] (y, x, h, w relative to the anchor), class scores [1, B, C], anchors
 * [B, 4] (y, x, h, w centre-size), uint8 (per-tensor quantized) or float32. Outputs, float32: boxes
 * [1, N, 4] (ymin, xmin, ymax, xmax), classes [1, N], scores [1, N], count [1], where N = max_detections ·
 * max_classes_per_detection. Class ids do not count the background column: when C = num_classes + 1,
 * column 0 is the background and class k is column k + 1 (the "label offset").
 *
 * <p>The arithmetic is TFLite 2.18's (detection_postprocess.cc), in its order, so the outputs are the
 * same bytes:
 * <ul>
 * <li>uint8 box encodings and anchors dequantize in float, {@code ((float) q - zp) * scale}; uint8 scores
 *     as DEQUANTIZE does, {@code (float) ((double) scale * (q - zp))}.
 * <li>Decoding is in double, narrowed to float at the end: {@code yc = (float) (y / y_scale * ah + ay)},
 *     {@code half_h = (float) (0.5 * exp(h / h_scale) * ah)}, then {@code ymin = yc - half_h} etc. in
 *     float. {@code StrictMath.exp} stands for C's {@code exp}; both are within an ulp in double, and the
 *     result is narrowed to float, so they can only disagree on a box edge within a double ulp of a float
 *     rounding boundary.
 * <li>Fast NMS ({@code use_regular_nms = false}): each box's best class (the first maximum; or its
 *     best {@code max_classes_per_detection} by {@code std::partial_sort}); then one NMS over the boxes'
 *     best scores.
 * <li>Regular NMS: one NMS per class with {@code detections_per_class}, merging each class's survivors
 *     into the running best {@code max_detections} with {@code std::partial_sort}.
 * <li>Each NMS keeps scores ≥ {@code nms_score_threshold}, orders them by decreasing score, and takes
 *     them in that order, dropping any later box whose IoU with a taken one exceeds
 *     {@code nms_iou_threshold}; IoU in float, 0 when either box has no area.
 * </ul>
 * <p>The order among equal scores is the one place where exactness is subtle: scores are dequantized
 * 8-bit values, so they tie constantly, and the order among ties decides which box survives and which
 * slot it takes. Each NMS orders its candidates with {@code std::stable_sort} (TFLite's DecreasingArgSort):
 * ties keep box order. (Ordering them with libstdc++'s {@code std::partial_sort}, as older TFLite did,
 * changes 138 of the 416 golden outputs; the stable order matches all of them.) Where TFLite 2.18 does use
 * {@code std::partial_sort}, which is not stable (a box's best classes when
 * {@code max_classes_per_detection > 1}, and regular NMS's merge of each class's survivors into the
 * running best), {@link LibstdcxxSort} reproduces GNU libstdc++'s algorithm step for step, the reference
 * build being a GCC build.
 *
 * <p>Slots after the count are written as zeros (TFLite leaves them as they were). All working arrays are
 * allocated at prepare; {@code eval} allocates nothing. An interpreter runs on one thread at a time, so
 * the kernel's arrays are never shared.
 */
public final class DetectionPostProcess implements Kernel {
    /** The custom code this op is registered under. */
    public static final String CUSTOM_CODE = DetectionPostProcessOptions.CUSTOM_CODE;

    private final DetectionPostProcessOptions o;
    private final int numBoxes;
    private final int boxStride;
    private final int numClassesWithBackground;
    private final int labelOffset;
    private final int categories;
    private final int slots;
    // Inputs: uint8 inputs are read through 256-entry tables indexed by the arena byte; null when float.
    private final int boxOff;
    private final float[] boxTable;
    private final int scoreOff;
    private final float[] scoreTable;
    private final int boxesOut;
    private final int classesOut;
    private final int scoresOut;
    private final int countOut;
    /** Anchors as y, x, h, w per box (dequantized at prepare). */
    private final float[] anchors;
    // Working arrays.
    private final float[] decoded;
    private final float[] scores;
    private final float[] candidateScores;
    private final int[] classOfBox;
    private final float[] rowScores;
    private final int[] rowOrder;
    private final float[] keepScores;
    private final int[] keepIndices;
    private final int[] order;
    private final int[] sortScratch;
    private final boolean[] active;
    private final int[] selected;
    private final int[] mergedBoxes;
    private final float[] mergedScores;
    private final int[] mergedOrder;
    private final int[] tmpBoxes;
    private final float[] tmpScores;

    private DetectionPostProcess(DetectionPostProcessOptions o, int numBoxes, int boxStride,
                                 int numClassesWithBackground, int boxOff, float[] boxTable, int scoreOff, float[] scoreTable, float[] anchors, int[] outs) {
        this.o = o;
        this.numBoxes = numBoxes;
        this.boxStride = boxStride;
        this.numClassesWithBackground = numClassesWithBackground;
        this.labelOffset = numClassesWithBackground - o.numClasses();
        this.categories = Math.min(o.maxClassesPerDetection(), o.numClasses());
        this.slots = o.maxDetections() * o.maxClassesPerDetection();
        this.boxOff = boxOff;
        this.boxTable = boxTable;
        this.scoreOff = scoreOff;
        this.scoreTable = scoreTable;
        this.anchors = anchors;
        this.boxesOut = outs[0];
        this.classesOut = outs[1];
        this.scoresOut = outs[2];
        this.countOut = outs[3];
        this.decoded = new float[4 * numBoxes];
        this.scores = new float[numBoxes * numClassesWithBackground];
        this.candidateScores = new float[numBoxes];
        this.classOfBox = new int[numBoxes * categories];
        this.rowScores = new float[o.numClasses()];
        this.rowOrder = new int[o.numClasses()];
        this.keepScores = new float[numBoxes];
        this.keepIndices = new int[numBoxes];
        this.order = new int[numBoxes];
        this.sortScratch = new int[numBoxes];
        this.active = new boolean[numBoxes];
        this.selected = new int[numBoxes];
        int merged = numBoxes + o.maxDetections();
        this.mergedBoxes = new int[o.useRegularNms() ? merged : 0];
        this.mergedScores = new float[o.useRegularNms() ? merged : 0];
        this.mergedOrder = new int[o.useRegularNms() ? merged : 0];
        this.tmpBoxes = new int[o.useRegularNms() ? o.maxDetections() : 0];
        this.tmpScores = new float[o.useRegularNms() ? o.maxDetections() : 0];
    }

    public static Kernel prepare(OpContext ctx) throws InvalidModelException {
        ctx.requireArity(3, 3, 4);
        OperatorOptions.Custom custom = ctx.options(OperatorOptions.Custom.class);
        DetectionPostProcessOptions o = DetectionPostProcessOptions.parse(custom.options(), ctx.op().describe());
        Tensor boxes = ctx.input(0);
        Tensor classes = ctx.input(1);
        Tensor anchorTensor = ctx.input(2);
        ctx.requireType(boxes, "box encodings", TensorType.UINT8, TensorType.FLOAT32);
        ctx.requireType(classes, "class predictions", TensorType.UINT8, TensorType.FLOAT32);
        ctx.requireType(anchorTensor, "anchors", boxes.type());
        ctx.requireRank(boxes, "box encodings", 3);
        ctx.requireRank(classes, "class predictions", 3);
        ctx.requireRank(anchorTensor, "anchors", 2);
        ctx.requireConstant(anchorTensor, "anchors");
        int numBoxes = boxes.dim(1);
        if (boxes.dim(0) != 1 || boxes.dim(2) < 4) {
            throw ctx.fail("box encodings " + boxes.describe() + " must have shape [1, boxes, 4 or more]");
        }
        ctx.requireShape(classes, "class predictions", 1, numBoxes, classes.dim(2));
        ctx.requireShape(anchorTensor, "anchors", numBoxes, 4);
        int withBackground = classes.dim(2);
        if (withBackground != o.numClasses() && withBackground != o.numClasses() + 1) {
            throw ctx.fail("class predictions " + classes.describe() + " have " + withBackground
                    + " columns; num_classes = " + o.numClasses() + " needs " + o.numClasses() + " or "
                    + (o.numClasses() + 1) + " (with a background column)");
        }
        String[] roles = {"detection boxes", "detection classes", "detection scores", "detection count"};
        int[][] shapes = o.outputShapes();
        int[] outs = new int[4];
        for (int i = 0; i < 4; i++) {
            Tensor t = ctx.output(i);
            ctx.requireType(t, roles[i], TensorType.FLOAT32);
            ctx.requireShape(t, roles[i], shapes[i]);
            outs[i] = ctx.offset(t);
        }
        float[] anchors = boxes.type() == TensorType.UINT8 ? dequantizeAnchors(ctx, anchorTensor)
                : Quant8.floats(anchorTensor);
        for (int b = 0; b < numBoxes; b++) {
            // With heights and widths ≥ 0 every decoded box has ymin ≤ ymax and xmin ≤ xmax (or NaN), which
            // TFLite checks on every run (ValidateBoxes); checking the constant anchors once covers it.
            if (!(anchors[4 * b + 2] >= 0) || !(anchors[4 * b + 3] >= 0)) {
                throw ctx.fail("anchor #" + b + " has height " + anchors[4 * b + 2] + " and width "
                        + anchors[4 * b + 3] + "; both must be ≥ 0");
            }
        }
        float[] boxTable = null;
        if (boxes.type() == TensorType.UINT8) {
            ctx.requirePerTensor(boxes, "box encodings");
            boxTable = table8(boxes, false);
        }
        float[] scoreTable = null;
        if (classes.type() == TensorType.UINT8) {
            ctx.requirePerTensor(classes, "class predictions");
            scoreTable = table8(classes, true);
        }
        return new DetectionPostProcess(o, numBoxes, boxes.dim(2), withBackground, ctx.offset(boxes), boxTable,
                ctx.offset(classes), scoreTable, anchors, outs);
    }

    /**
     * Real values of a uint8 tensor by stored arena byte ({@code b & 0xFF}). Box encodings and anchors
     * dequantize in float ({@code ((float) q - zp) * scale}), scores in double narrowed once.
     */
    private static float[] table8(Tensor t, boolean viaDouble) {
        float scale = t.quantization().scale();
        int zp = t.quantization().zeroPoint();
        int shift = Quant8.shift(t);
        float[] table = new float[256];
        for (int b = 0; b < 256; b++) {
            int q = (byte) b + shift;
            table[b] = viaDouble ? (float) ((double) scale * (q - zp)) : ((float) q - (float) zp) * scale;
        }
        return table;
    }

    private static float[] dequantizeAnchors(OpContext ctx, Tensor t) throws InvalidModelException {
        ctx.requirePerTensor(t, "anchors");
        float scale = t.quantization().scale();
        float zp = t.quantization().zeroPoint();
        byte[] data = t.data();
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = ((float) (data[i] & 0xFF) - zp) * scale;
        }
        return out;
    }

    @Override
    public void eval(byte[] arena) {
        decodeBoxes(arena);
        readScores(arena);
        clearOutputs(arena);
        if (o.useRegularNms()) {
            regularNms(arena);
        } else {
            fastNms(arena);
        }
    }

    private float boxValue(byte[] arena, int index) {
        return boxTable != null ? boxTable[arena[boxOff + index] & 0xFF]
                : ArenaFloats.getFloat(arena, boxOff + 4 * index);
    }

    private void decodeBoxes(byte[] arena) {
        double ys = o.yScale();
        double xs = o.xScale();
        double hs = o.hScale();
        double ws = o.wScale();
        for (int b = 0; b < numBoxes; b++) {
            int e = b * boxStride;
            double y = boxValue(arena, e);
            double x = boxValue(arena, e + 1);
            double h = boxValue(arena, e + 2);
            double w = boxValue(arena, e + 3);
            double ay = anchors[4 * b];
            double ax = anchors[4 * b + 1];
            double ah = anchors[4 * b + 2];
            double aw = anchors[4 * b + 3];
            float yc = (float) (y / ys * ah + ay);
            float xc = (float) (x / xs * aw + ax);
            float halfH = (float) (0.5 * StrictMath.exp(h / hs) * ah);
            float halfW = (float) (0.5 * StrictMath.exp(w / ws) * aw);
            decoded[4 * b] = yc - halfH;
            decoded[4 * b + 1] = xc - halfW;
            decoded[4 * b + 2] = yc + halfH;
            decoded[4 * b + 3] = xc + halfW;
        }
    }

    private void readScores(byte[] arena) {
        if (scoreTable != null) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = scoreTable[arena[scoreOff + i] & 0xFF];
            }
        } else {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = ArenaFloats.getFloat(arena, scoreOff + 4 * i);
            }
        }
    }

    private void clearOutputs(byte[] arena) {
        Arrays.fill(arena, boxesOut, boxesOut + 16 * slots, (byte) 0);
        Arrays.fill(arena, classesOut, classesOut + 4 * slots, (byte) 0);
        Arrays.fill(arena, scoresOut, scoresOut + 4 * slots, (byte) 0);
    }

    private void writeSlot(byte[] arena, int slot, int box, int cls, float score) {
        for (int k = 0; k < 4; k++) {
            ArenaFloats.setFloat(arena, boxesOut + 16 * slot + 4 * k, decoded[4 * box + k]);
        }
        ArenaFloats.setFloat(arena, classesOut + 4 * slot, cls);
        ArenaFloats.setFloat(arena, scoresOut + 4 * slot, score);
    }

    /** Each box competes with its best class score; its best {@code categories} classes fill its slots. */
    private void fastNms(byte[] arena) {
        int c = o.numClasses();
        for (int b = 0; b < numBoxes; b++) {
            int row = b * numClassesWithBackground + labelOffset;
            System.arraycopy(scores, row, rowScores, 0, c);
            LibstdcxxSort.decreasingPartialArgSort(rowScores, c, categories, rowOrder);
            System.arraycopy(rowOrder, 0, classOfBox, b * categories, categories);
            candidateScores[b] = rowScores[rowOrder[0]];
        }
        int kept = nms(candidateScores, o.maxDetections());
        for (int i = 0; i < kept; i++) {
            int b = selected[i];
            int row = b * numClassesWithBackground + labelOffset;
            for (int k = 0; k < categories; k++) {
                int cls = classOfBox[b * categories + k];
                writeSlot(arena, o.maxClassesPerDetection() * i + k, b, cls, scores[row + cls]);
            }
        }
        ArenaFloats.setFloat(arena, countOut, kept);
    }

    /**
     * NMS per class, each class's survivors merged into the best {@code max_detections} so far, as TFLite's
     * NonMaxSuppressionMultiClassRegularHelper does (entries are anchor · C + column).
     */
    private void regularNms(byte[] arena) {
        int size = 0;
        int maxDet = o.maxDetections();
        for (int col = 0; col < o.numClasses(); col++) {
            for (int b = 0; b < numBoxes; b++) {
                candidateScores[b] = scores[b * numClassesWithBackground + col + labelOffset];
            }
            int kept = nms(candidateScores, o.detectionsPerClass());
            int end = size;
            for (int i = 0; i < kept; i++) {
                mergedBoxes[end] = selected[i] * numClassesWithBackground + col + labelOffset;
                mergedScores[end] = candidateScores[selected[i]];
                end++;
            }
            int toSort = Math.min(end, maxDet);
            LibstdcxxSort.decreasingPartialArgSort(mergedScores, end, toSort, mergedOrder);
            for (int r = 0; r < toSort; r++) {
                tmpBoxes[r] = mergedBoxes[mergedOrder[r]];
                tmpScores[r] = mergedScores[mergedOrder[r]];
            }
            System.arraycopy(tmpBoxes, 0, mergedBoxes, 0, toSort);
            System.arraycopy(tmpScores, 0, mergedScores, 0, toSort);
            size = toSort;
        }
        for (int i = 0; i < size; i++) {
            int box = mergedBoxes[i] / numClassesWithBackground;
            int cls = mergedBoxes[i] - box * numClassesWithBackground - labelOffset;
            writeSlot(arena, i, box, cls, mergedScores[i]);
        }
        ArenaFloats.setFloat(arena, countOut, size);
    }

    /**
     * One NMS over {@code values[0, numBoxes)}: fills {@code selected} with the kept box indices, best first,
     * and returns how many (at most {@code limit}).
     */
    private int nms(float[] values, int limit) {
        int n = 0;
        for (int b = 0; b < numBoxes; b++) {
            if (values[b] >= o.scoreThreshold()) {
                keepScores[n] = values[b];
                keepIndices[n] = b;
                n++;
            }
        }
        LibstdcxxSort.decreasingStableArgSort(keepScores, n, order, sortScratch);
        int outputSize = Math.min(n, limit);
        int count = 0;
        int activeCount = n;
        Arrays.fill(active, 0, n, true);
        for (int i = 0; i < n; i++) {
            if (activeCount == 0 || count >= outputSize) {
                break;
            }
            if (!active[i]) {
                continue;
            }
            int bi = keepIndices[order[i]];
            selected[count++] = bi;
            active[i] = false;
            activeCount--;
            for (int j = i + 1; j < n; j++) {
                if (active[j] && iou(bi, keepIndices[order[j]]) > o.iouThreshold()) {
                    active[j] = false;
                    activeCount--;
                }
            }
        }
        return count;
    }

    /** TFLite's ComputeIntersectionOverUnion, in float, with C++'s std::max and std::min. */
    private float iou(int i, int j) {
        float iymin = decoded[4 * i];
        float ixmin = decoded[4 * i + 1];
        float iymax = decoded[4 * i + 2];
        float ixmax = decoded[4 * i + 3];
        float jymin = decoded[4 * j];
        float jxmin = decoded[4 * j + 1];
        float jymax = decoded[4 * j + 2];
        float jxmax = decoded[4 * j + 3];
        float areaI = (iymax - iymin) * (ixmax - ixmin);
        float areaJ = (jymax - jymin) * (jxmax - jxmin);
        if (areaI <= 0 || areaJ <= 0) {
            return 0;
        }
        float ymin = cmax(iymin, jymin);
        float xmin = cmax(ixmin, jxmin);
        float ymax = cmin(iymax, jymax);
        float xmax = cmin(ixmax, jxmax);
        float intersection = cmax(ymax - ymin, 0f) * cmax(xmax - xmin, 0f);
        return intersection / (areaI + areaJ - intersection);
    }

    /** {@code std::max(a, b)}: {@code (a < b) ? b : a}. */
    private static float cmax(float a, float b) {
        return a < b ? b : a;
    }

    /** {@code std::min(a, b)}: {@code (b < a) ? b : a}. */
    private static float cmin(float a, float b) {
        return b < a ? b : a;
    }
}
