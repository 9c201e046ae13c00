package owlet.device.service;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import owlet.device.camera.CommandTemplate;
import owlet.device.gpio.GpioAccess;
import owlet.runtime.api.Labels;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Tensor;
import owlet.runtime.io.Failures;

/**
 * {@code owlet run --check}: everything the service needs, checked without starting it — the
 * configuration, the model (loaded and prepared), its labels, the camera command, GPIO access and the
 * files it writes. One line per check, "ok" or "FAIL" with what to fix; the exit code is 0 only when all
 * pass.
 */
final class ConfigCheck {
    private final PrintStream out;
    private int failures;

    private ConfigCheck(PrintStream out) {
        this.out = out;
    }

    static int run(Path configFile, Path devDir, PrintStream out) {
        ConfigCheck check = new ConfigCheck(out);
        DeviceConfig c;
        try {
            c = DeviceConfig.load(configFile);
            check.ok("config", configFile + ": every key valid");
        } catch (ConfigException e) {
            check.fail("config", e.getMessage());
            return check.finish();
        } catch (IOException e) {
            check.fail("config", Failures.describe(e));
            return check.finish();
        }
        check.model(c);
        check.camera(c);
        check.gpio(c, devDir);
        check.writable("results file", c.files().results(), false);
        check.writable("captures", c.files().captures(), true);
        return check.finish();
    }

    private void model(DeviceConfig c) {
        Model model;
        try {
            model = Model.load(c.model().file());
        } catch (InvalidModelException e) {
            fail("model", c.model().file() + ": invalid model: " + e.getMessage());
            return;
        } catch (IOException e) {
            fail("model", Failures.describe(e) + " (set 'model' to a .tflite file)");
            return;
        }
        Tensor in = model.input(0);
        String shape = c.model().file() + ": " + model.operators().size() + " operators, input "
                + java.util.Arrays.toString(in.shape()) + " " + in.type();
        List<String> warnings = new java.util.ArrayList<>();
        Recognizer recognizer;
        try {
            recognizer = Recognizer.open(c, 1, warnings::add); // an image classifier's or detector's input and outputs
        } catch (InvalidModelException e) {
            fail("model", c.model().file() + ": " + e.getMessage());
            return;
        } catch (ConfigException e) {
            ok("model", shape);
            fail("labels", e.getMessage());
            return;
        } catch (IOException e) {
            ok("model", shape);
            fail("labels", Failures.describe(e));
            return;
        }
        try (recognizer) {
            ok("model", shape + (recognizer instanceof Recognizer.Detecting ? ", an object detector"
                    : ", " + model.output(0).elementCount() + " outputs"));
            Labels labels = recognizer.labels;
            ok("labels", (labels.size() == 0 ? "none (results are named #k)" : labels.size() + " labels")
                    + (warnings.isEmpty() ? "" : "; " + String.join("; ", warnings)));
        }
    }

    private void camera(DeviceConfig c) {
        if (c.camera().kind() == DeviceConfig.CameraKind.FILES) {
            Path p = c.camera().path();
            if (Files.isReadable(p)) {
                ok("camera", "files from " + p);
            } else {
                fail("camera", p + ": no such file or directory (camera.path)");
            }
            return;
        }
        List<String> words;
        try {
            words = CommandTemplate.expand(c.camera().command(), Map.of("width", "1", "height", "1", "fps", "1", "device",
                    c.camera().device(), "file", "x.jpg"));
        } catch (IllegalArgumentException e) {
            fail("camera", "camera.command: " + e.getMessage());
            return;
        }
        String program = words.get(0);
        Optional<Path> found = onPath(program);
        if (found.isEmpty()) {
            fail("camera", "'" + program + "' (camera = " + c.camera().kind().key() + ") is not an executable on PATH"
                    + (program.startsWith("rpicam-") ? "; on Raspberry Pi OS: sudo apt install rpicam-apps"
                    : program.equals("ffmpeg") ? "; sudo apt install ffmpeg" : ""));
        } else {
            ok("camera", c.camera().kind().key() + ": " + found.get());
        }
    }

    private static Optional<Path> onPath(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private void gpio(DeviceConfig c, Path devDir) {
        if (!c.needsGpio()) {
            ok("gpio", "not used (no gpio trigger, output or busy pin)");
            return;
        }
        Optional<String> problem = GpioAccess.problem(devDir);
        if (problem.isPresent()) {
            fail("gpio", problem.get());
        } else {
            ok("gpio", "GPIO chips in " + devDir + " can be opened");
        }
    }

    /** A file (or, with {@code directory}, a folder) the service creates or appends to. */
    private void writable(String what, Path p, boolean directory) {
        if (p == null) {
            ok(what, "not kept");
            return;
        }
        Path abs = p.toAbsolutePath();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            fail(what, abs + ": no folder of it exists");
        } else if (!existing.equals(abs) && !Files.isDirectory(existing)) {
            fail(what, existing + " is a file, so " + abs + " cannot be created");
        } else if (existing.equals(abs) && directory != Files.isDirectory(abs)) {
            fail(what, abs + (directory ? " is not a directory" : " is a directory"));
        } else if (!Files.isWritable(existing)) {
            fail(what, existing + " is not writable by user '" + System.getProperty("user.name") + "'");
        } else {
            ok(what, abs + (existing.equals(abs) ? "" : " (will be created)"));
        }
    }

    private void ok(String what, String detail) {
        out.printf("ok    %-12s %s%n", what, detail);
    }

    private void fail(String what, String detail) {
        failures++;
        out.printf("FAIL  %-12s %s%n", what, detail);
    }

    private int finish() {
        out.println(failures == 0 ? "all checks pass" : failures + " check" + (failures == 1 ? "" : "s")
                + " failed; fix and run --check again");
        return failures == 0 ? 0 : 1;
    }
}
