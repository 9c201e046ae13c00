package owlet.device.service;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import owlet.runtime.api.Classification;

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
