package owlet.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.ChannelRequant;
import owlet.runtime.kernels.VectorSupport;

/** The int-lane output stage against the scalar one, on random and extreme accumulators and multipliers. */
class VectorRequantTest {

    @BeforeAll
    static void vectorApiPresent() {
        assumeTrue(VectorSupport.ENABLED, "Vector API kernels are off: " + VectorSupport.describe());
    }

    @Test
    void sameBytesAsTheScalarOutputStage() {
        Random r = new Random(11);
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
            shift[c] = c % 11 == 0 ? r.nextInt(8) : -r.nextInt(32);
        }
        int[] edges = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 16, -(1 << 16), 0xFFFF, -0xFFFF, 1 << 30};
        int[] acc = new int[l];
        int[] scratch = new int[l];
        byte[] out = new byte[l];
        for (int zp : new int[] {0, -128, 37}) {
            for (int[] range : new int[][] {{-128, 127}, {zp, 127}, {-100, 50}}) {
                ChannelRequant rq = ChannelRequant.of(bias, multiplier, shift, zp, range[0], range[1]);
                for (boolean tiesUp : new boolean[] {false, true}) {
                    VectorRequant v = new VectorRequant(rq, tiesUp);
                    for (int round = 0; round < 3000; round++) {
                        for (int c0 = 0; c0 < channels; c0 += l) {
                            int n = Math.min(l, channels - c0);
                            for (int k = 0; k < l; k++) {
                                acc[k] = round < 30 ? edges[(round + k) % edges.length]
                                        : round % 2 == 0 ? r.nextInt() : r.nextInt(1 << 18) - (1 << 17);
                            }
                            System.arraycopy(acc, 0, scratch, 0, l);
                            v.store(scratch, 0, c0, out, 0, n);
                            for (int k = 0; k < n; k++) {
                                assertEquals(rq.requantize(acc[k], c0 + k, tiesUp), out[k], "acc " + acc[k]
                                        + " multiplier " + multiplier[c0 + k] + " shift " + shift[c0 + k]
                                        + " tiesUp " + tiesUp);
                            }
                        }
                    }
                }
            }
        }
    }
}
