package owlet.device.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import owlet.device.camera.PixelFormat;
import owlet.device.gpio.Edge;
import owlet.device.gpio.Pull;
import owlet.runtime.io.Failures;
import owlet.runtime.api.Interpreter;

/**
 * The settings of {@code owlet run}, read from a {@code .properties} file and checked all at once, so a
 * mistake is reported at start with the key's name, never later. Unknown keys are errors (a typo would
 * otherwise silently fall back to a default). Relative paths are relative to the working directory.
 * Every key and its default is documented in the README.
 */
public record DeviceConfig(ModelSettings model, TriggerSettings trigger, OutputSettings outputs,
        CameraSettings camera, FileSettings files, long healthIntervalSeconds, MqttSettings mqtt, HttpSettings http) {

    /** The model and how its results are reported; {@code threshold} NaN: the model's kind decides. */
    public record ModelSettings(Path file, Path labels, int threads, int topK, float threshold) {
    }

    /** What starts a capture. */
    public enum TriggerKind {
        GPIO, TIMER, STDIN;

        /** The configuration's word for it. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The trigger: pin, bias, level and edge for {@code GPIO}, the period for {@code TIMER}. */
    public record TriggerSettings(TriggerKind kind, int pin, Pull pull, boolean activeHigh, Edge edge,
            long debounceMillis, long intervalMillis) {
    }

    /** The output pins: a rule each, and the optional busy pin ({@code busyPin} -1: none). */
    public record OutputSettings(List<OutputRule> rules, int busyPin, boolean busyActiveHigh) {
    }

    /** Where frames come from. */
    public enum CameraKind {
        STREAM, STILL, V4L2, FILES;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The camera: frame size, rate and layout and the command line for {@code STREAM} and {@code V4L2},
     * the command for {@code STILL}, the file or folder for {@code FILES}; how long to wait for a frame,
     * when a silent stream is restarted and the longest pause between restarts.
     */
    public record CameraSettings(CameraKind kind, int width, int height, int fps, PixelFormat format, String command,
            String device, Path path, long timeoutMillis, long stallMillis, long maxBackoffMillis) {
    }

    /** The results file (null: none) with its rotation, and the kept captures (null: none) with their caps. */
    public record FileSettings(Path results, boolean resultsStdout, long resultsMaxBytes, int resultsKeep,
            Path captures, int capturesMaxCount, long capturesMaxBytes, boolean capturesBoxes) {
    }

    /** Default command lines, right for Raspberry Pi OS (rpicam-apps) and for ffmpeg with V4L2. */
    public static final String STREAM_COMMAND = "rpicam-vid --nopreview --timeout 0 --codec yuv420"
            + " --width {width} --height {height} --framerate {fps} --output -";
    public static final String STILL_COMMAND = "rpicam-still --nopreview --timeout 1000"
            + " --encoding jpg --output {file}";
    public static final String V4L2_COMMAND = "ffmpeg -hide_banner -loglevel error -nostdin -f v4l2"
            + " -video_size {width}x{height} -framerate {fps} -i {device} -f rawvideo -pix_fmt rgb24 -";

    private static final Set<String> KEYS = Set.of("model", "labels", "threads", "top-k", "threshold",
            "trigger", "trigger.pin", "trigger.pull", "trigger.active", "trigger.edge", "trigger.debounce-ms",
            "trigger.interval-ms", "outputs", "busy.pin", "busy.active", "camera", "camera.width",
            "camera.height", "camera.fps", "camera.format", "camera.command", "camera.device", "camera.path",
            "camera.timeout-ms", "camera.stall-ms", "camera.max-backoff-ms", "results.file", "results.stdout",
            "results.max-mb", "results.keep",
            "captures.dir", "captures.max-count", "captures.max-mb", "captures.boxes", "health.interval-s");
    private static final Set<String> OUTPUT_KEYS = Set.of("pin", "active", "labels", "min-score", "hold-ms",
            "min-count", "region");

    public static DeviceConfig load(Path file) throws IOException, ConfigException {
        Properties p = ConfigFile.read(file);
        try {
            return parse(p);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    public static DeviceConfig parse(Properties p) throws ConfigException {
        Keys r = new Keys(p);
        Path model = r.path("model", null);
        if (model == null) {
            throw new ConfigException("'model' is required: the .tflite file to run");
        }
        Path labels = r.path("labels", null);
        int threads = r.integer("threads", Interpreter.defaultThreads(), 1, 256);
        int topK = r.integer("top-k", 5, 1, 100_000);
        // Absent: the model's kind decides (a classifier reports any score, a detector from 0.5 on).
        float threshold = r.raw("threshold") == null ? Float.NaN : (float) r.number("threshold", 0, 0, 1);

        TriggerKind trigger = TriggerKind.valueOf(r.choice("trigger", "gpio", "gpio", "timer", "stdin")
                .toUpperCase(java.util.Locale.ROOT));
        int triggerPin = r.integer("trigger.pin", 17, 0, 53);
        Pull pull = r.parse("trigger.pull", "up", Pull::parse);
        boolean triggerHigh = r.choice("trigger.active", "low", "low", "high").equals("high");
        Edge edge = r.parse("trigger.edge", "press", Edge::parse);
        long debounce = r.integer("trigger.debounce-ms", 50, 0, 10_000);
        long interval = r.integer("trigger.interval-ms", 1000, 1, 86_400_000);

        List<OutputRule> outputs = new ArrayList<>();
        Set<Integer> pins = new LinkedHashSet<>();
        if (trigger == TriggerKind.GPIO) {
            pins.add(triggerPin);
        }
        for (String name : r.list("outputs")) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new ConfigException("'outputs': output name '" + name + "' may use only letters, digits, _ and -");
            }
            String k = "output." + name + ".";
            r.allow(OUTPUT_KEYS.stream().map(s -> k + s).toList());
            if (r.raw(k + "pin") == null) {
                throw new ConfigException("'" + k + "pin' is required for output '" + name + "'");
            }
            int pin = r.integer(k + "pin", 0, 0, 53);
            if (!pins.add(pin)) {
                throw new ConfigException("'" + k + "pin': BCM " + pin + " is already used");
            }
            boolean high = r.choice(k + "active", "high", "low", "high").equals("high");
            Set<String> labelSet = new LinkedHashSet<>(r.list(k + "labels"));
            float minScore = (float) r.number(k + "min-score", 0.5, 0, 1);
            long hold = r.integer(k + "hold-ms", 2000, 0, 86_400_000);
            int minCount = r.integer(k + "min-count", 1, 1, 100_000);
            OutputRule.Region region = r.raw(k + "region") == null ? null : region(k + "region", r.list(k + "region"));
            outputs.add(new OutputRule(name, pin, high, labelSet, minScore, hold, minCount, region));
        }
        int busyPin = r.raw("busy.pin") == null ? -1 : r.integer("busy.pin", -1, 0, 53);
        if (busyPin >= 0 && !pins.add(busyPin)) {
            throw new ConfigException("'busy.pin': BCM " + busyPin + " is already used");
        }
        boolean busyHigh = r.choice("busy.active", "high", "low", "high").equals("high");

        CameraKind camera = CameraKind.valueOf(r.choice("camera", "stream", "stream", "still", "v4l2", "files")
                .toUpperCase(java.util.Locale.ROOT));
        int width = r.integer("camera.width", 640, 2, 16_384);
        int height = r.integer("camera.height", 480, 2, 16_384);
        int fps = r.integer("camera.fps", 15, 1, 240);
        PixelFormat format = r.parse("camera.format", camera == CameraKind.V4L2 ? "rgb24" : "yuv420", PixelFormat::parse);
        try {
            format.frameBytes(width, height);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("'camera.width', 'camera.height': " + e.getMessage());
        }
        String command = r.string("camera.command", switch (camera) {
            case STREAM -> STREAM_COMMAND;
            case STILL -> STILL_COMMAND;
            case V4L2 -> V4L2_COMMAND;
            case FILES -> "";
        });
        if (camera != CameraKind.FILES && command.isBlank()) {
            throw new ConfigException("'camera.command' is empty");
        }
        String device = r.string("camera.device", "/dev/video0");
        Path cameraPath = r.path("camera.path", null);
        if (camera == CameraKind.FILES && cameraPath == null) {
            throw new ConfigException("'camera.path' is required with camera=files: an image file or a directory");
        }
        long cameraTimeout = r.integer("camera.timeout-ms", 5000, 1, 600_000);
        long stall = r.integer("camera.stall-ms", 5000, 100, 600_000);
        long backoff = r.integer("camera.max-backoff-ms", 30_000, 100, 3_600_000);

        Path resultsFile = r.path("results.file", null);
        boolean resultsStdout = r.choice("results.stdout", "true", "true", "false").equals("true");
        if (!resultsStdout && resultsFile == null) {
            throw new ConfigException("'results.stdout' is false and there is no 'results.file': results would go nowhere");
        }
        long resultsMaxBytes = r.integer("results.max-mb", 10, 1, 1_000_000) * 1024L * 1024L;
        int resultsKeep = r.integer("results.keep", 5, 0, 1000);
        Path captures = r.path("captures.dir", null);
        int maxCount = r.integer("captures.max-count", 1000, 1, 10_000_000);
        long maxBytes = r.integer("captures.max-mb", 512, 1, 10_000_000) * 1024L * 1024L;
        boolean boxes = r.choice("captures.boxes", "true", "true", "false").equals("true");
        long health = r.integer("health.interval-s", 60, 0, 86_400);
        MqttSettings mqtt = mqtt(r);
        HttpSettings http = http(r);
        r.rejectUnknown();
        return new DeviceConfig(new ModelSettings(model, labels, threads, topK, threshold),
                new TriggerSettings(trigger, triggerPin, pull, triggerHigh, edge, debounce, interval),
                new OutputSettings(List.copyOf(outputs), busyPin, busyHigh),
                new CameraSettings(camera, width, height, fps, format, command, device, cameraPath, cameraTimeout, stall,
                        backoff),
                new FileSettings(resultsFile, resultsStdout, resultsMaxBytes, resultsKeep, captures, maxCount, maxBytes,
                        boxes),
                health, mqtt, http);
    }

    // --- mqtt.*: results to an MQTT broker, with Home Assistant discovery (README: "Configuration") ---------
    private static final List<String> MQTT_KEYS = List.of("mqtt.url", "mqtt.client-id", "mqtt.topic",
            "mqtt.username", "mqtt.password", "mqtt.password-file", "mqtt.ca-file", "mqtt.qos", "mqtt.queue",
            "mqtt.discovery", "mqtt.discovery-prefix");

    /** The mqtt.* keys, or null without {@code mqtt.url} (then every other mqtt.* key is an error). */
    private static MqttSettings mqtt(Keys r) throws ConfigException {
        String url = r.raw("mqtt.url");
        if (url == null) {
            return null; // the mqtt.* keys stay unknown: a setting without mqtt.url is a mistake
        }
        r.allow(MQTT_KEYS);
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException("'mqtt.url': '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "tcp", "mqtt" -> false;
            case "ssl", "mqtts" -> true;
            default -> throw new ConfigException("'mqtt.url' must start with tcp://, mqtt://, ssl:// or mqtts://,"
                    + " got '" + url + "'");
        };
        if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null
                || uri.getUserInfo() != null) {
            throw new ConfigException("'mqtt.url' must be SCHEME://HOST or SCHEME://HOST:PORT (the user name goes in"
                    + " 'mqtt.username'), got '" + url + "'");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 8883 : 1883;
        String host = uri.getHost();
        String normalized = (tls ? "ssl://" : "tcp://") + host + ":" + port;

        String clientId = r.string("mqtt.client-id", "owlet-" + hostName());
        if (!clientId.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ConfigException("'mqtt.client-id' may use only letters, digits, _ and - (at most 64), got '"
                    + clientId + "'");
        }
        String topic = topicKey(r, "mqtt.topic", "owlet/" + clientId);
        String username = r.raw("mqtt.username");
        String password = r.raw("mqtt.password");
        Path passwordFile = r.path("mqtt.password-file", null);
        if (password != null && passwordFile != null) {
            throw new ConfigException("'mqtt.password' and 'mqtt.password-file' are both set: keep one");
        }
        if (passwordFile != null) {
            try {
                password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                        .map(String::strip).orElse("");
            } catch (IOException e) {
                throw new ConfigException("'mqtt.password-file': cannot read " + passwordFile + ": "
                        + Failures.describe(e));
            }
            if (password.isEmpty()) {
                throw new ConfigException("'mqtt.password-file': " + passwordFile + " has no password on its first line");
            }
        }
        if (password != null && username == null) {
            throw new ConfigException("a password is set but 'mqtt.username' is not");
        }
        Path caFile = r.path("mqtt.ca-file", null);
        if (caFile != null && !tls) {
            throw new ConfigException("'mqtt.ca-file' is set but 'mqtt.url' is not ssl:// or mqtts://");
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new ConfigException("'mqtt.ca-file': cannot read " + caFile);
        }
        int qos = r.integer("mqtt.qos", 1, 0, 2);
        int queue = r.integer("mqtt.queue", 1000, 1, 1_000_000);
        boolean discovery = r.choice("mqtt.discovery", "true", "true", "false").equals("true");
        String prefix = topicKey(r, "mqtt.discovery-prefix", "homeassistant");
        return new MqttSettings(normalized, clientId, topic, username, password, caFile, qos, queue, discovery,
                prefix);
    }

    // --- http.*: the status page (README: "Status page") --------------------------------------------------
    private static final List<String> HTTP_KEYS = List.of("http.bind", "http.token", "http.history");

    /** The http.* keys, or null without {@code http.port} (then every other http.* key is an error). */
    private static HttpSettings http(Keys r) throws ConfigException {
        if (r.raw("http.port") == null) {
            return null;
        }
        r.allow(List.of("http.port"));
        r.allow(HTTP_KEYS);
        int port = r.integer("http.port", 0, 0, 65_535);
        String bind = r.string("http.bind", "127.0.0.1");
        boolean loopback;
        try {
            if (!bind.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|localhost")) {
                throw new java.net.UnknownHostException(bind);
            }
            loopback = java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException("'http.bind' must be an IP address (127.0.0.1, 0.0.0.0, ::1) or localhost,"
                    + " got '" + bind + "'");
        }
        String token = r.raw("http.token");
        if (token == null && !loopback) {
            throw new ConfigException("'http.token' is required when 'http.bind' (" + bind + ") is not a loopback"
                    + " address: anyone on the network could read the pictures");
        }
        if (token != null && (token.length() < 16 || !token.matches("[\\x21-\\x7e]+"))) {
            throw new ConfigException("'http.token' needs at least 16 printable characters without spaces");
        }
        int history = r.integer("http.history", 20, 1, 1000);
        return new HttpSettings(bind, port, token, history);
    }

    private static String topicKey(Keys r, String key, String dflt) throws ConfigException {
        String t = r.string(key, dflt);
        if (t.contains("+") || t.contains("#") || t.startsWith("/") || t.endsWith("/") || t.contains("//")
                || t.chars().anyMatch(ch -> ch < 0x20)) {
            throw new ConfigException("'" + key + "' must be a topic without wildcards (+ #), empty levels or a"
                    + " leading or trailing /, got '" + t + "'");
        }
        return t;
    }

    /** This machine's name as a client-id part ({@code /etc/hostname}), or {@code owlet} when unknown. */
    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip()
                    .replaceAll("[^A-Za-z0-9_-]", "-");
            return h.isEmpty() ? "owlet" : h.substring(0, Math.min(h.length(), 50));
        } catch (IOException e) {
            return "owlet";
        }
    }

    /** {@code xmin, ymin, xmax, ymax}: four fractions of the picture. */
    private static OutputRule.Region region(String key, List<String> values) throws ConfigException {
        try {
            if (values.size() != 4) {
                throw new IllegalArgumentException("needs four numbers xmin,ymin,xmax,ymax, not " + values.size());
            }
            double[] v = new double[4];
            for (int i = 0; i < 4; i++) {
                v[i] = Double.parseDouble(values.get(i));
            }
            return new OutputRule.Region(v[0], v[1], v[2], v[3]);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            String why = e instanceof NumberFormatException ? "'" + String.join(",", values)
                    + "' is not four numbers xmin,ymin,xmax,ymax" : e.getMessage();
            throw new ConfigException("'" + key + "': " + why + " (fractions 0..1 of the picture, e.g. 0,0.5,1,1"
                    + " for its lower half)");
        }
    }

    /** Whether this configuration needs the GPIO (a gpio trigger, an output or a busy pin). */
    public boolean needsGpio() {
        return trigger.kind() == TriggerKind.GPIO || !outputs.rules().isEmpty() || outputs.busyPin() >= 0;
    }

    /** Reads values by key, remembering which keys were used so that the rest can be rejected. */
    private static final class Keys {
        private final Properties p;
        private final Set<String> allowed = new java.util.HashSet<>(KEYS);

        Keys(Properties p) {
            this.p = p;
        }

        @FunctionalInterface
        interface Parser<T> {
            T parse(String s);
        }

        void allow(List<String> keys) {
            allowed.addAll(keys);
        }

        String raw(String key) {
            String v = p.getProperty(key);
            return v == null || v.isBlank() ? null : v.strip();
        }

        String string(String key, String dflt) {
            String v = raw(key);
            return v == null ? dflt : v;
        }

        Path path(String key, Path dflt) throws ConfigException {
            String v = raw(key);
            if (v == null) {
                return dflt;
            }
            try {
                return Path.of(v);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException("'" + key + "': '" + v + "' is not a valid path");
            }
        }

        int integer(String key, int dflt, int min, int max) throws ConfigException {
            String v = raw(key);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new ConfigException("'" + key + "' must be between " + min + " and " + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException("'" + key + "' needs a whole number, got '" + v + "'");
            }
        }

        double number(String key, double dflt, double min, double max) throws ConfigException {
            String v = raw(key);
            if (v == null) {
                return dflt;
            }
            try {
                double d = Double.parseDouble(v);
                if (!(d >= min && d <= max)) {
                    throw new ConfigException("'" + key + "' must be between " + min + " and " + max + ", got " + v);
                }
                return d;
            } catch (NumberFormatException e) {
                throw new ConfigException("'" + key + "' needs a number, got '" + v + "'");
            }
        }

        String choice(String key, String dflt, String... options) throws ConfigException {
            String v = string(key, dflt).toLowerCase(Locale.ROOT);
            if (!Arrays.asList(options).contains(v)) {
                throw new ConfigException("'" + key + "' must be one of " + String.join(", ", options) + ", got '"
                        + v + "'");
            }
            return v;
        }

        <T> T parse(String key, String dflt, Parser<T> parser) throws ConfigException {
            try {
                return parser.parse(string(key, dflt));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("'" + key + "': " + e.getMessage());
            }
        }

        List<String> list(String key) {
            String v = raw(key);
            if (v == null) {
                return List.of();
            }
            return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        void rejectUnknown() throws ConfigException {
            Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
            unknown.removeAll(allowed);
            if (!unknown.isEmpty()) {
                String first = unknown.iterator().next();
                String hint = first.startsWith("output.") ? " (is the output listed in 'outputs'?)"
                        : first.startsWith("mqtt.") ? " (mqtt.* keys need 'mqtt.url')"
                        : first.startsWith("http.") ? " (http.* keys need 'http.port')" : "";
                throw new ConfigException("unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown + hint);
            }
        }
    }
}
