package owlet.device.service;

import java.io.IOException;
import java.io.StringReader;
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
import owlet.runtime.cli.Cli;
import owlet.runtime.io.InputFiles;

/**
 * The settings of {@code owlet run}, read from a {@code .properties} file and checked all at once, so a
 * mistake is reported at start with the key's name, never later. Unknown keys are errors (a typo would
 * otherwise silently fall back to a default). Relative paths are relative to the working directory.
 * Every key and its default is documented in the README.
 */
public record DeviceConfig(
        Path model, Path labels, int threads, int topK, float threshold,
        String trigger, int triggerPin, Pull triggerPull, boolean triggerActiveHigh, Edge triggerEdge,
        long debounceMillis, long intervalMillis,
        List<OutputRule> outputs, int busyPin, boolean busyActiveHigh,
        String camera, int width, int height, int fps, PixelFormat format, String command, String device,
        Path cameraPath, long cameraTimeoutMillis, long stallMillis, long maxBackoffMillis,
        Path resultsFile, boolean resultsStdout, Path capturesDir, int capturesMaxCount, long capturesMaxBytes,
        long healthIntervalSeconds) {

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
            "captures.dir", "captures.max-count", "captures.max-mb", "health.interval-s");
    private static final Set<String> OUTPUT_KEYS = Set.of("pin", "active", "labels", "min-score", "hold-ms");

    /** Configuration files larger than this are refused (a full one is a few KB). */
    public static final long MAX_FILE_BYTES = 1L << 20;

    public static DeviceConfig load(Path file) throws IOException, ConfigException {
        Properties p = new Properties();
        try {
            p.load(new StringReader(InputFiles.readText(file, MAX_FILE_BYTES)));
        } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
            throw new ConfigException(file + ": " + e.getMessage());
        }
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
        int threads = r.integer("threads", Cli.defaultThreads(), 1, 256);
        int topK = r.integer("top-k", 5, 1, 100_000);
        float threshold = (float) r.number("threshold", 0, 0, 1);

        String trigger = r.choice("trigger", "gpio", "gpio", "timer", "stdin");
        int triggerPin = r.integer("trigger.pin", 17, 0, 53);
        Pull pull = r.parse("trigger.pull", "up", Pull::parse);
        boolean triggerHigh = r.choice("trigger.active", "low", "low", "high").equals("high");
        Edge edge = r.parse("trigger.edge", "press", Edge::parse);
        long debounce = r.integer("trigger.debounce-ms", 50, 0, 10_000);
        long interval = r.integer("trigger.interval-ms", 1000, 1, 86_400_000);

        List<OutputRule> outputs = new ArrayList<>();
        Set<Integer> pins = new LinkedHashSet<>();
        if (trigger.equals("gpio")) {
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
            outputs.add(new OutputRule(name, pin, high, labelSet, minScore, hold));
        }
        int busyPin = r.raw("busy.pin") == null ? -1 : r.integer("busy.pin", -1, 0, 53);
        if (busyPin >= 0 && !pins.add(busyPin)) {
            throw new ConfigException("'busy.pin': BCM " + busyPin + " is already used");
        }
        boolean busyHigh = r.choice("busy.active", "high", "low", "high").equals("high");

        String camera = r.choice("camera", "stream", "stream", "still", "v4l2", "files");
        int width = r.integer("camera.width", 640, 2, 16_384);
        int height = r.integer("camera.height", 480, 2, 16_384);
        int fps = r.integer("camera.fps", 15, 1, 240);
        PixelFormat format = r.parse("camera.format", camera.equals("v4l2") ? "rgb24" : "yuv420", PixelFormat::parse);
        try {
            format.frameBytes(width, height);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("'camera.width', 'camera.height': " + e.getMessage());
        }
        String command = r.string("camera.command", switch (camera) {
            case "stream" -> STREAM_COMMAND;
            case "still" -> STILL_COMMAND;
            case "v4l2" -> V4L2_COMMAND;
            default -> "";
        });
        if (!camera.equals("files") && command.isBlank()) {
            throw new ConfigException("'camera.command' is empty");
        }
        String device = r.string("camera.device", "/dev/video0");
        Path cameraPath = r.path("camera.path", null);
        if (camera.equals("files") && cameraPath == null) {
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
        Path captures = r.path("captures.dir", null);
        int maxCount = r.integer("captures.max-count", 1000, 1, 10_000_000);
        long maxBytes = r.integer("captures.max-mb", 512, 1, 10_000_000) * 1024L * 1024L;
        long health = r.integer("health.interval-s", 60, 0, 86_400);
        r.rejectUnknown();
        return new DeviceConfig(model, labels, threads, topK, threshold, trigger, triggerPin, pull, triggerHigh,
                edge, debounce, interval, List.copyOf(outputs), busyPin, busyHigh, camera, width, height, fps,
                format, command, device, cameraPath, cameraTimeout, stall, backoff, resultsFile, resultsStdout,
                captures, maxCount, maxBytes, health);
    }

    /** Whether this configuration needs the GPIO (a gpio trigger, an output or a busy pin). */
    public boolean needsGpio() {
        return trigger.equals("gpio") || !outputs.isEmpty() || busyPin >= 0;
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
                String hint = first.startsWith("output.") ? " (is the output listed in 'outputs'?)" : "";
                throw new ConfigException("unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown + hint);
            }
        }
    }
}
