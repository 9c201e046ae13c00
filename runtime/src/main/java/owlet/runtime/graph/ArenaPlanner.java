package owlet.runtime.graph;

/**
 * Places buffers with known lifetimes in one arena so that buffers alive at the same step never overlap.
 * Lifetimes are inclusive step ranges {@code [first, last]}.
 */
public interface ArenaPlanner {
    /** Offsets for each buffer, in the order given. */
    int[] plan(int[] sizes, int[] first, int[] last);

    /** True when two buffers overlap both in time and in the arena. */
    static boolean conflict(int offA, int sizeA, int firstA, int lastA, int offB, int sizeB, int firstB, int lastB) {
        boolean timeOverlap = firstA <= lastB && firstB <= lastA;
        boolean spaceOverlap = offA < offB + sizeB && offB < offA + sizeA;
        return timeOverlap && spaceOverlap && sizeA > 0 && sizeB > 0;
    }

    /**
     * The liveness lower bound: the largest total size of buffers alive at one step. No planner can use
     * less memory than this.
     */
    static long lowerBound(int[] sizes, int[] first, int[] last) {
        // Sweep over lifetime boundaries: +size at first, -size after last.
        int n = sizes.length;
        long[] events = new long[2 * n];
        for (int i = 0; i < n; i++) {
            events[2 * i] = ((long) first[i] << 32) | 1L << 31 | i; // starts sort after ends at one step
            events[2 * i + 1] = ((long) (last[i] + 1) << 32) | i;
        }
        java.util.Arrays.sort(events);
        long live = 0;
        long best = 0;
        for (long e : events) {
            int i = (int) (e & 0x7FFFFFFF);
            live += (e & (1L << 31)) != 0 ? sizes[i] : -sizes[i];
            best = Math.max(best, live);
        }
        return best;
    }

    /** The arena size a plan needs. */
    static long arenaSize(int[] offsets, int[] sizes) {
        long end = 0;
        for (int i = 0; i < sizes.length; i++) {
            end = Math.max(end, (long) offsets[i] + sizes[i]);
        }
        return end;
    }
}
