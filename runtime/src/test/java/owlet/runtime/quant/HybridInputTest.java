package owlet.runtime.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.ArenaFloats;

/**
 * The on-the-fly input quantization of hybrid operators against values worked out by hand from the
 * textbook definitions: symmetric {@code q = round(x * 127 / max|x|)}, asymmetric
 * {@code scale = (max(0, max) - min(0, min)) / 255}, {@code q = zp + round(x / scale)}, both rounding half
 * away from zero.
 */
class HybridInputTest {

    /** The floats at offset 8 of an arena (so a wrong base offset would read other bytes). */
    private static byte[] arena(float... v) {
        byte[] a = new byte[8 + 4 * v.length];
        java.util.Arrays.fill(a, (byte) 0x7F);
        for (int i = 0; i < v.length; i++) {
            ArenaFloats.setFloat(a, 8 + 4 * i, v[i]);
        }
        return a;
    }

    private static byte[] symmetric(float[] scale, float... v) {
        byte[] q = new byte[v.length + 2];
        q[0] = 55;
        q[q.length - 1] = 55;
        HybridInput.symmetric(arena(v), 8, v.length, q, 1, scale, 0);
        assertEquals(55, q[0], "byte before the row");
        assertEquals(55, q[q.length - 1], "byte after the row");
        return java.util.Arrays.copyOfRange(q, 1, q.length - 1);
    }

    private static byte[] asymmetric(float[] scale, int[] zp, float... v) {
        byte[] q = new byte[v.length];
        java.util.Arrays.fill(q, (byte) 55);
        HybridInput.asymmetric(arena(v), 8, v.length, q, 0, scale, zp, 0);
        return q;
    }

    @Test
    void zeroInputQuantizesToZerosWithScaleOne() {
        float[] s = {-1};
        int[] z = {-1};
        assertArrayEquals(new byte[4], symmetric(s, 0f, 0f, -0f, 0f));
        assertEquals(1f, s[0]);
        assertArrayEquals(new byte[3], asymmetric(s, z, 0f, -0f, 0f));
        assertEquals(1f, s[0]);
        assertEquals(0, z[0]);
    }

    @Test
    void largestMagnitudeMapsTo127() {
        float[] s = new float[1];
        // max |x| = 2.54: scale 0.02, 1.27 / 0.02 = 63.5 -> 64 (half away from zero).
        assertArrayEquals(new byte[] {127, 64, 0, -127}, symmetric(s, 2.54f, 1.27f, 0f, -2.54f));
        assertEquals(2.54f / 127f, s[0]);
        // A single positive value alone is 127 whatever its size.
        assertArrayEquals(new byte[] {127}, symmetric(s, 1e-30f));
        assertArrayEquals(new byte[] {127}, symmetric(s, 3e30f));
    }

    @Test
    void allNegativeInput() {
        float[] s = new float[1];
        int[] z = new int[1];
        // Symmetric: the most negative value is -127.
        assertArrayEquals(new byte[] {-127, -64, -1}, symmetric(s, -2.54f, -1.27f, -0.01f));
        // Asymmetric: the range is [min, 0], so 0 is the top of the scale: zero point 127, min at -128.
        // scale = 2.55 / 255 = 0.01; -1.27 -> 127 - 127 = 0; -0.004 -> 126.6 -> 127; -0.006 -> 126.4 -> 126.
        assertArrayEquals(new byte[] {-128, 0, 127, 126}, asymmetric(s, z, -2.55f, -1.27f, -0.004f, -0.006f));
        assertEquals(127, z[0]);
        assertEquals((float) (2.55f / 255.0), s[0]);
    }

    @Test
    void allPositiveInputPutsZeroAtMinus128() {
        float[] s = new float[1];
        int[] z = new int[1];
        // Range [0, 2.55]: scale 0.01, zero point -128; 1.0 -> -128 + 100 = -28.
        assertArrayEquals(new byte[] {-128, -28, 127}, asymmetric(s, z, 0f, 1f, 2.55f));
        assertEquals(-128, z[0]);
    }

    @Test
    void roundsHalfAwayFromZero() {
        float[] s = new float[1];
        // max |x| = 127: the multiplier is exactly 1, so x.5 is a tie: 2.5 -> 3 and -2.5 -> -3
        // (Math.round would give -2), 0.5 -> 1, -0.5 -> -1, 0.49 -> 0.
        assertArrayEquals(new byte[] {127, 3, -3, 1, -1, 0}, symmetric(s, 127f, 2.5f, -2.5f, 0.5f, -0.5f, 0.49f));
        assertEquals(1f, s[0]);
        // Asymmetric, range [-127.5, 127.5]: scale exactly 1, zero point from either end -0.5, which rounds
        // away from zero to -1; then x = 2.5 -> -1 + 2.5 = 1.5 -> 2, x = -2.5 -> -3.5 -> -4.
        int[] z = new int[1];
        assertArrayEquals(new byte[] {-128, 127, 2, -4}, asymmetric(s, z, -127.5f, 127.5f, 2.5f, -2.5f));
        assertEquals(1f, s[0]);
        assertEquals(-1, z[0]);
    }

    @Test
    void asymmetricZeroPointComesFromTheEndWithTheSmallerError() {
        float[] s = new float[1];
        int[] z = new int[1];
        // Range [-1, 3]: scale 4/255; from min: -128 + 63.75 = -64.25 (error 128 + 63.75), from max:
        // 127 - 191.25 = -64.25 (error 127 + 191.25): the min end wins, -64.25 rounds to -64.
        asymmetric(s, z, -1f, 3f);
        assertEquals(-64, z[0]);
        assertEquals((float) (4.0 / 255.0), s[0]);
    }
}
