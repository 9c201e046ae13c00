package owlet.device.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import owlet.device.gpio.OutputLine;

/** Drives the output pins from results by their rules, and the optional busy pin. */
final class Outputs implements AutoCloseable {
    record Driven(OutputRule rule, OutputLine line) {
    }

    private final List<Driven> outputs;
    private final OutputLine busy;
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?>[] offTimers;

    Outputs(List<Driven> outputs, OutputLine busy) {
        this.outputs = List.copyOf(outputs);
        this.busy = busy;
        this.offTimers = new ScheduledFuture<?>[outputs.size()];
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "owlet-outputs");
            t.setDaemon(true);
            return t;
        });
    }

    void busy(boolean on) {
        if (busy != null) {
            busy.set(on);
        }
    }

    /** Applies every rule to a result; returns the names of the outputs it switched (or kept) on. */
    synchronized List<String> apply(Findings findings) {
        List<String> on = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Driven d = outputs.get(i);
            boolean match = d.rule().matches(findings);
            if (match) {
                on.add(d.rule().name());
                if (offTimers[i] != null) {
                    offTimers[i].cancel(false);
                    offTimers[i] = null;
                }
                d.line().set(true);
                if (d.rule().holdMillis() > 0) {
                    int index = i;
                    offTimers[i] = timer.schedule(() -> off(index), d.rule().holdMillis(), TimeUnit.MILLISECONDS);
                }
            } else if (d.rule().holdMillis() == 0) {
                d.line().set(false);
            }
        }
        return on;
    }

    private synchronized void off(int index) {
        outputs.get(index).line().set(false);
        offTimers[index] = null;
    }

    /** Turns every pin off and releases it. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        for (Driven d : outputs) {
            d.line().close();
        }
        if (busy != null) {
            busy.close();
        }
    }
}
