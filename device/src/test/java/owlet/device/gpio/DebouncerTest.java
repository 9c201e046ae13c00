package owlet.device.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebouncerTest {
    private static final long MS = 1_000_000L;
    private final List<String> out = new ArrayList<>();
    private final Debouncer.Listener record = (active, nanos) -> out.add((active ? "press@" : "release@") + nanos / MS);

    @Test
    void cleanPressAndReleaseAreAcceptedAtOnce() {
        Debouncer d = new Debouncer(50 * MS, false);
        d.edge(true, 1000 * MS, record);
        d.edge(false, 1300 * MS, record);
        assertEquals(List.of("press@1000", "release@1300"), out);
    }

    @Test
    void aBounceStormInsideTheWindowIsOnePress() {
        Debouncer d = new Debouncer(50 * MS, false);
        long t = 1000 * MS;
        for (int i = 0; i < 61; i++) { // 61 edges, 0.5 ms apart, ending active (held down)
            d.edge(i % 2 == 0, t + i * MS / 2, record);
            d.settle(t + i * MS / 2, record);
        }
        d.settle(t + 500 * MS, record);
        assertEquals(List.of("press@1000"), out);
        assertEquals(true, d.active());
    }

    @Test
    void aTapReleasedInsideTheWindowIsReleasedWhenTheWindowEnds() {
        Debouncer d = new Debouncer(50 * MS, false);
        d.edge(true, 0, record);
        d.edge(false, 3 * MS, record);
        d.edge(true, 4 * MS, record);
        d.edge(false, 20 * MS, record);
        d.settle(49 * MS, record);
        assertEquals(List.of("press@0"), out);
        d.settle(50 * MS, record);
        assertEquals(List.of("press@0", "release@20"), out);
        d.edge(true, 300 * MS, record); // the next press is not lost
        assertEquals(List.of("press@0", "release@20", "press@300"), out);
    }

    @Test
    void aReleaseLeftPendingIsCaughtUpByTheNextEdge() {
        Debouncer d = new Debouncer(50 * MS, false);
        d.edge(true, 0, record);
        d.edge(false, 10 * MS, record); // nobody called settle
        d.edge(true, 500 * MS, record);
        assertEquals(List.of("press@0", "release@10", "press@500"), out);
    }

    @Test
    void repeatedReportsOfOneLevelAreNotEdges() {
        Debouncer d = new Debouncer(50 * MS, false);
        d.edge(false, 100 * MS, record);
        d.edge(true, 200 * MS, record);
        d.edge(true, 400 * MS, record);
        assertEquals(List.of("press@200"), out);
    }

    @Test
    void zeroWindowAcceptsEveryChange() {
        Debouncer d = new Debouncer(0, true);
        d.edge(false, 1 * MS, record);
        d.edge(true, 1 * MS, record);
        assertEquals(List.of("release@1", "press@1"), out);
    }
}
