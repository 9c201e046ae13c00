package owlet.device.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import owlet.device.trigger.Clock;

@Timeout(60)
class StillSourceTest {
    @TempDir
    Path dir;

    private final Map<String, String> size = Map.of("width", "320", "height", "240");

    @Test
    void runsTheCommandPerTriggerAndReadsTheStillItWrote() throws Exception {
        StillSource s = new StillSource("ffmpeg -hide_banner -loglevel error -nostdin -f lavfi"
                + " -i testsrc2=size={width}x{height} -frames:v 1 -y {file}", size, dir, "jpg", 20_000, Clock.system());
        s.start();
        Frame f = s.next(0, 0);
        assertEquals(320, f.image().width());
        assertEquals(240, f.image().height());
        assertTrue(Files.isRegularFile(f.file()) && f.file().getFileName().toString().startsWith("still-"));
        assertTrue(!s.next(0, 0).file().equals(f.file()), "a new file per trigger");
    }

    @Test
    void aFailingCommandFailsThatCaptureOnly() throws Exception {
        StillSource s = new StillSource("false {file}", size, dir, "jpg", 20_000, Clock.system());
        s.start();
        IOException e = assertThrows(IOException.class, () -> s.next(0, 0));
        assertTrue(e.getMessage().contains("'false' exited with code 1 and wrote no still-"), e.getMessage());
        assertEquals(1, s.failures());
    }

    @Test
    void aPlaceholderWithoutAValueIsRefusedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StillSource("rpicam-still -o {file} --lens {lens}", size, dir, "jpg", 1000, Clock.system()));
        assertTrue(e.getMessage().contains("{lens}"), e.getMessage());
    }
}
