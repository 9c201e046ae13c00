package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import owlet.device.gpio.MockGpioTest;

/**
 * The status page as a real browser renders it: Debian's headless Chromium loads the page of a running
 * service (files camera, stdin trigger), dumps the DOM it built and takes a screenshot, which is decoded
 * and checked for size and content. Without the browser the test fails with the install hint.
 */
@Timeout(180)
class StatusPageBrowserTest extends MockGpioTest {
    static final Path BROWSER = Path.of(System.getProperty("owlet.browser", "/usr/bin/chromium-headless-shell"));
    private static final int WIDTH = 900;
    private static final int HEIGHT = 700;

    @TempDir
    Path dir;

    @Test
    void chromiumRendersTheLatestResultAndTheHealth() throws Throwable {
        if (!Files.isExecutable(BROWSER)) {
            fail(BROWSER + " is missing: this test renders the status page in a real browser; install it with"
                    + " 'apt-get install chromium-headless-shell' (./test does)");
        }
        PipedOutputStream typing = new PipedOutputStream();
        try (ServiceHarness h = new ServiceHarness(ServiceHarness.config("trigger", "stdin", "camera", "files",
                "camera.path", ServiceHarness.CAT.toString(), "top-k", "3", "http.port", "0", "outputs", "led",
                "output.led.pin", "27", "output.led.labels", "Egyptian cat"), gpio, null,
                new PipedInputStream(typing), 0)) {
            h.awaitReady();
            for (int n = 1; n <= 2; n++) { // one at a time: a trigger while busy would be coalesced
                typing.write("go\n".getBytes(StandardCharsets.US_ASCII));
                typing.flush();
                assertEquals(n, h.awaitLines(n).size(), h.log());
            }
            String url = "http://127.0.0.1:" + h.service.statusPort() + "/";

            String dom = browser(url, "--dump-dom");
            assertTrue(dom.contains("<p>Trigger 2 at "), dom);
            assertTrue(dom.contains("<td>Egyptian cat</td>"), dom);
            assertTrue(dom.contains("Outputs on: led"), dom);

            Path png = dir.resolve("status.png");
            browser(url, "--screenshot=" + png, "--window-size=" + WIDTH + "," + HEIGHT, "--hide-scrollbars");
            assertTrue(Files.size(png) > 0, "no screenshot");
            BufferedImage shot = ImageIO.read(png.toFile());
            assertEquals(WIDTH, shot.getWidth());
            assertEquals(HEIGHT, shot.getHeight());
            // Text on a background: many colours (anti-aliased glyphs), and dark ink in the top-left part
            // where the heading and the latest result are, not a blank or one-colour page.
            Set<Integer> colours = new HashSet<>();
            int dark = 0;
            int green = 0; // the score bars: the style sheet was applied
            int red = 0; // the cat's red carpet: the browser loaded and drew /latest.png
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    int rgb = shot.getRGB(x, y) & 0xFFFFFF;
                    colours.add(rgb);
                    int luma = ((rgb >> 16) * 299 + ((rgb >> 8) & 0xFF) * 587 + (rgb & 0xFF) * 114) / 1000;
                    int r = rgb >> 16, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
                    if (r > g + 80 && r > b + 80) {
                        red++;
                    }
                    if (g > r + 50 && g > b + 20) {
                        green++;
                    }
                    if (y < HEIGHT / 2 && luma < 96) {
                        dark++;
                    }
                }
            }
            assertTrue(colours.size() > 20, "screenshot has only " + colours.size() + " colours");
            assertTrue(green > 300, "screenshot has only " + green + " green pixels: no score bars");
            assertTrue(red > 1000, "screenshot has only " + red + " red pixels: no picture of the cat");
            assertTrue(dark > 500, "screenshot has only " + dark + " dark pixels in its top half");
            Path keep = Path.of("target", "status-page.png"); // for a person to look at
            Files.createDirectories(keep.getParent());
            Files.copy(png, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Runs the browser on the page and returns what it printed on stdout; fails on a non-zero exit. */
    private String browser(String url, String... mode) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BROWSER.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
        cmd.addAll(List.of(mode));
        cmd.add(url);
        Path out = dir.resolve("browser.out");
        Path err = dir.resolve("browser.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the browser did not finish within 60 s: " + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), "browser exit code; stderr: " + Files.readString(err));
        return Files.readString(out);
    }
}
