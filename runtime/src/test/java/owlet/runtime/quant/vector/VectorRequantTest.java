package owlet.runtime.quant.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.VectorSupport;
import owlet.runtime.quant.ChannelRequant;
import owlet.runtime.quant.Rounding;

/** The int-lane output stage against the scalar one, on random and extreme accumulators and multipliers. */
class VectorRequantTest {

    @BeforeAll
    static void vectorApiPresent() {
        assumeTrue(VectorSupport.ENABLED, "Vector API kernels are off: " + VectorSupport.describe());
    }

    @Test
    void sameBytesAsTheScalarOutputStage() {
        sameBytes(true, 1);
    }

    /** Multipliers below 1 only (the layers of the shared models), several vectors per call. */
    @Test
    void columnsWithoutLeftShifts() {
        sameBytes(false, 3);
    }

    /**
     * The shorter form for bounded accumulators ({@code |acc + bias| <= 2^29 - 1}, no left shift, right
     * shifts of 1 to 31): every edge of the bound, and random values within it, against the scalar stage.
     */
    @Test
    void boundedAccumulatorsTakeTheShorterFormWithTheSameBytes() {
        Random r = new Random(13);
        int l = VectorRequant.lanes();
        int channels = 5 * l + 3;
        int bound = (int) VectorRequant.BOUNDED_LIMIT;
        int[] bias = new int[channels];
        int[] multiplier = new int[channels];
        int[] shift = new int[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = c % 7 == 0 ? 0 : r.nextInt(1 << 28) - (1 << 27);
            multiplier[c] = switch (c % 5) {
                case 0 -> 0;
                case 1 -> Integer.MAX_VALUE;
                case 2 -> 1 << 30;
                default -> (1 << 30) + r.nextInt(1 << 30);
            };
            shift[c] = c % 6 == 0 ? -1 : c % 6 == 1 ? -31 : -1 - r.nextInt(31);
        }
        int[] edges = {0, 1, -1, bound, -bound, bound - 1, -bound + 1, 1 << 16, -(1 << 16), 0xFFFF, -0xFFFF,
            (1 << 16) + 1, -(1 << 16) - 1, 1 << 28, -(1 << 28)};
        int[] acc = new int[l];
        byte[] out = new byte[l];
        for (int zp : new int[] {0, -128, 37}) {
            for (int[] range : new int[][] {{-128, 127}, {zp, 127}, {-100, 50}}) {
                for (Rounding rounding : Rounding.values()) {
                    ChannelRequant rq = ChannelRequant.of(bias, multiplier, shift, zp, range[0], range[1], rounding);
                    VectorRequant v = new VectorRequant(rq, bound);
                    assertTrue(v.bounded(), "the shorter form is taken");
                    for (int round = 0; round < 3000; round++) {
                        for (int c0 = 0; c0 < channels; c0 += l) {
                            int count = Math.min(l, channels - c0);
                            for (int k = 0; k < l; k++) {
                                int x = round < 40 ? edges[(round + k) % edges.length]
                                        : round % 3 == 0 ? r.nextInt(2 * bound + 1) - bound
                                        : r.nextInt(1 << 20) - (1 << 19);
                                acc[k] = x - bias[(c0 + k) % channels];
                            }
                            int[] scratch = acc.clone();
                            v.store(scratch, 0, c0, out, 0, count);
                            for (int k = 0; k < count; k++) {
                                assertEquals(rq.requantize(acc[k], c0 + k), out[k], "x " + (acc[k] + bias[c0 + k])
                                        + " multiplier " + multiplier[c0 + k] + " shift " + shift[c0 + k] + " "
                                        + rounding);
                            }
                        }
                    }
                }
            }
        }
        shift[3] = 1;
        assertFalse(new VectorRequant(ChannelRequant.of(bias, multiplier, shift, 0, -128, 127,
                Rounding.TIES_AWAY_FROM_ZERO), bound).bounded(), "a left shift takes the general form");
        shift[3] = 0;
        assertFalse(new VectorRequant(ChannelRequant.of(bias, multiplier, shift, 0, -128, 127,
                Rounding.TIES_AWAY_FROM_ZERO), bound).bounded(), "no right shift takes the general form");
        shift[3] = -2;
        assertFalse(new VectorRequant(ChannelRequant.of(bias, multiplier, shift, 0, -128, 127,
                Rounding.TIES_AWAY_FROM_ZERO), bound + 1L).bounded(), "a larger bound takes the general form");
    }

    /**
     * Requantizes {@code n} vectors per call, their outputs {@code 2·L} bytes apart, against
     * {@link ChannelRequant#requantize}; {@code leftShifts} lets some channels have multipliers above 1.
     */
    private static void sameBytes(boolean leftShifts, int n) {
        Random r = new Random(leftShifts ? 11 : 12);
        int l = VectorRequant.lanes();
        int channels = 5 * l + 3;
        int[] bias = new int[channels];
        int[] multiplier = new int[channels];
        int[] shift = new int[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = c % 7 == 0 ? 0 : r.nextInt();
            multiplier[c] = switch (c % 5) {
                case 0 -> 0;
                case 1 -> Integer.MAX_VALUE;
                case 2 -> 1 << 30;
                default -> (1 << 30) + r.nextInt(1 << 30);
            };
            shift[c] = leftShifts && c % 11 == 0 ? 1 + r.nextInt(7) : -r.nextInt(32);
        }
        int[] edges = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 16, -(1 << 16), 0xFFFF, -0xFFFF, 1 << 30};
        int[] acc = new int[n * l];
        int[] scratch = new int[n * l];
        byte[] out = new byte[2 * n * l];
        for (int zp : new int[] {0, -128, 37}) {
            for (int[] range : new int[][] {{-128, 127}, {zp, 127}, {-100, 50}}) {
                for (Rounding rounding : Rounding.values()) {
                    ChannelRequant rq = ChannelRequant.of(bias, multiplier, shift, zp, range[0], range[1], rounding);
                    VectorRequant v = new VectorRequant(rq);
                    for (int round = 0; round < 3000 / n; round++) {
                        for (int c0 = 0; c0 < channels; c0 += l) {
                            int count = Math.min(l, channels - c0);
                            for (int k = 0; k < n * l; k++) {
                                acc[k] = round < 30 ? edges[(round + k) % edges.length]
                                        : round % 2 == 0 ? r.nextInt() : r.nextInt(1 << 18) - (1 << 17);
                            }
                            System.arraycopy(acc, 0, scratch, 0, n * l);
                            v.store(scratch, 0, n, c0, out, 0, 2 * l, count);
                            for (int i = 0; i < n; i++) {
                                for (int k = 0; k < count; k++) {
                                    int a = acc[i * l + k];
                                    assertEquals(rq.requantize(a, c0 + k), out[i * 2 * l + k], "acc " + a
                                            + " multiplier " + multiplier[c0 + k] + " shift " + shift[c0 + k]
                                            + " " + rounding);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
