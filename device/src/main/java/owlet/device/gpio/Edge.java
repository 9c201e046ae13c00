package owlet.device.gpio;

import java.util.Locale;

/** Which debounced transitions of a trigger input fire: into the active level, out of it, or both. */
public enum Edge {
    PRESS, RELEASE, BOTH;

    public boolean fires(boolean becameActive) {
        return this == BOTH || (this == PRESS) == becameActive;
    }

    public static Edge parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "press" -> PRESS;
            case "release" -> RELEASE;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("'" + s + "' is not press, release or both");
        };
    }
}
