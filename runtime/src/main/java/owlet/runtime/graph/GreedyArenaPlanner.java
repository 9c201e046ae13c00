package owlet.runtime.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Greedy best-first placement, after TFLite Micro's greedy planner:
 * <ol>
 *   <li>sort the buffers by size, largest first (ties: earlier first use first);</li>
 *   <li>for each buffer, collect the already placed buffers whose lifetimes overlap it, sorted by offset;</li>
 *   <li>walk the gaps between them from offset 0 and take the first gap the buffer fits in (after the last
 *       one if none does).</li>
 * </ol>
 * Offsets are multiples of {@link #ALIGNMENT}.
 */
public final class GreedyArenaPlanner implements ArenaPlanner {
    public static final int ALIGNMENT = 16;

    @Override
    public int[] plan(int[] sizes, int[] first, int[] last) {
        int n = sizes.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.<Integer>comparingInt(i -> -sizes[i]).thenComparingInt(i -> first[i]));
        int[] offsets = new int[n];
        List<Integer> placed = new ArrayList<>();
        for (int i : order) {
            List<Integer> overlapping = new ArrayList<>();
            for (int p : placed) {
                if (first[p] <= last[i] && first[i] <= last[p] && sizes[p] > 0) {
                    overlapping.add(p);
                }
            }
            overlapping.sort(Comparator.comparingInt(p -> offsets[p]));
            long candidate = 0;
            for (int p : overlapping) {
                if (candidate + sizes[i] <= offsets[p]) {
                    break;
                }
                candidate = Math.max(candidate, align((long) offsets[p] + sizes[p]));
            }
            if (candidate > Integer.MAX_VALUE - sizes[i]) {
                throw new IllegalStateException("arena larger than 2 GiB");
            }
            offsets[i] = (int) candidate;
            placed.add(i);
        }
        return offsets;
    }

    private static long align(long v) {
        return (v + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
