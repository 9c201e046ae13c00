package owlet.device.service;

import java.util.Arrays;

/** Counters and the latest latencies, for the health line. Thread-safe. */
final class Stats {
    private static final int WINDOW = 1024;

    private final long startNanos;
    private final double[] latencies = new double[WINDOW]; // a ring of the latest trigger→result times, ms
    private int count;
    private int next;
    private long captures;
    private long failures;
    private double latencySum;

    Stats(long startNanos) {
        this.startNanos = startNanos;
    }

    synchronized void success(double latencyMillis) {
        captures++;
        latencySum += latencyMillis;
        latencies[next] = latencyMillis;
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
    }

    synchronized void failure() {
        failures++;
    }

    synchronized long captures() {
        return captures;
    }

    /** The sum of every capture's latency, ms (with {@link #captures}: Prometheus' _sum and _count). */
    synchronized double latencySumMillis() {
        return latencySum;
    }

    synchronized long failures() {
        return failures;
    }

    /** The q-quantile (0..1, nearest rank) of the latest latencies; NaN when there are none. */
    synchronized double percentile(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }

    String line(long nowNanos, long triggers, long coalesced, long cameraRestarts) {
        return String.format(java.util.Locale.ROOT,
                "health uptime=%ds triggers=%d captures=%d failures=%d coalesced=%d latency_p50=%s latency_p99=%s"
                        + " camera_restarts=%d",
                (nowNanos - startNanos) / 1_000_000_000L, triggers, captures(), failures(), coalesced,
                ms(percentile(0.50)), ms(percentile(0.99)), cameraRestarts);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(java.util.Locale.ROOT, "%.1fms", v);
    }
}
