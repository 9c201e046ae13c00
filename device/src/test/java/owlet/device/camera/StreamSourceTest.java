package owlet.device.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import owlet.device.trigger.Clock;

/** The streaming source against a real process: ffmpeg's test pattern, killed, stopped, and lying. */
@Timeout(60)
class StreamSourceTest {
    private static final int W = 160;
    private static final int H = 120;
    private final Clock clock = Clock.system();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private StreamSource source;

    private StreamSource start(List<String> command, PixelFormat format, long stallMillis) {
        source = new StreamSource(command, format, W, H, stallMillis, 1000, clock, log::add);
        source.start();
        return source;
    }

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void deliversTheFirstFrameCompletedAfterTheTrigger() throws Exception {
        start(Ffmpeg.streamCommand(W, H, 15, "rgb24"), PixelFormat.RGB24, 5000);
        source.next(clock.nanoTime(), 10_000); // the stream is up
        long trigger = clock.nanoTime();
        Frame f = source.next(trigger, 10_000);
        assertTrue(f.nanos() > trigger);
        assertEquals(W, f.image().width());
        assertEquals(H, f.image().height());
        assertEquals(0, source.restarts());
    }

    @Test
    void yuvFramesAreConvertedToRgb() throws Exception {
        start(Ffmpeg.streamCommand(W, H, 15, "yuv420p"), PixelFormat.YUV420, 5000);
        Frame f = source.next(clock.nanoTime(), 10_000);
        assertEquals(W * H * 3, f.image().rgb().length);
        int distinct = (int) java.util.stream.IntStream.range(0, 300).map(i -> f.image().rgb()[i * 97] & 0xFF)
                .distinct().count();
        assertTrue(distinct > 10, "a test pattern, not a flat frame");
    }

    @Test
    void aKilledCameraIsRestartedAndFramesComeAgain() throws Exception {
        start(Ffmpeg.streamCommand(W, H, 15, "yuv420p"), PixelFormat.YUV420, 5000);
        source.next(clock.nanoTime(), 10_000);
        Process first = source.process();
        first.destroyForcibly(); // mid-stream, like a crash
        first.waitFor();
        long after = clock.nanoTime();
        Frame f = source.next(after, 15_000);
        assertTrue(f.nanos() > after);
        assertEquals(1, source.restarts());
        assertTrue(log.stream().anyMatch(l -> l.contains("restart #1")), log.toString());
    }

    @Test
    void aHungCameraIsKilledAfterTheStallTimeoutAndRestarted() throws Exception {
        start(Ffmpeg.streamCommand(W, H, 15, "yuv420p"), PixelFormat.YUV420, 800);
        source.next(clock.nanoTime(), 10_000);
        Process first = source.process();
        signal("STOP", first.pid()); // hung: alive, but no frames
        long after = clock.nanoTime();
        Frame f = source.next(after, 15_000);
        assertTrue(f.nanos() > after);
        assertTrue(source.restarts() >= 1);
        assertTrue(log.stream().anyMatch(l -> l.contains("stalled")), log.toString());
        assertTrue(first.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "the hung process was killed");
    }

    @Test
    void libcamerasFrontendTimeoutRestartsTheCamera() throws Exception {
        String script = Ffmpeg.stream(W, H, 15, "yuv420p") + " & sleep 0.5;"
                + " echo 'ERROR RPI pipeline_base.cpp: Camera frontend has timed out!' >&2; wait";
        start(List.of("sh", "-c", script), PixelFormat.YUV420, 5000);
        for (int i = 0; i < 100 && source.restarts() == 0; i++) {
            Thread.sleep(50);
        }
        assertTrue(source.restarts() >= 1, log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("frontend has timed out")), log.toString());
        long after = clock.nanoTime();
        assertTrue(source.next(after, 15_000).nanos() > after, "frames come again after the restart");
    }

    @Test
    void aMissingCommandIsAClearErrorNotACrash() {
        start(List.of("/nonexistent/rpicam-vid", "-o", "-"), PixelFormat.YUV420, 5000);
        IOException e = assertThrows(IOException.class, () -> source.next(clock.nanoTime(), 700));
        assertTrue(e.getMessage().contains("cannot start '/nonexistent/rpicam-vid'"), e.getMessage());
    }

    private static void signal(String sig, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
    }
}
