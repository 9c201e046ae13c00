package owlet.device.service;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import owlet.runtime.api.Classification;

/**
 * When an output pin goes on: the top-1 result's label is one of {@code labels} (any label when empty;
 * compared case-insensitively) with score ≥ {@code minScore}. It then stays on for {@code holdMillis}
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
        return best.score() >= minScore
                && (labels.isEmpty() || labels.contains(best.label().strip().toLowerCase(Locale.ROOT)));
    }
}
