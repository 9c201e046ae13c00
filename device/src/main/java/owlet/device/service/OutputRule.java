package owlet.device.service;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import owlet.runtime.api.Classification;
import owlet.runtime.api.Detection;
import owlet.runtime.api.Labels;

/**
 * When an output pin goes on. With an image classifier: the top-1 result's label is one of {@code labels}
 * (any label when empty) with score ≥ {@code minScore}. With an object detector: at least {@code minCount}
 * detections have such a label and score and, when a {@code region} is set, the centre of their box inside
 * it. Labels compare case-insensitively, and a label that lists synonyms ({@code "tabby, tabby cat"})
 * matches when any one of them is listed. The pin then stays on for {@code holdMillis} after the last
 * matching result, or, with 0, until a result that does not match.
 *
 * @param region null, or the part of the picture (fractions 0..1 of its width and height) a detection's
 *     centre must lie in; only for detectors
 */
public record OutputRule(String name, int pin, boolean activeHigh, Set<String> labels, float minScore,
        long holdMillis, int minCount, Region region) {

    /** A rectangle in fractions of the picture: left, top, right, bottom, each in 0..1. */
    public record Region(double xmin, double ymin, double xmax, double ymax) {
        public Region {
            if (!(0 <= xmin && xmin < xmax && xmax <= 1 && 0 <= ymin && ymin < ymax && ymax <= 1)) {
                throw new IllegalArgumentException("needs xmin,ymin,xmax,ymax with 0 <= xmin < xmax <= 1 and"
                        + " 0 <= ymin < ymax <= 1");
            }
        }

        boolean containsCentreOf(Detection.Box box) {
            double x = (box.xmin() + box.xmax()) / 2;
            double y = (box.ymin() + box.ymax()) / 2;
            return x >= xmin && x <= xmax && y >= ymin && y <= ymax;
        }
    }

    public OutputRule {
        labels = Set.copyOf(labels.stream().map(l -> l.strip().toLowerCase(Locale.ROOT)).toList());
    }

    /** A classifier's rule: no count, no region. */
    public OutputRule(String name, int pin, boolean activeHigh, Set<String> labels, float minScore, long holdMillis) {
        this(name, pin, activeHigh, labels, minScore, holdMillis, 1, null);
    }

    /**
     * Throws unless this rule fits the model: {@code min-count} and {@code region} only for a detector, and
     * every label it lists one of {@code known} (or one of a label's synonyms): a label the model can never
     * give would leave the pin off for ever. The message suggests the closest labels. Without a label file,
     * results are named {@code #k} and the rule may list those.
     */
    public void checkFor(boolean detector, Labels known) throws ConfigException {
        if (!detector && (minCount != 1 || region != null)) {
            throw new ConfigException("'output." + name + "." + (region != null ? "region" : "min-count")
                    + "' is for object detection models, and this model is an image classifier");
        }
        checkLabels(known);
    }

    /** The label half of {@link #checkFor}. */
    public void checkLabels(Labels known) throws ConfigException {
        for (String label : labels) {
            if (known.source() == null) {
                if (!label.matches("#\\d+")) {
                    throw new ConfigException("'output." + name + ".labels': '" + label + "' needs a label file, and"
                            + " there is none: set 'labels', or put " + String.join(" or ", Labels.BESIDE_MODEL)
                            + " beside the model (without one, results are named #INDEX)");
                }
            } else if (!known.has(label)) {
                List<String> near = known.closest(label, 3);
                throw new ConfigException("'output." + name + ".labels': '" + label + "' is not a label of "
                        + known.source() + (near.isEmpty() ? "" : "; closest: '" + String.join("', '", near) + "'"));
            }
        }
    }

    boolean matches(Findings f) {
        if (!f.isDetection()) {
            return matches(f.top());
        }
        int count = 0;
        for (Detection d : f.detections()) {
            if (d.score() >= minScore && isListed(d.label()) && (region == null || region.containsCentreOf(d.box()))) {
                count++;
            }
        }
        return count >= minCount;
    }

    public boolean matches(List<Classification> top) {
        if (top.isEmpty()) {
            return false;
        }
        Classification best = top.get(0);
        return best.score() >= minScore && isListed(best.label());
    }

    private boolean isListed(String label) {
        if (labels.isEmpty()) {
            return true;
        }
        String l = label.strip().toLowerCase(Locale.ROOT);
        if (labels.contains(l)) {
            return true;
        }
        for (String synonym : l.split(",")) {
            if (labels.contains(synonym.strip())) {
                return true;
            }
        }
        return false;
    }
}
