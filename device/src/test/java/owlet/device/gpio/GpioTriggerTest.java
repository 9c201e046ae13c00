package owlet.device.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import owlet.device.trigger.Trigger;

class GpioTriggerTest extends MockGpioTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final List<Trigger> triggers = new CopyOnWriteArrayList<>();

    private GpioTrigger start(Pull pull, boolean activeHigh, Edge edge) throws Exception {
        GpioTrigger t = gpio.trigger(17, pull, activeHigh, edge, 50 * MS, now::get);
        t.start(triggers::add);
        return t;
    }

    /** Waits (generously, in real time) until the debounce thread has drained the queued edges. */
    private void settle(GpioTrigger t, long expectedRaw) throws InterruptedException {
        for (int i = 0; i < 500 && t.rawEdges() < expectedRaw; i++) {
            Thread.sleep(2);
        }
        Thread.sleep(60); // several polling rounds of the debounce thread
    }

    @Test
    void aPressIsOneTriggerStampedWithItsEdge() throws Exception {
        GpioTrigger t = start(Pull.UP, false, Edge.PRESS);
        idleHigh();
        now.set(2_000 * MS);
        input(17).mockState(DigitalState.LOW);
        now.set(2_200 * MS);
        input(17).mockState(DigitalState.HIGH);
        settle(t, 3);
        assertEquals(1, triggers.size());
        assertEquals(2_000 * MS, triggers.get(0).nanos());
        assertEquals("gpio", triggers.get(0).source());
        t.close();
    }

    @Test
    void aBounceStormIsOneTrigger() throws Exception {
        GpioTrigger t = start(Pull.UP, false, Edge.PRESS);
        idleHigh();
        for (int i = 0; i < 40; i++) { // 40 edges, 0.1 ms apart, inside the 50 ms window
            now.addAndGet(MS / 10);
            input(17).mockState(i % 2 == 0 ? DigitalState.LOW : DigitalState.HIGH);
        }
        settle(t, 41);
        now.addAndGet(500 * MS); // the storm ended released (high): settle it, then press again cleanly
        settle(t, 41);
        input(17).mockState(DigitalState.LOW);
        settle(t, 42);
        assertEquals(2, triggers.size(), "one for the storm, one for the clean press: " + triggers);
        assertEquals(0, t.dropped());
        t.close();
    }

    @Test
    void activeHighReleaseEdgeFiresOnTheFallingEdge() throws Exception {
        GpioTrigger t = start(Pull.DOWN, true, Edge.RELEASE);
        input(17).mockState(DigitalState.LOW);
        now.addAndGet(100 * MS);
        input(17).mockState(DigitalState.HIGH);
        settle(t, 1);
        assertTrue(triggers.isEmpty(), "the press is not the configured edge");
        now.addAndGet(100 * MS);
        input(17).mockState(DigitalState.LOW);
        settle(t, 2);
        assertEquals(1, triggers.size());
        t.close();
    }

    @Test
    void outputsFollowTheirActiveLevelAndEndOff() throws Exception {
        OutputLine led = gpio.output(27, true, "led");
        OutputLine relay = gpio.output(22, false, "relay");
        assertEquals(DigitalState.LOW, output(27));
        assertEquals(DigitalState.HIGH, output(22));
        led.set(true);
        relay.set(true);
        assertEquals(DigitalState.HIGH, output(27));
        assertEquals(DigitalState.LOW, output(22));
        led.close();
        relay.close();
        assertEquals(DigitalState.LOW, output(27));
        assertEquals(DigitalState.HIGH, output(22));
    }

    @Test
    void noGpioChipIsAClearProblem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dev) {
        String problem = GpioAccess.problem(dev).orElseThrow();
        assertTrue(problem.contains("no GPIO chip"), problem);
        assertTrue(problem.contains("trigger=timer"), problem);
    }

    /** The mock input starts LOW (pressed, for an active-low button); let it idle HIGH first. */
    private void idleHigh() {
        input(17).mockState(DigitalState.HIGH);
        now.addAndGet(1_000 * MS);
    }
}
