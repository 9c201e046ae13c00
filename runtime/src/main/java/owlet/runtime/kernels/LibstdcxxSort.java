package owlet.runtime.kernels;

/**
 * Index sorts by decreasing value that put tied values in exactly the order TensorFlow Lite's x86-64
 * build (compiled with GCC, so using GNU libstdc++) puts them, without allocating.
 *
 * <p>{@code std::partial_sort} is not stable: among equal values the order is whatever its algorithm
 * leaves, and quantized detectors produce equal scores all the time, so reproducing TFLite's outputs
 * byte for byte means reproducing libstdc++'s algorithm step for step. libstdc++ implements
 * {@code partial_sort(first, middle, last, comp)} as heap-select (make a heap of {@code [first, middle)},
 * then for each later element that {@code comp(element, *first)}, pop the heap's top into that slot's
 * place) followed by sort-heap of {@code [first, middle)}. Its heap primitives are the classic ones with
 * one particular twist, reproduced here: {@code __adjust_heap} first walks the hole all the way down to a
 * leaf, always towards the child that is not "less" (preferring the right child unless
 * {@code comp(right, left)}), and only then pushes the value back up ({@code __push_heap}) while
 * {@code comp(parent, value)}. Here {@code comp(i, j)} is {@code values[i] > values[j]}, TFLite's
 * decreasing order.
 *
 * <p>{@code std::stable_sort} needs no such care: every stable sort gives the same order.
 */
final class LibstdcxxSort {
    private LibstdcxxSort() {
    }

    private static boolean comp(float[] values, int a, int b) {
        return values[a] > values[b];
    }

    /**
     * TFLite's DecreasingPartialArgSort: {@code indices[0, n)} = 0..n-1, then its first {@code k} entries
     * become the indices of the {@code k} largest values, largest first, in libstdc++'s order; when
     * {@code k == 1}, TFLite takes ArgMaxVector instead (the first maximum, compared with {@code >}). The
     * entries after {@code k} are left in heap-select's order, as TFLite leaves them.
     */
    static void decreasingPartialArgSort(float[] values, int n, int k, int[] indices) {
        if (k == 1) {
            indices[0] = argMax(values, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        heapSelect(indices, k, n, values);
        sortHeap(indices, k, values);
    }

    /** The first index of the largest of {@code values[0, n)}, n ≥ 1 (TFLite's scalar ArgMaxVector). */
    static int argMax(float[] values, int n) {
        float max = values[0];
        int at = 0;
        for (int i = 1; i < n; i++) {
            if (values[i] > max) {
                max = values[i];
                at = i;
            }
        }
        return at;
    }

    /** libstdc++'s __heap_select over {@code a[0, last)} keeping {@code a[0, middle)}. */
    private static void heapSelect(int[] a, int middle, int last, float[] values) {
        makeHeap(a, middle, values);
        for (int i = middle; i < last; i++) {
            if (comp(values, a[i], a[0])) {
                popHeap(a, middle, i, values);
            }
        }
    }

    /** libstdc++'s __pop_heap: the top goes to {@code result}, whose old value re-enters the heap. */
    private static void popHeap(int[] a, int len, int result, float[] values) {
        int value = a[result];
        a[result] = a[0];
        adjustHeap(a, 0, len, value, values);
    }

    /** libstdc++'s __make_heap over {@code a[0, len)}. */
    private static void makeHeap(int[] a, int len, float[] values) {
        if (len < 2) {
            return;
        }
        for (int parent = (len - 2) / 2; ; parent--) {
            adjustHeap(a, parent, len, a[parent], values);
            if (parent == 0) {
                return;
            }
        }
    }

    /** libstdc++'s __sort_heap over {@code a[0, len)}. */
    private static void sortHeap(int[] a, int len, float[] values) {
        for (int last = len; last > 1; ) {
            last--;
            popHeap(a, last, last, values);
        }
    }

    /** libstdc++'s __adjust_heap: sift the hole at {@code hole} down to a leaf, then push {@code value} up. */
    private static void adjustHeap(int[] a, int hole, int len, int value, float[] values) {
        int top = hole;
        int child = hole;
        while (child < (len - 1) / 2) {
            child = 2 * (child + 1);
            if (comp(values, a[child], a[child - 1])) {
                child--;
            }
            a[hole] = a[child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2) {
            child = 2 * (child + 1);
            a[hole] = a[child - 1];
            hole = child - 1;
        }
        // __push_heap
        int parent = (hole - 1) / 2;
        while (hole > top && comp(values, a[parent], value)) {
            a[hole] = a[parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        a[hole] = value;
    }

    /**
     * TFLite's DecreasingArgSort: {@code indices[0, n)} = 0..n-1 stably sorted by decreasing value (ties keep
     * index order), as {@code std::stable_sort} does. A bottom-up merge sort through {@code scratch}
     * (length ≥ n), allocating nothing.
     */
    static void decreasingStableArgSort(float[] values, int n, int[] indices, int[] scratch) {
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        int[] from = indices;
        int[] to = scratch;
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    // Take from the right run only when strictly greater: ties keep the left (earlier) one.
                    to[o++] = values[from[j]] > values[from[i]] ? from[j++] : from[i++];
                }
                while (i < mid) {
                    to[o++] = from[i++];
                }
                while (j < hi) {
                    to[o++] = from[j++];
                }
            }
            int[] t = from;
            from = to;
            to = t;
        }
        if (from != indices) {
            System.arraycopy(from, 0, indices, 0, n);
        }
    }
}
