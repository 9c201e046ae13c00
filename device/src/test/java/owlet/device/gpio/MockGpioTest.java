package owlet.device.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh Pi4J mock context per test, shut down after it: pins never leak between tests. */
public abstract class MockGpioTest {
    protected Context pi4j;
    protected Pi4jGpio gpio;

    @BeforeEach
    void createMockContext() {
        pi4j = Pi4J.newContextBuilder()
                .add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                .build();
        gpio = new Pi4jGpio(pi4j, null, null);
    }

    @AfterEach
    void shutdownMockContext() {
        gpio.close();
    }

    /** The mock input Owlet opened on {@code bcm}. */
    protected MockDigitalInput input(int bcm) {
        return (MockDigitalInput) pi4j.<DigitalInput>io("owlet-in-" + bcm);
    }

    protected DigitalState output(int bcm) {
        return pi4j.<DigitalOutput>io("owlet-out-" + bcm).state();
    }
}
