package owlet.runtime.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Greedy first-fit placement, after TFLite Micro's greedy planner:
 * <ol>
 *   <li>order the buffers: by size, largest first (ties: earlier first use first);</li>
 *   <li>for each buffer, collect the already placed buffers whose lifetimes overlap it, sorted by offset;</li>
 *   <li>walk the gaps between them from offset 0 and take the first gap the buffer fits in (after the last
 *       one if none does).</li>
 * </ol>
 * No single order wins everywhere: largest-first leaves MobileNet V1 0.25's input gap unused (arena 1.17×
 * the lower bound), first-use-first fragments the others. So the plan is made in both orders and the
 * smaller arena kept. Offsets are multiples of {@link #ALIGNMENT}.
 */
public final class GreedyArenaPlanner implements ArenaPlanner {
    public static final int ALIGNMENT = 16;

    @Override
    public int[] plan(int[] sizes, int[] first, int[] last) {
        int[] bySize = place(sizes, first, last,
                Comparator.<Integer>comparingInt(i -> -sizes[i]).thenComparingInt(i -> first[i]));
        int[] byFirstUse = place(sizes, first, last,
                Comparator.<Integer>comparingInt(i -> first[i]).thenComparingInt(i -> -sizes[i]));
        return ArenaPlanner.arenaSize(byFirstUse, sizes) < ArenaPlanner.arenaSize(bySize, sizes) ? byFirstUse : bySize;
    }

    private static int[] place(int[] sizes, int[] first, int[] last, Comparator<Integer> ordering) {
        int n = sizes.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, ordering);
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
                throw new IllegalArgumentException("arena would be larger than 2 GiB");
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
