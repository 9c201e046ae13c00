package owlet.runtime.kernels;

import owlet.runtime.kernels.support.Kernel;

/**
 * The data movement of PACK, UNPACK, SPLIT and SPLIT_V: for each outer index {@code k} and each part
 * {@code j}, {@code bytes[j]} bytes from {@code from[j] + k·fromStep[j]} to {@code to[j] + k·toStep[j]}.
 * Offsets are arena byte offsets.
 */
record SlabCopy(int outer, int[] from, int[] fromStep, int[] to, int[] toStep, int[] bytes) implements Kernel {
    @Override
    public void eval(byte[] arena) {
        for (int k = 0; k < outer; k++) {
            for (int j = 0; j < bytes.length; j++) {
                System.arraycopy(arena, from[j] + k * fromStep[j], arena, to[j] + k * toStep[j], bytes[j]);
            }
        }
    }
}
