package owlet.device.service;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import owlet.runtime.api.Classification;
import owlet.runtime.api.Labels;

/**
 * When an output pin goes on: the top-1 result's label is one of {@code labels} (any label when empty)
 * with score ≥ {@code minScore}. Labels compare case-insensitively, and an ImageNet label that lists
 * synonyms ({@code "tabby, tabby cat"}) matches when any one of them is listed. It then stays on for {@code holdMillis}
 * after the last matching result, or, with 0, until a result that does not match.
 */
public record OutputRule(String name, int pin, boolean activeHigh, Set<String> labels, float minScore,
        long holdMillis) {
    public OutputRule {
        labels = Set.copyOf(labels.stream().map(l -> l.strip().toLowerCase(Locale.ROOT)).toList());
    }

    /**
     * Throws unless every label this rule lists is one of {@code known} (or one of a label's synonyms): a
     * label the model can never give would leave the pin off for ever. The message suggests the closest
     * labels. Without a label file, results are named {@code #k} and the rule may list those.
     */
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

    public boolean matches(List<Classification> top) {
        if (top.isEmpty()) {
            return false;
        }
        Classification best = top.get(0);
        if (best.score() < minScore) {
            return false;
        }
        if (labels.isEmpty()) {
            return true;
        }
        String label = best.label().strip().toLowerCase(Locale.ROOT);
        if (labels.contains(label)) {
            return true;
        }
        for (String synonym : label.split(",")) {
            if (labels.contains(synonym.strip())) {
                return true;
            }
        }
        return false;
    }
}
