package owlet.device.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfigBuilder;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfigBuilder;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import owlet.device.trigger.Clock;

/**
 * The one place Owlet meets Pi4J: owns a Pi4J {@link Context} and makes {@link GpioTrigger}s and
 * {@link OutputLine}s from it. On a Pi the context uses the GpioD provider (character device, no root,
 * works on the Pi 5); tests hand in a context built on Pi4J's mock platform.
 */
public final class Pi4jGpio implements AutoCloseable {
    /** Provider ids of Pi4J's GpioD plugin (pi4j-plugin-gpiod). */
    public static final String GPIOD_INPUT = "gpiod-digital-input";
    public static final String GPIOD_OUTPUT = "gpiod-digital-output";

    private final Context context;
    private final String inputProvider;
    private final String outputProvider;
    private boolean closed;

    /**
     * @param inputProvider  Pi4J provider id for inputs, or null for the context's default
     * @param outputProvider the same for outputs
     */
    public Pi4jGpio(Context context, String inputProvider, String outputProvider) {
        this.context = context;
        this.inputProvider = inputProvider;
        this.outputProvider = outputProvider;
    }

    /**
     * The system property that, set to {@code mock}, puts Pi4J's mock platform in place of the GPIO: for
     * testing an installed image on a machine without GPIO, with pi4j-plugin-mock added to the module
     * path (the image's launcher: {@code OWLET_MODULE_PATH=pi4j-plugin-mock.jar}). The images never
     * contain the mock plugin.
     */
    public static final String PROPERTY = "owlet.gpio";
    /** Provider ids of Pi4J's mock plugin (pi4j-plugin-mock). */
    static final String MOCK_INPUT = "mock-digital-input";
    static final String MOCK_OUTPUT = "mock-digital-output";

    /**
     * A context on the real GPIO through the GpioD provider, after checking that this user may use the
     * GPIO devices.
     *
     * @throws IOException with the fix in its message when the devices cannot be opened
     */
    public static Pi4jGpio onThisMachine() throws IOException {
        if ("mock".equals(System.getProperty(PROPERTY))) {
            return withProviders(MOCK_INPUT, MOCK_OUTPUT, "-D" + PROPERTY + "=mock needs Pi4J's mock plugin on the"
                    + " module path (in an image: OWLET_MODULE_PATH=pi4j-plugin-mock-VERSION.jar); it is for tests");
        }
        Optional<String> problem = GpioAccess.problem(Path.of("/dev"));
        if (problem.isPresent()) {
            throw new IOException("GPIO: " + problem.get());
        }
        return withProviders(GPIOD_INPUT, GPIOD_OUTPUT,
                "Pi4J's GpioD provider (pi4j-plugin-gpiod) is not on the module path");
    }

    /** A context of the providers Pi4J finds, using the two given; {@code missing} says why they may not be there. */
    private static Pi4jGpio withProviders(String input, String output, String missing) throws IOException {
        Context context;
        try {
            context = Pi4J.newContextBuilder().autoDetectProviders().build();
        } catch (RuntimeException e) {
            throw new IOException("GPIO: Pi4J could not start: " + e.getMessage(), e);
        }
        if (!context.hasProvider(input) || !context.hasProvider(output)) {
            context.shutdown();
            throw new IOException("GPIO: " + missing);
        }
        return new Pi4jGpio(context, input, output);
    }

    public Context context() {
        return context;
    }

    /** An input pin: raw edges are only timestamped and queued on Pi4J's thread; see {@link GpioTrigger}. */
    public DigitalInput input(int bcm, Pull pull) throws IOException {
        DigitalInputConfigBuilder b = DigitalInput.newConfigBuilder(context)
                .id("owlet-in-" + bcm).name("Owlet trigger BCM " + bcm).address(bcm)
                .pull(switch (pull) {
                    case UP -> PullResistance.PULL_UP;
                    case DOWN -> PullResistance.PULL_DOWN;
                    case NONE -> PullResistance.OFF;
                })
                .debounce(0L); // Owlet debounces itself (Debouncer)
        if (inputProvider != null) {
            b.provider(inputProvider);
        }
        try {
            return context.create(b);
        } catch (RuntimeException e) {
            throw new IOException("GPIO: cannot open input BCM " + bcm + ": " + e.getMessage(), e);
        }
    }

    public GpioTrigger trigger(int bcm, Pull pull, boolean activeHigh, Edge edge, long debounceNanos, Clock clock) {
        return new GpioTrigger(this, bcm, pull, activeHigh, edge, debounceNanos, clock);
    }

    /** An output pin that starts off and is left off when the context shuts down. */
    public OutputLine output(int bcm, boolean activeHigh, String name) throws IOException {
        DigitalState on = activeHigh ? DigitalState.HIGH : DigitalState.LOW;
        DigitalState off = DigitalState.getInverseState(on);
        DigitalOutputConfigBuilder b = DigitalOutput.newConfigBuilder(context)
                .id("owlet-out-" + bcm).name("Owlet " + name + " BCM " + bcm).address(bcm)
                .initial(off).shutdown(off);
        if (outputProvider != null) {
            b.provider(outputProvider);
        }
        DigitalOutput pin;
        try {
            pin = context.create(b);
        } catch (RuntimeException e) {
            throw new IOException("GPIO: cannot open output BCM " + bcm + " (" + name + "): " + e.getMessage(), e);
        }
        return new OutputLine() {
            private volatile boolean isOn;

            @Override
            public String describe() {
                return name + " on BCM " + bcm + (activeHigh ? "" : " (active low)");
            }

            @Override
            public synchronized void set(boolean value) {
                pin.state(value ? on : off);
                isOn = value;
            }

            @Override
            public boolean isOn() {
                return isOn;
            }

            @Override
            public synchronized void close() {
                set(false);
            }
        };
    }

    /** Shuts the Pi4J context down, which releases every pin (outputs go to their shutdown state). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            context.shutdown();
        }
    }
}
