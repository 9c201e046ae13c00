package owlet.runtime.api;

/**
 * One detected object: the class id (the model's, background not counted; for COCO detectors line
 * {@code classId} of coco_labels.txt), its label, the score, and the box as fractions 0..1 of the
 * picture's width (x) and height (y). SSD boxes may stick out of the picture a little (below 0 or
 * above 1); they are reported as the model gives them.
 */
public record Detection(int classId, String label, float score, Box box) {

    /** An axis-aligned box: left, top, right, bottom. */
    public record Box(double xmin, double ymin, double xmax, double ymax) {

        /** This box in pixels of a {@code width x height} picture (x scaled by the width, y by the height). */
        public Box inPixels(int width, int height) {
            return new Box(xmin * width, ymin * height, xmax * width, ymax * height);
        }
    }
}
