package owlet.device.trigger;

/**
 * One trigger: when its edge happened (on the {@link Clock} of the source) and where it came from
 * ({@code gpio}, {@code timer}, {@code stdin}).
 */
public record Trigger(long nanos, String source) {
}
