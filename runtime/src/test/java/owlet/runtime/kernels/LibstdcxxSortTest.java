package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index sorts: the stable one against Java's stable sort, the partial sort's contract, and (when a
 * C++ compiler with GNU libstdc++ is at hand) the partial sort's exact order against
 * {@code std::partial_sort} itself.
 */
class LibstdcxxSortTest {

    private static float[] tied(Random r, int n) {
        float[] v = new float[n];
        int levels = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(levels);
        }
        return v;
    }

    @Test
    void stableSortKeepsIndexOrderAmongTies() {
        Random r = new Random(3);
        for (int trial = 0; trial < 2000; trial++) {
            int n = r.nextInt(80);
            float[] v = tied(r, n);
            int[] got = new int[n];
            LibstdcxxSort.decreasingStableArgSort(v, n, got, new int[n]);
            List<Integer> want = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                want.add(i);
            }
            want.sort(Comparator.comparingDouble(i -> -v[i]));
            assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), got, Arrays.toString(v));
        }
    }

    @Test
    void partialSortPutsTheLargestFirstAndKeepsAPermutation() {
        Random r = new Random(4);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + r.nextInt(80);
            int k = 1 + r.nextInt(n);
            float[] v = tied(r, n);
            int[] got = new int[n];
            LibstdcxxSort.decreasingPartialArgSort(v, n, k, got);
            float[] sorted = v.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < k; i++) {
                assertEquals(sorted[n - 1 - i], v[got[i]], "rank " + i + " of " + Arrays.toString(v));
            }
            if (k == 1) {
                for (int i = 0; i < got[0]; i++) {
                    assertTrue(v[i] < v[got[0]], "k = 1 takes the first maximum");
                }
            } else {
                int[] perm = got.clone();
                Arrays.sort(perm);
                for (int i = 0; i < n; i++) {
                    assertEquals(i, perm[i]);
                }
            }
        }
    }

    /** Exact order, tail included, against libstdc++'s std::partial_sort on tie-heavy inputs. */
    @Test
    void partialSortOrderEqualsLibstdcxx(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("ps.cc");
        Files.writeString(source, """
                #include <algorithm>
                #include <cstdio>
                #include <numeric>
                #include <random>
                #include <vector>
                int main() {
                  std::mt19937 rng(12345);
                  for (int c = 0; c < 3000; c++) {
                    int n = 2 + rng() % 60, k = 2 + rng() % (n - 1), levels = 1 + rng() % 6;
                    std::vector<float> v(n);
                    for (auto& x : v) x = (float) (rng() % levels);
                    std::vector<int> idx(n);
                    std::iota(idx.begin(), idx.end(), 0);
                    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                                      [&](int i, int j) { return v[i] > v[j]; });
                    printf("%d %d", n, k);
                    for (float x : v) printf(" %g", x);
                    for (int i : idx) printf(" %d", i);
                    printf("\\n");
                  }
                }
                """);
        Path exe = dir.resolve("ps");
        assertTrue(runs(List.of("g++", "-O2", "-o", exe.toString(), source.toString()), dir),
                "g++ (GNU libstdc++) could not compile the oracle; install it: apt-get install g++ (./test does)");
        Path out = dir.resolve("out.txt");
        assertTrue(runs(List.of(exe.toString()), dir, out), "the compiled program failed");
        int cases = 0;
        for (String line : Files.readAllLines(out)) {
            int[] f = Arrays.stream(line.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
            int n = f[0];
            int k = f[1];
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = f[2 + i];
            }
            int[] got = new int[n];
            LibstdcxxSort.decreasingPartialArgSort(v, n, k, got);
            assertArrayEquals(Arrays.copyOfRange(f, 2 + n, 2 + 2 * n), got, line);
            cases++;
        }
        assertEquals(3000, cases);
    }

    private static boolean runs(List<String> command, Path dir) throws InterruptedException {
        return runs(command, dir, dir.resolve("log.txt"));
    }

    private static boolean runs(List<String> command, Path dir, Path stdout) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(stdout.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
