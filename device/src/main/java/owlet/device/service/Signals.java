package owlet.device.service;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the service to stop instead of killing the JVM, so the capture in flight
 * finishes, results are flushed, the GPIO is released and the exit code is 0 (what systemd expects
 * from a clean stop). Uses {@code sun.misc.Signal} (module jdk.unsupported), the only way in Java 17
 * to handle a signal without exiting.
 */
final class Signals {
    private Signals() {
    }

    static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> action.run());
            } catch (IllegalArgumentException e) {
                // the signal is not available here (or reserved by the VM, e.g. with -Xrs): keep the default
            }
        }
    }
}
