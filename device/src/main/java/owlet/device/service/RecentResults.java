package owlet.device.service;

import java.util.ArrayDeque;
import java.util.List;
import owlet.runtime.api.Classification;
import owlet.runtime.image.RgbImage;

/** The latest results (at most {@code capacity}) and the latest picture, for the status page. Thread-safe. */
final class RecentResults {
    /** One result as the status page shows it; {@code line} is its JSON line, {@code error} null on success. */
    record Entry(long trigger, String edgeTime, List<Classification> top, List<String> outputs, double latencyMillis,
            String error, String line) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private RgbImage latestImage;

    RecentResults(int capacity) {
        this.capacity = capacity;
    }

    /** @param image the picture the result is of, or null (a failed capture keeps the previous picture) */
    synchronized void add(Entry e, RgbImage image) {
        if (entries.size() == capacity) {
            entries.pollFirst();
        }
        entries.addLast(e);
        if (image != null) {
            latestImage = image;
        }
    }

    /** Newest first. */
    synchronized List<Entry> newestFirst() {
        List<Entry> list = new java.util.ArrayList<>(entries.size());
        entries.descendingIterator().forEachRemaining(list::add);
        return list;
    }

    synchronized Entry latest() {
        return entries.peekLast();
    }

    synchronized RgbImage latestImage() {
        return latestImage;
    }
}
