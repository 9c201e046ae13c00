package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import owlet.device.camera.FileSource;
import owlet.device.camera.Frame;
import owlet.device.camera.FrameSource;
import owlet.device.gpio.MockGpioTest;
import owlet.device.trigger.Clock;

/** The whole service in-process: Pi4J's mock GPIO, real camera processes, the shared model. */
@Timeout(120)
class ServiceTest extends MockGpioTest {
    /** A stand-in Pi camera: ffmpeg streams the shared cat picture as raw YUV 4:2:0 at the frame rate. */
    private static final String CAT_STREAM = "ffmpeg -hide_banner -loglevel error -nostdin -re -loop 1"
            + " -framerate {fps} -i " + ServiceHarness.CAT + " -vf scale={width}:{height}"
            + " -f rawvideo -pix_fmt yuv420p -";

    @TempDir
    Path tmp;

    private void press() throws InterruptedException {
        input(17).mockState(DigitalState.HIGH);
        Thread.sleep(40);
        input(17).mockState(DigitalState.LOW);
        Thread.sleep(40);
    }

    private List<DigitalState> history(int bcm) {
        List<DigitalState> states = new CopyOnWriteArrayList<>();
        pi4j.<DigitalOutput>io("owlet-out-" + bcm).addListener(e -> states.add(e.state()));
        return states;
    }

    @Test
    void aPressClassifiesTheNextCameraFrameWritesOneLineAndLightsTheLed() throws Throwable {
        Path results = tmp.resolve("results.jsonl");
        try (ServiceHarness h = new ServiceHarness(ServiceHarness.config(
                "trigger", "gpio", "trigger.pin", "17", "trigger.pull", "down", "trigger.active", "high",
                "trigger.debounce-ms", "20",
                "camera", "stream", "camera.command", CAT_STREAM, "camera.width", "320", "camera.height", "240",
                "camera.fps", "15",
                "outputs", "led", "output.led.pin", "27", "output.led.labels", "Egyptian cat, tabby, tiger cat",
                "output.led.min-score", "0.3", "output.led.hold-ms", "300",
                "busy.pin", "22",
                "results.file", results.toString(), "captures.dir", tmp.resolve("captures").toString()),
                gpio, null, InputStream.nullInputStream(), 0)) {
            List<DigitalState> led = history(27);
            List<DigitalState> busy = history(22);
            h.awaitReady();
            press();
            List<String> lines = h.awaitLines(1);
            assertEquals(1, lines.size(), h.log());
            String line = lines.get(0);
            assertTrue(line.startsWith("{\"trigger\":1,\"source\":\"gpio\",\"edge_time\":"), line);
            assertTrue(line.contains("\"frame_time\":") && line.contains("\"latency_ms\":"), line);
            assertTrue(line.contains("\"top\":[{\"index\":286,\"label\":\"Egyptian cat\""), line);
            assertTrue(line.contains("\"outputs\":[\"led\"]"), line);
            assertTrue(line.contains("\"capture\":"), line);
            for (int i = 0; i < 500 && led.size() < 2; i++) {
                Thread.sleep(10); // the hold time runs out
            }
            assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW), led);
            assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW), busy);
            assertEquals(lines, Files.readAllLines(results));
            try (var captures = Files.list(tmp.resolve("captures"))) {
                List<Path> kept = captures.toList();
                assertEquals(1, kept.size());
                assertTrue(kept.get(0).getFileName().toString().endsWith(".png"), kept.toString());
                var picture = owlet.runtime.image.Images.read(kept.get(0)); // the frame, as PNG
                assertEquals(320, picture.width());
                assertEquals(240, picture.height());
            }
        }
    }

    @Test
    void aBounceStormIsOneCapture() throws Throwable {
        try (ServiceHarness h = new ServiceHarness(ServiceHarness.config(
                "trigger", "gpio", "trigger.pin", "17", "trigger.pull", "down", "trigger.active", "high",
                "trigger.debounce-ms", "200", "camera", "files", "camera.path", ServiceHarness.CAT.toString()),
                gpio, null, InputStream.nullInputStream(), 0)) {
            h.awaitReady();
            for (int i = 0; i < 40; i++) {
                input(17).mockState(i % 2 == 0 ? DigitalState.HIGH : DigitalState.LOW);
            }
            h.awaitLines(1);
            Thread.sleep(600); // longer than the window: a second capture would have come by now
            assertEquals(1, h.lines().size(), h.lines().toString());
        }
    }

    @Test
    void pressesWhileBusyAreCoalescedIntoOneFollowUpAndCounted() throws Throwable {
        GatedCamera camera = new GatedCamera(new FileSource(ServiceHarness.CAT, Clock.system()));
        try (ServiceHarness h = new ServiceHarness(ServiceHarness.config(
                "trigger", "gpio", "trigger.pin", "17", "trigger.pull", "down", "trigger.active", "high",
                "trigger.debounce-ms", "5", "camera", "files", "camera.path", ServiceHarness.CAT.toString()),
                gpio, camera, InputStream.nullInputStream(), 0)) {
            h.awaitReady();
            press();
            assertTrue(camera.waiting.tryAcquire(10, TimeUnit.SECONDS), "the first capture is in flight");
            for (int i = 0; i < 5; i++) {
                press(); // all while the camera is busy
            }
            camera.gate.release(100);
            List<String> lines = h.awaitLines(2);
            Thread.sleep(300);
            lines = h.lines();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("\"coalesced\":0"), lines.get(0));
            assertTrue(lines.get(1).contains("\"coalesced\":4"), lines.get(1));
            assertTrue(h.service.health().contains("triggers=6") && h.service.health().contains("coalesced=4"),
                    h.service.health());
        }
    }

    @Test
    void stdinLinesAreTriggersAndTheirEndStopsTheService() throws Throwable {
        java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
        InputStream stdin = new java.io.PipedInputStream(typing);
        ServiceHarness h = new ServiceHarness(ServiceHarness.config("trigger", "stdin", "camera", "files",
                "camera.path", ServiceHarness.SHARED.resolve("images").toString(), "top-k", "1"),
                gpio, null, stdin, 0);
        for (int i = 1; i <= 3; i++) {
            typing.write("go\n".getBytes(StandardCharsets.US_ASCII));
            typing.flush();
            assertEquals(i, h.awaitLines(i).size());
        }
        typing.close();
        assertEquals(0, h.awaitExit());
        List<String> lines = h.lines();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"source\":\"stdin\""), lines.get(0));
        assertTrue(lines.get(2).contains("\"coalesced\":0"), lines.get(2));
        assertTrue(h.log().contains("stopped; health"), h.log());
    }

    @Test
    void aFailedCaptureIsAnErrorLineAndTheServiceGoesOn() throws Throwable {
        Path empty = Files.createDirectories(tmp.resolve("pictures"));
        Path broken = Files.writeString(empty.resolve("a-broken.bmp"), "BM not really");
        Files.copy(ServiceHarness.CAT, empty.resolve("b-cat.bmp"));
        java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
        InputStream stdin = new java.io.PipedInputStream(typing);
        ServiceHarness h = new ServiceHarness(ServiceHarness.config("trigger", "stdin", "camera", "files",
                "camera.path", empty.toString()), gpio, null, stdin, 0);
        for (int i = 1; i <= 2; i++) {
            typing.write("go\n".getBytes(StandardCharsets.US_ASCII));
            typing.flush();
            h.awaitLines(i);
        }
        typing.close();
        assertEquals(0, h.awaitExit());
        List<String> lines = h.lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"error\":") && lines.get(0).contains(broken.getFileName().toString()),
                lines.get(0));
        assertTrue(lines.get(1).contains("Egyptian cat"), lines.get(1));
        assertTrue(h.service.health().contains("failures=1"), h.service.health());
    }

    @Test
    void theUsersOwnPicturesAreNeverKeptOrPrunedAsCaptures() throws Throwable {
        Path pictures = Files.createDirectories(tmp.resolve("pictures"));
        Files.copy(ServiceHarness.CAT, pictures.resolve("a.bmp"));
        Files.copy(ServiceHarness.CAT, pictures.resolve("b.bmp"));
        java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
        InputStream stdin = new java.io.PipedInputStream(typing);
        ServiceHarness h = new ServiceHarness(ServiceHarness.config("trigger", "stdin", "camera", "files",
                "camera.path", pictures.toString(), "captures.dir", tmp.resolve("captures").toString(),
                "captures.max-count", "1"), gpio, null, stdin, 0);
        for (int i = 1; i <= 3; i++) {
            typing.write("go\n".getBytes(StandardCharsets.US_ASCII));
            typing.flush();
            h.awaitLines(i);
        }
        typing.close();
        assertEquals(0, h.awaitExit());
        assertTrue(Files.exists(pictures.resolve("a.bmp")) && Files.exists(pictures.resolve("b.bmp")));
        assertTrue(h.lines().get(1).contains("\"capture\":" + owlet.runtime.command.Json.string(
                pictures.resolve("b.bmp").toString())), h.lines().get(1));
    }

    @Test
    void theLaptopDetectionExampleFindsTheCatLightsItsPinAndKeepsThePicturesWithBoxes() throws Throwable {
        Properties example = new Properties();
        try (var in = Files.newBufferedReader(Path.of("examples/laptop-detect.properties"))) {
            example.load(in);
        }
        for (String key : example.stringPropertyNames()) { // the example's paths are from the repository root
            example.setProperty(key, example.getProperty(key).replace("../shared", ServiceHarness.SHARED.toString()));
        }
        Path pictures = Files.createDirectories(tmp.resolve("pictures"));
        Files.copy(ServiceHarness.CAT, pictures.resolve("a-cat.bmp"));
        Files.copy(ServiceHarness.SHARED.resolve("images/parrot.jpg"), pictures.resolve("b-parrot.jpg"));
        example.setProperty("trigger", "stdin");
        example.setProperty("camera.path", pictures.toString());
        example.setProperty("captures.dir", tmp.resolve("detections").toString());
        example.setProperty("health.interval-s", "0");
        example.setProperty("outputs", "cat");
        example.setProperty("output.cat.pin", "27");
        example.setProperty("output.cat.labels", "cat");
        example.setProperty("output.cat.hold-ms", "0");
        java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
        InputStream stdin = new java.io.PipedInputStream(typing);
        ServiceHarness h = new ServiceHarness(example, gpio, null, stdin, 0);
        List<DigitalState> led = history(27);
        for (int i = 1; i <= 2; i++) {
            typing.write("go\n".getBytes(StandardCharsets.US_ASCII));
            typing.flush();
            h.awaitLines(i);
        }
        typing.close();
        assertEquals(0, h.awaitExit(), h.log());
        assertTrue(h.log().contains("(detector)"), h.log());
        List<String> lines = h.lines();
        assertEquals(2, lines.size(), lines + h.log());
        assertTrue(lines.get(0).contains("\"detections\":[{\"class\":16,\"label\":\"cat\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"box_px\":{\"xmin\":"), lines.get(0));
        assertTrue(lines.get(0).contains("\"outputs\":[\"cat\"]"), lines.get(0));
        assertTrue(lines.get(1).contains("\"label\":\"bird\""), lines.get(1));
        assertTrue(lines.get(1).contains("\"outputs\":[]"), lines.get(1));
        assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW), led, "on for the cat, off for the bird");
        // Each picture is kept as a PNG with its boxes, the user's own files untouched.
        try (var kept = Files.list(tmp.resolve("detections"))) {
            List<Path> pngs = kept.sorted().toList();
            assertEquals(2, pngs.size(), pngs.toString());
            owlet.runtime.image.RgbImage original = owlet.runtime.image.Images.read(ServiceHarness.CAT);
            owlet.runtime.image.RgbImage drawn = owlet.runtime.image.Images.read(pngs.get(0));
            assertEquals(original.width(), drawn.width());
            assertEquals(original.height(), drawn.height());
            assertFalse(java.util.Arrays.equals(original.rgb(), drawn.rgb()), "boxes are drawn on the capture");
            assertTrue(lines.get(0).contains("\"capture\":" + owlet.runtime.command.Json.string(pngs.get(0).toString())),
                    lines.get(0));
        }
        assertTrue(Files.exists(pictures.resolve("a-cat.bmp")) && Files.exists(pictures.resolve("b-parrot.jpg")));
    }

    /** Holds each capture until the test opens the gate: keeps the worker busy on demand. */
    private static final class GatedCamera implements FrameSource {
        final Semaphore gate = new Semaphore(0);
        final Semaphore waiting = new Semaphore(0);
        private final FrameSource inner;

        GatedCamera(FrameSource inner) {
            this.inner = inner;
        }

        @Override
        public String describe() {
            return "gated " + inner.describe();
        }

        @Override
        public void start() throws java.io.IOException {
            inner.start();
        }

        @Override
        public Frame next(long afterNanos, long timeoutMillis) throws java.io.IOException, InterruptedException {
            waiting.release();
            gate.acquire();
            return inner.next(afterNanos, timeoutMillis);
        }

        @Override
        public void close() {
            gate.release(100);
            inner.close();
        }
    }
}
