package owlet.device.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import owlet.device.gpio.MockGpioTest;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;

/** The status page through a real HTTP client: HTML, latest.json, latest.png, metrics, the token. */
@Timeout(120)
class StatusServerTest extends MockGpioTest {
    private static final String TOKEN = "s3cret-token-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();
    private PipedOutputStream typing;

    private ServiceHarness service(String... more) throws Exception {
        List<String> kv = new ArrayList<>(List.of("trigger", "stdin", "camera", "files",
                "camera.path", ServiceHarness.CAT.toString(), "top-k", "3", "http.port", "0",
                "outputs", "led", "output.led.pin", "27", "output.led.labels", "Egyptian cat"));
        kv.addAll(List.of(more));
        typing = new PipedOutputStream();
        return new ServiceHarness(ServiceHarness.config(kv.toArray(String[]::new)), gpio, null,
                new PipedInputStream(typing), 0);
    }

    private void trigger(ServiceHarness h, int total) throws Exception {
        typing.write("go\n".getBytes(StandardCharsets.US_ASCII));
        typing.flush();
        assertEquals(total, h.awaitLines(total).size(), h.log());
    }

    private HttpResponse<byte[]> get(ServiceHarness h, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.service.statusPort() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void thePageShowsTheLatestResultTheHealthAndTheLatestResults() throws Throwable {
        try (ServiceHarness h = service()) {
            h.awaitReady();
            assertTrue(h.log().contains("status page on http://127.0.0.1:" + h.service.statusPort() + "/"), h.log());
            assertEquals(404, get(h, "/latest.json").statusCode(), "nothing yet");
            assertTrue(text(get(h, "/")).contains("No trigger yet."));
            trigger(h, 1);
            trigger(h, 2);

            HttpResponse<byte[]> page = get(h, "/");
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
            String html = text(page);
            assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"), html);
            assertTrue(html.contains("<p>Trigger 2 at "), html);
            assertTrue(html.contains("<tr><td>Egyptian cat</td><td class=\"n\">61.3%</td>"), html);
            assertTrue(html.contains("Outputs on: led"), html);
            assertTrue(html.contains("<tr><th>Triggers</th><td class=\"n\">2</td></tr>"), html);
            assertTrue(html.contains("<tr><th>Captures</th><td class=\"n\">2</td></tr>"), html);
            assertEquals(2, html.split("<tr><td class=\"n\">").length - 1, "two rows of latest results: " + html);
            assertTrue(html.contains("<a href=\"latest.png\"><img src=\"latest.png\""), html);

            HttpResponse<byte[]> latest = get(h, "/latest.json");
            assertEquals(200, latest.statusCode());
            assertEquals(h.lines().get(1), text(latest).strip());

            HttpResponse<byte[]> png = get(h, "/latest.png");
            assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
            RgbImage cat = Images.read(ServiceHarness.CAT);
            RgbImage served = Images.decode(png.body(), "/latest.png");
            assertEquals(cat.width(), served.width());
            assertEquals(cat.height(), served.height());
            assertArrayEquals(cat.rgb(), served.rgb());

            String metrics = text(get(h, "/metrics"));
            assertTrue(metrics.contains("\nowlet_triggers_total 2\n"), metrics);
            assertTrue(metrics.contains("\nowlet_captures_total 2\n"), metrics);
            assertTrue(metrics.contains("\nowlet_failures_total 0\n"), metrics);
            assertTrue(metrics.contains("\nowlet_latency_milliseconds_count 2\n"), metrics);
            assertTrue(metrics.contains("# TYPE owlet_latency_milliseconds summary\n"), metrics);
            for (String line : metrics.split("\n")) {
                assertTrue(line.matches("# (HELP|TYPE) owlet_[a-z_]+ .+")
                        || line.matches("owlet_[a-z_]+(\\{quantile=\"0\\.(5|99)\"})? (NaN|[0-9]+(\\.[0-9]+)?)"), line);
            }

            assertEquals(404, get(h, "/nothing-here").statusCode());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + h.service.statusPort() + "/")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void withATokenEveryRequestNeedsItAndThePageLinksCarryIt() throws Throwable {
        try (ServiceHarness h = service("http.token", TOKEN)) {
            h.awaitReady();
            trigger(h, 1);
            assertEquals(401, get(h, "/").statusCode());
            assertEquals(401, get(h, "/latest.png").statusCode());
            assertEquals(401, get(h, "/metrics", "Authorization", "Bearer wrong-token-0123456789").statusCode());
            assertEquals(200, get(h, "/metrics", "Authorization", "Bearer " + TOKEN).statusCode());
            HttpResponse<byte[]> page = get(h, "/?token=" + TOKEN);
            assertEquals(200, page.statusCode());
            assertTrue(text(page).contains("<a href=\"latest.png?token=" + TOKEN + "\">"), text(page));
            assertEquals(200, get(h, "/latest.json?token=" + TOKEN).statusCode());
        }
    }

    @Test
    void aPostToTriggerTakesACaptureNowAndNeedsTheTokenWhenThereIsOne() throws Throwable {
        try (ServiceHarness h = service("http.token", TOKEN)) {
            h.awaitReady();
            URI trigger = URI.create("http://127.0.0.1:" + h.service.statusPort() + "/trigger");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(trigger)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
            assertEquals(0, h.lines().size(), "no token, no capture");
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(trigger)
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode());
            List<String> lines = h.awaitLines(1);
            assertEquals(1, lines.size(), h.log());
            assertTrue(lines.get(0).startsWith("{\"trigger\":1,\"source\":\"http\","), lines.get(0));
            assertTrue(lines.get(0).contains("Egyptian cat"), lines.get(0));
            HttpResponse<byte[]> get = get(h, "/trigger?token=" + TOKEN);
            assertEquals(405, get.statusCode(), "a GET (a link, a crawler) never takes a picture");
            assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
            assertEquals(1, h.lines().size());
        }
    }

    @Test
    void aPortInUseStopsTheStartWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Properties config = ServiceHarness.config("trigger", "stdin", "camera", "files", "camera.path",
                    ServiceHarness.CAT.toString(), "http.port", Integer.toString(taken.getLocalPort()));
            IOException e = assertThrows(IOException.class, () -> new ServiceHarness(config, gpio, null,
                    java.io.InputStream.nullInputStream(), 0));
            assertTrue(e.getMessage().startsWith("http: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    && e.getMessage().endsWith("(check http.bind and http.port)"), e.getMessage());
        }
    }
}
