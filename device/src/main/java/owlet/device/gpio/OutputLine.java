package owlet.device.gpio;

/** One digital output, in logical terms: on or off (the adapter maps on to the pin's active level). */
public interface OutputLine extends AutoCloseable {
    String describe();

    void set(boolean on);

    boolean isOn();

    /** Turns the line off and releases it. */
    @Override
    void close();
}
