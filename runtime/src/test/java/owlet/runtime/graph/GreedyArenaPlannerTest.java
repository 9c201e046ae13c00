package owlet.runtime.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import owlet.runtime.Shared;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;

/**
 * The greedy arena planner: hand-computed plans (after TFLite Micro's greedy_memory_planner_test), the
 * no-overlap property on random lifetimes, the liveness lower bound, and the plans of the shared models,
 * which must stay within 1.1× the lower bound (like TFLite Micro's memory_arena_threshold_test).
 */
class GreedyArenaPlannerTest {
    private static final ArenaPlanner PLANNER = new GreedyArenaPlanner();
    private static final int A = GreedyArenaPlanner.ALIGNMENT;

    // ---- hand-computed plans ----

    /**
     * Five buffers, sizes 100, 50, 30, 100, 20. Placement order is by size, ties by first use: b0, b3, b1,
     * b2, b4.
     * <pre>
     *   b0 100 [0,1] -> 0         nothing placed yet
     *   b3 100 [3,4] -> 0         does not meet b0 in time
     *   b1  50 [1,2] -> 112       meets b0 (0..100): first aligned end is 112
     *   b2  30 [2,3] -> 176       meets b3 (0..100) and b1 (112..162): no gap fits before 162 -> 176
     *   b4  20 [0,4] -> 208       meets all four; the gap 100..112 is too small (12 < 20), 162..176 too (14)
     * </pre>
     * Arena 228; the lower bound is 170 (b0 + b1 + b4 at step 1).
     */
    @Test
    void fiveBuffers() {
        int[] sizes = {100, 50, 30, 100, 20};
        int[] first = {0, 1, 2, 3, 0};
        int[] last = {1, 2, 3, 4, 4};
        int[] offsets = PLANNER.plan(sizes, first, last);
        assertArrayEquals(new int[] {0, 112, 176, 0, 208}, offsets);
        assertEquals(228, ArenaPlanner.arenaSize(offsets, sizes));
        assertEquals(170, ArenaPlanner.lowerBound(sizes, first, last));
        assertNoConflict(offsets, sizes, first, last);
    }

    /**
     * A smaller buffer takes the gap below a larger one.
     * <pre>
     *   b0 100 [0,1] -> 0
     *   b1  60 [0,3] -> 112       meets b0
     *   b2  40 [2,3] -> 0         meets only b1 (112..172): 0 + 40 <= 112
     *   b3  30 [2,2] -> 48        meets b2 (0..40) and b1: after b2 (aligned 48), 48 + 30 <= 112
     * </pre>
     * Arena 172; lower bound 160 (b0 + b1 at steps 0 and 1).
     */
    @Test
    void smallBufferFillsTheGapBelowALargeOne() {
        int[] sizes = {100, 60, 40, 30};
        int[] first = {0, 0, 2, 2};
        int[] last = {1, 3, 3, 2};
        int[] offsets = PLANNER.plan(sizes, first, last);
        assertArrayEquals(new int[] {0, 112, 0, 48}, offsets);
        assertEquals(172, ArenaPlanner.arenaSize(offsets, sizes));
        assertEquals(160, ArenaPlanner.lowerBound(sizes, first, last));
    }

    /**
     * Buffers that never meet share offset 0; one alive throughout sits above the larger of them.
     * <pre>
     *   b0 64 [0,0] -> 0
     *   b1 32 [1,1] -> 0          does not meet b0
     *   b2 16 [0,1] -> 64         meets b0 (0..64) and b1 (0..32)
     * </pre>
     * Arena 80 = lower bound (b0 + b2 at step 0).
     */
    @Test
    void disjointLifetimesShareOffsetZero() {
        int[] sizes = {64, 32, 16};
        int[] first = {0, 1, 0};
        int[] last = {0, 1, 1};
        int[] offsets = PLANNER.plan(sizes, first, last);
        assertArrayEquals(new int[] {0, 0, 64}, offsets);
        assertEquals(80, ArenaPlanner.arenaSize(offsets, sizes));
        assertEquals(80, ArenaPlanner.lowerBound(sizes, first, last));
    }

    /** Equal sizes are placed in order of first use: b1 (first use 0) goes first, at 0; b0 above it at 32. */
    @Test
    void equalSizesArePlacedByFirstUse() {
        assertArrayEquals(new int[] {32, 0}, PLANNER.plan(new int[] {32, 32}, new int[] {2, 0}, new int[] {3, 2}));
    }

    /** Offsets are multiples of the alignment: three live 1-byte buffers take 0, 16, 32 (arena 33). */
    @Test
    void offsetsAreAligned() {
        int[] sizes = {1, 1, 1};
        int[] first = {0, 0, 0};
        int[] last = {0, 0, 0};
        int[] offsets = PLANNER.plan(sizes, first, last);
        assertArrayEquals(new int[] {0, A, 2 * A}, offsets);
        assertEquals(2 * A + 1, ArenaPlanner.arenaSize(offsets, sizes));
        assertEquals(3, ArenaPlanner.lowerBound(sizes, first, last));
    }

    /** A zero-size buffer takes no space and overlaps nothing. */
    @Test
    void zeroSizeBuffersTakeNoSpace() {
        int[] sizes = {0, 16, 0};
        int[] first = {0, 0, 1};
        int[] last = {5, 5, 1};
        int[] offsets = PLANNER.plan(sizes, first, last);
        assertArrayEquals(new int[] {0, 0, 0}, offsets);
        assertEquals(16, ArenaPlanner.arenaSize(offsets, sizes));
        assertNoConflict(offsets, sizes, first, last);
    }

    @Test
    void emptyPlan() {
        assertArrayEquals(new int[0], PLANNER.plan(new int[0], new int[0], new int[0]));
        assertEquals(0, ArenaPlanner.lowerBound(new int[0], new int[0], new int[0]));
        assertEquals(0, ArenaPlanner.arenaSize(new int[0], new int[0]));
    }

    // ---- lower bound and conflict ----

    @Test
    void lowerBoundHandCases() {
        // One buffer ends at step 1, the next starts at step 2: never both alive.
        assertEquals(20, ArenaPlanner.lowerBound(new int[] {10, 20}, new int[] {0, 2}, new int[] {1, 3}));
        // Ends at step 1, starts at step 1: both alive during step 1.
        assertEquals(30, ArenaPlanner.lowerBound(new int[] {10, 20}, new int[] {0, 1}, new int[] {1, 2}));
        // A chain a -> b -> c -> d, each op reading one and writing the next, plus one value alive throughout.
        assertEquals(7 + 11 + 100, ArenaPlanner.lowerBound(new int[] {5, 7, 11, 3, 100},
                new int[] {0, 0, 1, 2, 0}, new int[] {0, 1, 2, 3, 3}));
        // Order of the lists does not matter.
        assertEquals(7 + 11 + 100, ArenaPlanner.lowerBound(new int[] {100, 3, 11, 7, 5},
                new int[] {0, 2, 1, 0, 0}, new int[] {3, 3, 2, 1, 0}));
        // Large sizes add up in a long.
        int big = Integer.MAX_VALUE;
        assertEquals(3L * big, ArenaPlanner.lowerBound(new int[] {big, big, big}, new int[] {0, 0, 0},
                new int[] {0, 0, 0}));
    }

    @Test
    void conflictNeedsOverlapInTimeAndSpace() {
        // offA, sizeA, firstA, lastA, offB, sizeB, firstB, lastB
        assertTrue(ArenaPlanner.conflict(0, 10, 0, 1, 5, 10, 1, 2));
        assertFalse(ArenaPlanner.conflict(0, 10, 0, 1, 10, 10, 1, 2), "adjacent in space");
        assertFalse(ArenaPlanner.conflict(0, 10, 0, 1, 5, 10, 2, 3), "adjacent in time");
        assertFalse(ArenaPlanner.conflict(0, 0, 0, 9, 0, 10, 0, 9), "zero size");
        assertTrue(ArenaPlanner.conflict(16, 4, 3, 3, 0, 100, 0, 9), "contained");
    }

    // ---- random lifetimes ----

    /**
     * Seeded random buffer lists (some of size 0, some alive for one step, some for the whole run): no two
     * buffers conflict, offsets are aligned, and the arena lies between the lower bound and the sum of the
     * aligned sizes (what a planner that never reuses memory would take).
     */
    @Test
    void randomLifetimesNeverConflict() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(60);
            int steps = 1 + rnd.nextInt(40);
            int[] sizes = new int[n];
            int[] first = new int[n];
            int[] last = new int[n];
            long linear = 0;
            for (int i = 0; i < n; i++) {
                sizes[i] = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 50_000);
                first[i] = rnd.nextInt(steps);
                last[i] = rnd.nextInt(5) == 0 ? steps : Math.min(steps, first[i] + rnd.nextInt(4));
                linear += (sizes[i] + A - 1) / A * A;
            }
            int[] offsets = PLANNER.plan(sizes, first, last);
            String what = "trial " + trial + ": sizes " + Arrays.toString(sizes) + " first " + Arrays.toString(first)
                    + " last " + Arrays.toString(last) + " -> offsets " + Arrays.toString(offsets);
            assertNoConflict(offsets, sizes, first, last, what);
            for (int off : offsets) {
                assertTrue(off >= 0 && off % A == 0, what);
            }
            long arena = ArenaPlanner.arenaSize(offsets, sizes);
            assertTrue(arena >= ArenaPlanner.lowerBound(sizes, first, last), what);
            assertTrue(arena <= linear, what);
        }
    }

    // ---- shared models ----

    static Stream<String> models() {
        return Shared.MODELS.stream();
    }

    /**
     * The plan of each shared model, checked against lifetimes recomputed here from the operator list
     * (written at the producing step, graph inputs at step 0; alive until the last reading step, graph
     * outputs until the end): every activation tensor has an aligned place inside the arena, no two tensors
     * alive at one step overlap, and the arena is at most 1.1× the lower bound.
     */
    @ParameterizedTest
    @MethodSource("models")
    void sharedModelPlans(String name) throws Exception {
        Model model = Model.load(Shared.model(name));
        ExecutionPlan plan = ExecutionPlan.create(model);
        List<Tensor> tensors = model.tensors();
        int n = tensors.size();
        int[] first = new int[n];
        int[] last = new int[n];
        Arrays.fill(first, -1);
        for (int in : model.inputs()) {
            first[in] = 0;
            last[in] = 0;
        }
        for (Operator op : model.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0 && !tensors.get(t).isConstant()) {
                    assertTrue(first[t] >= 0, op.describe() + " reads an unwritten tensor");
                    last[t] = Math.max(last[t], op.index());
                }
            }
            for (int t : op.outputs()) {
                first[t] = op.index();
                last[t] = op.index();
            }
        }
        for (int out : model.outputs()) {
            last[out] = model.operators().size();
        }

        int[] sizes = new int[n];
        int[] offsets = new int[n];
        int activations = 0;
        for (int t = 0; t < n; t++) {
            Tensor tensor = tensors.get(t);
            offsets[t] = plan.offset(t);
            if (first[t] < 0) {
                assertEquals(-1, offsets[t], tensor.describe() + " is not an activation");
                first[t] = 0;
                last[t] = -1; // alive at no step
                continue;
            }
            activations++;
            sizes[t] = tensor.byteSize();
            assertTrue(offsets[t] >= 0 && offsets[t] % A == 0, tensor.describe() + " at " + offsets[t]);
            assertTrue(offsets[t] + sizes[t] <= plan.arenaSize(), tensor.describe() + " ends past the arena");
        }
        assertTrue(activations > model.operators().size(), name + ": " + activations + " activation tensors");
        assertNoConflict(offsets, sizes, first, last, name);

        long bound = ArenaPlanner.lowerBound(sizes, first, last);
        assertEquals(bound, plan.lowerBound(), name + " lower bound");
        assertTrue(plan.arenaSize() <= 1.1 * bound, name + ": arena " + plan.arenaSize() + " bytes is "
                + String.format("%.4f", plan.arenaSize() / (double) bound) + "x the lower bound " + bound
                + " (limit 1.1x)");
    }

    // ---- helpers ----

    private static void assertNoConflict(int[] offsets, int[] sizes, int[] first, int[] last) {
        assertNoConflict(offsets, sizes, first, last, "plan " + Arrays.toString(offsets));
    }

    private static void assertNoConflict(int[] offsets, int[] sizes, int[] first, int[] last, String what) {
        for (int a = 0; a < sizes.length; a++) {
            for (int b = a + 1; b < sizes.length; b++) {
                if (ArenaPlanner.conflict(offsets[a], sizes[a], first[a], last[a], offsets[b], sizes[b], first[b],
                        last[b])) {
                    fail(what + ": buffers " + a + " (" + sizes[a] + " bytes at " + offsets[a] + ", steps " + first[a]
                            + ".." + last[a] + ") and " + b + " (" + sizes[b] + " bytes at " + offsets[b] + ", steps "
                            + first[b] + ".." + last[b] + ") overlap");
                }
            }
        }
    }
}
