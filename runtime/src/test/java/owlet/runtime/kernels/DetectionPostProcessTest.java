package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.FlexMapWriter;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

/**
 * TFLite_Detection_PostProcess against a straightforward oracle: decode each box, rank candidates by
 * score (ties by box index), keep a candidate unless a kept one overlaps it by more than the IoU
 * threshold; regular NMS does that per class and keeps the best overall.
 */
class DetectionPostProcessTest {
    private static final float IOU = 0.5f;

    /** One problem: B boxes as encodings (y, x, h, w) and anchors (y, x, h, w), C score columns. */
    record Problem(int boxes, int columns, float[] encodings, float[] anchors, float[] scores) {
    }

    record Result(float[] boxes, float[] classes, float[] scores, float count) {
        void assertEqualTo(Result o, String what) {
            assertEquals(o.count, count, what + ": count");
            assertArrayEquals(o.classes, classes, what + ": classes");
            assertArrayEquals(o.scores, scores, what + ": scores");
            assertArrayEquals(o.boxes, boxes, what + ": boxes");
        }
    }

    /** Runs the op on float inputs, over an arena first filled with noise. */
    static Result run(Problem p, byte[] options, int slots) throws InvalidModelException {
        OpHarness h = new OpHarness();
        int boxes = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, p.boxes, 4);
        int scores = h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, p.boxes, p.columns);
        int anchors = h.constantFloats(p.anchors, p.boxes, 4);
        int[] outs = outputs(h, slots);
        Kernel k = h.prepareCustom("TFLite_Detection_PostProcess", options, new int[] {boxes, scores, anchors}, outs);
        h.scribble(new Random(1));
        h.setFloats(boxes, p.encodings);
        h.setFloats(scores, p.scores);
        h.run(k);
        return new Result(h.getFloats(outs[0]), h.getFloats(outs[1]), h.getFloats(outs[2]), h.getFloats(outs[3])[0]);
    }

    private static int[] outputs(OpHarness h, int slots) {
        return new int[] {h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, slots, 4),
            h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, slots),
            h.tensor(TensorType.FLOAT32, Quantization.NONE, 1, slots),
            h.tensor(TensorType.FLOAT32, Quantization.NONE, 1)};
    }

    /** TFLite's centre-size decoding with scales y, x = 10 and h, w = 5 (FlexMapWriter.detection's). */
    static float[] decode(Problem p, int b) {
        float[] e = Arrays.copyOfRange(p.encodings, 4 * b, 4 * b + 4);
        float[] a = Arrays.copyOfRange(p.anchors, 4 * b, 4 * b + 4);
        float yc = (float) ((double) e[0] / 10.0 * a[2] + a[0]);
        float xc = (float) ((double) e[1] / 10.0 * a[3] + a[1]);
        float hh = (float) (0.5 * StrictMath.exp((double) e[2] / 5.0) * a[2]);
        float hw = (float) (0.5 * StrictMath.exp((double) e[3] / 5.0) * a[3]);
        return new float[] {yc - hh, xc - hw, yc + hh, xc + hw};
    }

    static float iou(float[] a, float[] b) {
        float areaA = (a[2] - a[0]) * (a[3] - a[1]);
        float areaB = (b[2] - b[0]) * (b[3] - b[1]);
        if (areaA <= 0 || areaB <= 0) {
            return 0;
        }
        float inter = Math.max(Math.min(a[2], b[2]) - Math.max(a[0], b[0]), 0f)
                * Math.max(Math.min(a[3], b[3]) - Math.max(a[1], b[1]), 0f);
        return inter / (areaA + areaB - inter);
    }

    /** Greedy NMS over one score per box: kept box indices, best first. */
    static List<Integer> nms(Problem p, float[] score, float threshold, int limit) {
        List<Integer> candidates = new ArrayList<>();
        for (int b = 0; b < p.boxes; b++) {
            if (score[b] >= threshold) {
                candidates.add(b);
            }
        }
        candidates.sort(Comparator.comparingDouble((Integer b) -> -score[b])); // stable: ties by index
        List<Integer> kept = new ArrayList<>();
        for (int c : candidates) {
            if (kept.size() == limit) {
                break;
            }
            if (kept.stream().noneMatch(k -> iou(decode(p, k), decode(p, c)) > IOU)) {
                kept.add(c);
            }
        }
        return kept;
    }

    /** Fast NMS, one class per box (the first best), background column 0. */
    static Result oracleFast(Problem p, int maxDetections, float threshold) {
        float[] best = new float[p.boxes];
        int[] cls = new int[p.boxes];
        for (int b = 0; b < p.boxes; b++) {
            cls[b] = 0;
            for (int c = 1; c < p.columns - 1; c++) {
                if (p.scores[b * p.columns + 1 + c] > p.scores[b * p.columns + 1 + cls[b]]) {
                    cls[b] = c;
                }
            }
            best[b] = p.scores[b * p.columns + 1 + cls[b]];
        }
        List<Integer> kept = nms(p, best, threshold, maxDetections);
        Result r = empty(maxDetections);
        for (int i = 0; i < kept.size(); i++) {
            int b = kept.get(i);
            System.arraycopy(decode(p, b), 0, r.boxes, 4 * i, 4);
            r.classes[i] = cls[b];
            r.scores[i] = best[b];
        }
        return new Result(r.boxes, r.classes, r.scores, kept.size());
    }

    /** Regular NMS: NMS per class (perClass each), then the best maxDetections of all. */
    static Result oracleRegular(Problem p, int maxDetections, int perClass, float threshold) {
        List<float[]> all = new ArrayList<>(); // {score, box, class}
        for (int c = 0; c < p.columns - 1; c++) {
            float[] s = new float[p.boxes];
            for (int b = 0; b < p.boxes; b++) {
                s[b] = p.scores[b * p.columns + 1 + c];
            }
            for (int b : nms(p, s, threshold, perClass)) {
                all.add(new float[] {s[b], b, c});
            }
        }
        all.sort(Comparator.comparingDouble(e -> -e[0]));
        Result r = empty(maxDetections);
        int n = Math.min(all.size(), maxDetections);
        for (int i = 0; i < n; i++) {
            float[] e = all.get(i);
            System.arraycopy(decode(p, (int) e[1]), 0, r.boxes, 4 * i, 4);
            r.classes[i] = e[2];
            r.scores[i] = e[0];
        }
        return new Result(r.boxes, r.classes, r.scores, n);
    }

    static Result empty(int slots) {
        return new Result(new float[4 * slots], new float[slots], new float[slots], 0);
    }

    /** Boxes given directly (encodings zero): anchor b is the box centred at (y, x) with size h × w. */
    static Problem direct(float[][] yxhw, float[][] scores) {
        int n = yxhw.length;
        int columns = scores[0].length;
        float[] anchors = new float[4 * n];
        float[] s = new float[n * columns];
        for (int b = 0; b < n; b++) {
            System.arraycopy(yxhw[b], 0, anchors, 4 * b, 4);
            System.arraycopy(scores[b], 0, s, b * columns, columns);
        }
        return new Problem(n, columns, new float[4 * n], anchors, s);
    }

    static Problem random(Random r, int boxes, int columns, int scoreLevels) {
        float[] enc = new float[4 * boxes];
        float[] anchors = new float[4 * boxes];
        float[] scores = new float[boxes * columns];
        for (int b = 0; b < boxes; b++) {
            anchors[4 * b] = r.nextFloat();
            anchors[4 * b + 1] = r.nextFloat();
            anchors[4 * b + 2] = 0.05f + 0.4f * r.nextFloat();
            anchors[4 * b + 3] = 0.05f + 0.4f * r.nextFloat();
            for (int k = 0; k < 4; k++) {
                enc[4 * b + k] = (float) r.nextGaussian();
            }
        }
        for (int i = 0; i < scores.length; i++) {
            // Few levels: ties everywhere, as with dequantized 8-bit scores.
            scores[i] = r.nextInt(scoreLevels) / (float) scoreLevels;
        }
        return new Problem(boxes, columns, enc, anchors, scores);
    }

    private static byte[] fastOptions(int maxDetections, float threshold, int classes) {
        return FlexMapWriter.detection(maxDetections, 1, 100, false, threshold, IOU, classes).bytes();
    }

    @Test
    void noBoxAboveTheThresholdGivesZeroDetectionsAndZeroedSlots() throws Exception {
        Problem p = direct(new float[][] {{0.5f, 0.5f, 0.2f, 0.2f}, {0.2f, 0.2f, 0.1f, 0.1f}},
                new float[][] {{0.9f, 0.3f, 0.1f}, {0.8f, 0.2f, 0.29f}});
        Result got = run(p, fastOptions(3, 0.3001f, 2), 3);
        got.assertEqualTo(empty(3), "nothing above 0.3001");
        got.assertEqualTo(oracleFast(p, 3, 0.3001f), "oracle");
        Result regular = run(p, FlexMapWriter.detection(3, 1, 5, true, 0.3001f, IOU, 2).bytes(), 3);
        regular.assertEqualTo(empty(3), "regular NMS, nothing above 0.3001");
    }

    @Test
    void moreBoxesThanMaxDetectionsKeepsTheBest() throws Exception {
        float[][] boxes = new float[20][];
        float[][] scores = new float[20][];
        for (int b = 0; b < 20; b++) {
            boxes[b] = new float[] {0.025f + 0.05f * b, 0.5f, 0.04f, 0.04f}; // disjoint
            scores[b] = new float[] {0f, (b * 7 % 20) / 20f};
        }
        Problem p = direct(boxes, scores);
        Result got = run(p, fastOptions(5, 0f, 1), 5);
        assertEquals(5, got.count);
        assertArrayEquals(new float[] {0.95f, 0.9f, 0.85f, 0.8f, 0.75f}, got.scores);
        got.assertEqualTo(oracleFast(p, 5, 0f), "oracle");
    }

    @Test
    void identicalScoresKeepBoxOrderAndSuppressLaterOverlaps() throws Exception {
        // Boxes 0 and 1 overlap heavily, 2 is apart, 3 overlaps 2: with equal scores the lower index wins.
        Problem p = direct(new float[][] {{0.3f, 0.3f, 0.2f, 0.2f}, {0.31f, 0.3f, 0.2f, 0.2f},
            {0.7f, 0.7f, 0.2f, 0.2f}, {0.7f, 0.71f, 0.2f, 0.2f}, {0.1f, 0.9f, 0.1f, 0.1f}},
                new float[][] {{0, 0.5f}, {0, 0.5f}, {0, 0.5f}, {0, 0.5f}, {0, 0.5f}});
        Result got = run(p, fastOptions(10, 0.1f, 1), 10);
        assertEquals(3, got.count);
        assertArrayEquals(decode(p, 0), Arrays.copyOfRange(got.boxes, 0, 4));
        assertArrayEquals(decode(p, 2), Arrays.copyOfRange(got.boxes, 4, 8));
        assertArrayEquals(decode(p, 4), Arrays.copyOfRange(got.boxes, 8, 12));
        got.assertEqualTo(oracleFast(p, 10, 0.1f), "oracle");
    }

    @Test
    void regularNmsWithSeveralClasses() throws Exception {
        // Two overlapping boxes: class 0 keeps only the better one, class 1 keeps it too, class 2 the other.
        Problem p = direct(new float[][] {{0.3f, 0.3f, 0.2f, 0.2f}, {0.31f, 0.3f, 0.2f, 0.2f},
            {0.8f, 0.8f, 0.1f, 0.1f}},
                new float[][] {{0.9f, 0.7f, 0.55f, 0.1f}, {0.9f, 0.6f, 0.05f, 0.45f}, {0.9f, 0.35f, 0.5f, 0.2f}});
        Result got = run(p, FlexMapWriter.detection(4, 1, 2, true, 0.3f, IOU, 3).bytes(), 4);
        Result want = oracleRegular(p, 4, 2, 0.3f);
        got.assertEqualTo(want, "oracle");
        assertEquals(4, got.count);
        assertArrayEquals(new float[] {0.7f, 0.55f, 0.5f, 0.45f}, got.scores);
        assertArrayEquals(new float[] {0, 1, 1, 2}, got.classes);
    }

    @Test
    void randomProblemsWithTiesMatchTheOracle() throws Exception {
        Random r = new Random(2018);
        for (int trial = 0; trial < 150; trial++) {
            int boxes = 1 + r.nextInt(60);
            int classes = 1 + r.nextInt(5);
            int max = 1 + r.nextInt(12);
            float threshold = r.nextInt(4) / 8f;
            Problem p = random(r, boxes, classes + 1, 4 + r.nextInt(8));
            run(p, fastOptions(max, threshold, classes), max)
                    .assertEqualTo(oracleFast(p, max, threshold), "fast NMS, trial " + trial);
        }
    }

    @Test
    void randomRegularNmsWithDistinctScoresMatchesTheOracle() throws Exception {
        Random r = new Random(2019);
        for (int trial = 0; trial < 100; trial++) {
            int boxes = 1 + r.nextInt(40);
            int classes = 1 + r.nextInt(4);
            int max = 1 + r.nextInt(10);
            int perClass = 1 + r.nextInt(6);
            Problem p = random(r, boxes, classes + 1, 4);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < p.scores.length; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, r);
            for (int i = 0; i < p.scores.length; i++) {
                p.scores[order.get(i)] = (i + 1) / (float) p.scores.length; // distinct: no tie to order
            }
            float threshold = r.nextFloat() * 0.5f;
            run(p, FlexMapWriter.detection(max, 1, perClass, true, threshold, IOU, classes).bytes(), max)
                    .assertEqualTo(oracleRegular(p, max, perClass, threshold), "regular NMS, trial " + trial);
        }
    }

    @Test
    void severalClassesPerDetectionFillConsecutiveSlots() throws Exception {
        Problem p = direct(new float[][] {{0.3f, 0.3f, 0.2f, 0.2f}, {0.8f, 0.8f, 0.1f, 0.1f}},
                new float[][] {{0f, 0.2f, 0.9f, 0.5f}, {0f, 0.6f, 0.1f, 0.3f}});
        Result got = run(p, FlexMapWriter.detection(3, 2, 100, false, 0f, IOU, 3).bytes(), 6);
        assertEquals(2, got.count);
        assertArrayEquals(new float[] {1, 2, 0, 2, 0, 0}, got.classes);
        assertArrayEquals(new float[] {0.9f, 0.5f, 0.6f, 0.3f, 0, 0}, got.scores);
        assertArrayEquals(decode(p, 0), Arrays.copyOfRange(got.boxes, 4, 8));
        assertArrayEquals(decode(p, 1), Arrays.copyOfRange(got.boxes, 8, 12));
    }

    @Test
    void quantizedInputsEqualFloatInputsOfTheSameValues() throws Exception {
        Random r = new Random(7);
        for (int trial = 0; trial < 30; trial++) {
            int boxes = 5 + r.nextInt(40);
            int columns = 2 + r.nextInt(4);
            Quantization qb = OpHarness.quant(0.05f + r.nextFloat() * 0.05f, 120 + r.nextInt(16));
            Quantization qs = OpHarness.quant(1 / 256f, 0);
            Quantization qa = OpHarness.quant(0.004f + r.nextFloat() * 0.002f, 0);
            int[] enc = new int[4 * boxes];
            int[] sc = new int[boxes * columns];
            int[] anc = new int[4 * boxes];
            for (int i = 0; i < enc.length; i++) {
                enc[i] = r.nextInt(256);
                anc[i] = 10 + r.nextInt(240);
            }
            for (int i = 0; i < sc.length; i++) {
                sc[i] = r.nextInt(64);
            }
            OpHarness h = new OpHarness();
            int tb = h.tensor(TensorType.UINT8, qb, 1, boxes, 4);
            int ts = h.tensor(TensorType.UINT8, qs, 1, boxes, columns);
            int ta = h.constant8(TensorType.UINT8, qa, anc, boxes, 4);
            int[] outs = outputs(h, 10);
            byte[] options = fastOptions(10, 0.05f, columns - 1);
            Kernel k = h.prepareCustom("TFLite_Detection_PostProcess", options, new int[] {tb, ts, ta}, outs);
            h.set8(tb, enc);
            h.set8(ts, sc);
            h.run(k);
            Result got = new Result(h.getFloats(outs[0]), h.getFloats(outs[1]), h.getFloats(outs[2]),
                    h.getFloats(outs[3])[0]);
            float[] fe = new float[enc.length];
            float[] fa = new float[anc.length];
            float[] fs = new float[sc.length];
            for (int i = 0; i < fe.length; i++) {
                fe[i] = ((float) enc[i] - qb.zeroPoint()) * qb.scale();
                fa[i] = ((float) anc[i] - qa.zeroPoint()) * qa.scale();
            }
            for (int i = 0; i < fs.length; i++) {
                fs[i] = (float) ((double) qs.scale() * (sc[i] - qs.zeroPoint()));
            }
            got.assertEqualTo(run(new Problem(boxes, columns, fe, fa, fs), options, 10), "trial " + trial);
            assertTrue(got.count > 0);
        }
    }

    @Test
    void prepareRejectsBadGraphs() {
        Problem p = direct(new float[][] {{0.3f, 0.3f, -0.2f, 0.2f}}, new float[][] {{0f, 0.5f}});
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> run(p, fastOptions(2, 0f, 1), 2));
        assertTrue(e.getMessage().contains("anchor #0"), e.getMessage());
        Problem q = direct(new float[][] {{0.3f, 0.3f, 0.2f, 0.2f}}, new float[][] {{0f, 0.5f, 0.5f}});
        e = assertThrows(InvalidModelException.class, () -> run(q, fastOptions(2, 0f, 5), 2));
        assertTrue(e.getMessage().contains("num_classes = 5"), e.getMessage());
        e = assertThrows(InvalidModelException.class, () -> run(q, fastOptions(2, 0f, 2), 3));
        assertTrue(e.getMessage().contains("detection boxes"), e.getMessage());
    }

    /** At the SSD's size (1917 boxes, 91 columns, uint8), both NMS kinds run without allocating. */
    @Test
    void evalAllocatesNothing() throws Exception {
        for (boolean regular : new boolean[] {false, true}) {
            Random r = new Random(11);
            int boxes = 1917;
            int columns = 91;
            OpHarness h = new OpHarness();
            int tb = h.tensor(TensorType.UINT8, OpHarness.quant(0.06f, 128), 1, boxes, 4);
            int ts = h.tensor(TensorType.UINT8, OpHarness.quant(1 / 256f, 0), 1, boxes, columns);
            int[] anc = new int[4 * boxes];
            for (int i = 0; i < anc.length; i++) {
                anc[i] = r.nextInt(256);
            }
            int ta = h.constant8(TensorType.UINT8, OpHarness.quant(0.005f, 0), anc, boxes, 4);
            int[] outs = outputs(h, 10);
            byte[] options = FlexMapWriter.detection(10, 1, 100, regular, regular ? 0.75f : 0.3f, 0.6f, 90).bytes();
            Kernel k = h.prepareCustom("TFLite_Detection_PostProcess", options, new int[] {tb, ts, ta}, outs);
            int[] enc = new int[4 * boxes];
            int[] sc = new int[boxes * columns];
            for (int i = 0; i < enc.length; i++) {
                enc[i] = r.nextInt(256);
            }
            for (int i = 0; i < sc.length; i++) {
                sc[i] = r.nextInt(200);
            }
            h.set8(tb, enc);
            h.set8(ts, sc);
            com.sun.management.ThreadMXBean bean =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            int quiet = 0;
            for (int i = 0; i < 3000 && quiet < 30; i++) {
                long before = bean.getThreadAllocatedBytes(id);
                h.run(k);
                quiet = bean.getThreadAllocatedBytes(id) == before ? quiet + 1 : 0;
            }
            long before = bean.getThreadAllocatedBytes(id);
            for (int i = 0; i < 50; i++) {
                h.run(k);
            }
            assertEquals(0, bean.getThreadAllocatedBytes(id) - before, "bytes allocated by 50 evals, regular NMS "
                    + regular);
            assertEquals(10, h.getFloats(outs[3])[0], "the random problem has ten detections");
        }
    }
}
