package owlet.device.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import owlet.runtime.api.Classification;
import owlet.runtime.image.PngEncoder;
import owlet.runtime.image.RgbImage;

/**
 * The status page of {@code owlet run}: the JDK's HTTP server on {@code http.bind}:{@code http.port},
 * one thread of its own. {@code /} (HTML: the latest result and picture, health, the latest results),
 * {@code /latest.json}, {@code /latest.png} and {@code /metrics} (Prometheus text format); {@code POST
 * /trigger} asks for a capture now, as a press of the trigger would. With a token,
 * every request must carry it ({@code Authorization: Bearer TOKEN} or {@code ?token=TOKEN}).
 */
final class StatusServer implements AutoCloseable {
    private final HttpSettings settings;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String modelName;

    /** Binds the address at once, so a port in use stops the start with one line. */
    StatusServer(HttpSettings settings, String modelName) throws IOException {
        this.settings = settings;
        this.modelName = modelName;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 16);
        } catch (BindException e) {
            throw new IOException("http: cannot listen on " + settings.bind() + ":" + settings.port() + ": "
                    + e.getMessage() + " (check http.bind and http.port)", e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "owlet-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
    }

    /** The port it listens on (the one chosen when {@code http.port} is 0). */
    int port() {
        return server.getAddress().getPort();
    }

    void start(Service service) {
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, service);
            } catch (IOException | RuntimeException e) {
                // the client went away, or a bug: one request lost, never the server
            }
        });
        server.start();
    }

    private void handle(HttpExchange x, Service service) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        boolean trigger = path.equals("/trigger");
        if (trigger ? !method.equals("POST") : !method.equals("GET") && !method.equals("HEAD")) {
            x.getResponseHeaders().set("Allow", trigger ? "POST" : "GET, HEAD");
            send(x, 405, "text/plain; charset=utf-8", trigger ? "only POST\n" : "only GET and HEAD\n");
            return;
        }
        if (settings.token() != null && !authorized(x)) {
            x.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            send(x, 401, "text/plain; charset=utf-8", "a token is needed: ?token=TOKEN or Authorization: Bearer TOKEN\n");
            return;
        }
        if (trigger) { // a capture now, as a press would; merged with one already waiting, like any trigger
            service.triggerNow("http");
            send(x, 202, "application/json", "{\"accepted\":true}\n");
            return;
        }
        RecentResults recent = service.recent();
        switch (path) {
            case "/" -> send(x, 200, "text/html; charset=utf-8", StatusPage.html(modelName, service.snapshot(),
                    recent.newestFirst(), recent.latestImage() != null, tokenQuery()));
            case "/latest.json" -> {
                RecentResults.Entry e = recent.latest();
                if (e == null) {
                    send(x, 404, "application/json", "{\"error\":\"no result yet\"}\n");
                } else {
                    send(x, 200, "application/json", e.line() + "\n");
                }
            }
            case "/latest.png" -> {
                RgbImage image = recent.latestImage();
                if (image == null) {
                    send(x, 404, "text/plain; charset=utf-8", "no picture yet\n");
                } else {
                    send(x, 200, "image/png", PngEncoder.encode(image));
                }
            }
            case "/metrics" -> send(x, 200, "text/plain; version=0.0.4; charset=utf-8", metrics(service.snapshot()));
            default -> send(x, 404, "text/plain; charset=utf-8", "not found: try / /latest.json /latest.png /metrics (POST /trigger)\n");
        }
    }

    private boolean authorized(HttpExchange x) {
        String given = null;
        String header = x.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).strip();
        }
        String query = x.getRequestURI().getRawQuery();
        if (given == null && query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("token=")) {
                    given = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                settings.token().getBytes(StandardCharsets.UTF_8));
    }

    /** What the page's own links need to carry: {@code ?token=...}, or nothing. */
    private String tokenQuery() {
        return settings.token() == null ? ""
                : "?token=" + java.net.URLEncoder.encode(settings.token(), StandardCharsets.UTF_8);
    }

    /** The health counters in Prometheus' text format (version 0.0.4). */
    static String metrics(Service.Snapshot s) {
        StringBuilder b = new StringBuilder();
        metric(b, "owlet_uptime_seconds", "gauge", "Seconds since the service started.", s.uptimeSeconds());
        metric(b, "owlet_triggers_total", "counter", "Triggers received (coalesced ones included).", s.triggers());
        metric(b, "owlet_captures_total", "counter", "Triggers that gave a classified picture.", s.captures());
        metric(b, "owlet_failures_total", "counter", "Triggers that failed (an error line).", s.failures());
        metric(b, "owlet_coalesced_total", "counter", "Triggers merged into one in flight.", s.coalesced());
        metric(b, "owlet_camera_restarts_total", "counter", "Camera process restarts.", s.cameraRestarts());
        b.append("# HELP owlet_latency_milliseconds Trigger edge to result, of the latest 1024 captures"
                + " (quantiles) and of all (sum, count).\n# TYPE owlet_latency_milliseconds summary\n");
        b.append("owlet_latency_milliseconds{quantile=\"0.5\"} ").append(number(s.p50())).append('\n');
        b.append("owlet_latency_milliseconds{quantile=\"0.99\"} ").append(number(s.p99())).append('\n');
        b.append("owlet_latency_milliseconds_sum ").append(number(s.latencySumMillis())).append('\n');
        b.append("owlet_latency_milliseconds_count ").append(s.captures()).append('\n');
        if (s.mqtt() != null) {
            MqttPublisher.Counts m = s.mqtt();
            metric(b, "owlet_mqtt_connected", "gauge", "1 while connected to the MQTT broker.", m.connected() ? 1 : 0);
            metric(b, "owlet_mqtt_published_total", "counter", "Results the broker took.", m.published());
            metric(b, "owlet_mqtt_queued", "gauge", "Results waiting for the broker.", m.queued());
            metric(b, "owlet_mqtt_dropped_total", "counter", "Results dropped from a full queue.", m.dropped());
        }
        return b.toString();
    }

    private static void metric(StringBuilder b, String name, String type, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value).append('\n');
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        send(x, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Used by {@link StatusPage}: a score as a percentage. */
    static String percent(Classification c) {
        return String.format(Locale.ROOT, "%.1f%%", c.score() * 100);
    }
}
