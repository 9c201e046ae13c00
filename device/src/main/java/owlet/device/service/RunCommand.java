package owlet.device.service;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import owlet.device.gpio.Pi4jGpio;
import owlet.device.trigger.Clock;
import owlet.runtime.command.Args;
import owlet.runtime.command.Command;

/** {@code owlet run}: the headless trigger → capture → classify → outputs service. */
public final class RunCommand implements Command {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the trigger/camera/classify service from a config file";
    }

    @Override
    public String usage() {
        return """
                usage: owlet run --config FILE [--max-triggers N] [--check]

                Runs the device service: each trigger (a GPIO pin, a timer, or a line on stdin) takes the
                next camera frame, classifies it, drives the output pins by their rules and writes one JSON
                line to stdout (and to the results file):
                  {"trigger":1,"source":"gpio","edge_time":"...","frame_time":"...","latency_ms":61.2,
                   "coalesced":0,"top":[{"index":..,"label":..,"score":..}],"outputs":["led"],"capture":".."}
                A failed capture gives {"trigger":..,...,"error":"..."} and the service goes on. Logs,
                the start-up time and a periodic health line go to stderr. SIGTERM (or Ctrl-C) finishes
                the capture in flight, flushes, releases the GPIO and exits 0.

                  --config FILE     .properties file; every key and its default is in the README
                                    (examples: device/examples/*.properties)
                  --max-triggers N  stop cleanly after N results (for tests and trials; default: run on)
                  --check           check the configuration, the model and labels, the camera command,
                                    GPIO access and the files it writes, without starting; one line
                                    per check with what to fix; exit code 0 when all pass
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("config", "max-triggers"), Set.of("check"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Path configFile = args.path("config");
        int maxTriggers = args.integer("max-triggers", 0, 1, Integer.MAX_VALUE);
        if (args.flag("check")) {
            return ConfigCheck.run(configFile, Path.of("/dev"), out);
        }
        quietPi4jLogging();
        DeviceConfig config;
        Service service;
        try {
            config = DeviceConfig.load(configFile);
            service = Assembly.build(config, Pi4jGpio::onThisMachine, System.in, out, err, Clock.system());
        } catch (ConfigException e) {
            err.println("owlet run: " + e.getMessage());
            return 1;
        }
        Signals.onTerminate(service::stop);
        return service.run(maxTriggers);
    }

    /** Pi4J logs through slf4j-simple: warnings and errors only, on stderr. */
    private static void quietPi4jLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}
