package owlet.runtime.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FixedPointTest {

    @Test
    void highMulRoundsHalfUpAndSaturates() {
        int half = 1 << 30; // 0.5 in Q31
        assertEquals(3, FixedPoint.saturatingRoundingDoublingHighMul(5, half)); // 2.5 -> 3
        assertEquals(-2, FixedPoint.saturatingRoundingDoublingHighMul(-5, half)); // -2.5 -> -2
        assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-3, half)); // -1.5 -> -1
        assertEquals(Integer.MAX_VALUE, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
    }

    @Test
    void divideByPowerOfTwoRoundsHalfAwayFromZero() {
        assertEquals(3, FixedPoint.roundingDivideByPOT(5, 1));
        assertEquals(-3, FixedPoint.roundingDivideByPOT(-5, 1));
        assertEquals(-2, FixedPoint.roundingDivideByPOT(-7, 2)); // -1.75
        assertEquals(-2, FixedPoint.roundingDivideByPOT(-6, 2)); // -1.5
        assertEquals(7, FixedPoint.roundingDivideByPOT(7, 0));
    }

    @Test
    void theTwoRulesDifferOnlyOnNegativeTiesOfTheSecondStep() {
        int half = 1 << 30;
        // x*0.5*2^-2 = -10 * 0.125 = -1.25: no tie, both -1
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(-10, half, -2));
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplierTiesUp(-10, half, -2));
        // -12 * 0.5 / 4 = -1.5: reference -2 (away), builtin conv -1 (up)
        assertEquals(-2, FixedPoint.multiplyByQuantizedMultiplier(-12, half, -2));
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplierTiesUp(-12, half, -2));
        // positive ties agree
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplier(12, half, -2));
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplierTiesUp(12, half, -2));
        // left shift
        assertEquals(40, FixedPoint.multiplyByQuantizedMultiplier(10, half, 3));
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            int x = r.nextInt(1 << 24) - (1 << 23);
            int m = (1 << 30) + r.nextInt(1 << 30);
            int s = -r.nextInt(12);
            int a = FixedPoint.multiplyByQuantizedMultiplier(x, m, s);
            int b = FixedPoint.multiplyByQuantizedMultiplierTiesUp(x, m, s);
            long exact2 = Math.round((double) x * m / (1L << 31) * Math.pow(2, s) * 2); // twice the value
            assertTrue(Math.abs(a - b) <= 1, "x=" + x);
            if (a != b) {
                assertEquals(a + 1, b, "ties-up is the larger one");
            }
            assertTrue(Math.abs(2 * a - exact2) <= 2, "x=" + x + " m=" + m + " s=" + s);
        }
    }

    @Test
    void quantizeMultiplierMatchesFrexpRounding() {
        assertEquals(new QuantizedMultiplier(1 << 30, 0), QuantizedMultiplier.of(0.5));
        assertEquals(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.of(1.0));
        assertEquals(new QuantizedMultiplier(1 << 30, -1), QuantizedMultiplier.of(0.25));
        assertEquals(new QuantizedMultiplier(0x60000000, 0), QuantizedMultiplier.of(0.75));
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(0.0));
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(1e-12)); // shift below -31 flushes
        // mantissa rounding up to 2^31 is renormalised: (1 - 2^-40) -> 2^30 with shift 1
        assertEquals(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.of(1 - Math.pow(2, -40)));
    }
}
