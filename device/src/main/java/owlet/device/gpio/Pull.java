package owlet.device.gpio;

import java.util.Locale;

/** The input pin's bias resistor. */
public enum Pull {
    UP, DOWN, NONE;

    public static Pull parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "up" -> UP;
            case "down" -> DOWN;
            case "none", "off" -> NONE;
            default -> throw new IllegalArgumentException("'" + s + "' is not up, down or none");
        };
    }
}
