package owlet.runtime.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The precomputed, branch-free output stage against FixedPoint's reference functions. */
class ChannelRequantTest {

    @Test
    void matchesFixedPointOnRandomAndEdgeValues() {
        Random r = new Random(7);
        int channels = 64;
        int[] bias = new int[channels];
        int[] multiplier = new int[channels];
        int[] shift = new int[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = r.nextInt(2_000_001) - 1_000_000;
            multiplier[c] = c == 0 ? 0 : c == 1 ? Integer.MAX_VALUE : (1 << 30) + r.nextInt(1 << 30);
            shift[c] = c < 8 ? -31 + c : c < 16 ? 31 - c : -r.nextInt(20);
        }
        ChannelRequant[] stages = new ChannelRequant[Rounding.values().length];
        for (Rounding rounding : Rounding.values()) {
            stages[rounding.ordinal()] = ChannelRequant.of(bias, multiplier, shift, 3, -128, 127, rounding);
        }
        int[] edges = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20, -(1 << 20), 12345, -12345};
        for (int i = 0; i < 200_000; i++) {
            int acc = i < edges.length * channels ? edges[i % edges.length]
                    : i % 3 == 0 ? r.nextInt() : r.nextInt(1 << 20) - (1 << 19);
            int c = (i / edges.length) % channels;
            for (ChannelRequant rq : stages) {
                assertEquals(rq.requantizeReference(acc, c), rq.requantize(acc, c),
                        "acc " + acc + " channel " + c + " multiplier " + multiplier[c] + " shift " + shift[c]
                                + " " + rq.rounding());
            }
        }
    }

    @Test
    void exhaustsTiesAroundEveryShift() {
        int[] shift = new int[32];
        int[] multiplier = new int[32];
        for (int s = 0; s < 32; s++) {
            shift[s] = -s;
            multiplier[s] = 1 << 30; // the high multiply halves x exactly
        }
        ChannelRequant[] stages = new ChannelRequant[Rounding.values().length];
        for (Rounding rounding : Rounding.values()) {
            stages[rounding.ordinal()] = ChannelRequant.of(new int[32], multiplier, shift, 0, Integer.MIN_VALUE,
                    Integer.MAX_VALUE, rounding);
        }
        for (int s = 0; s < 32; s++) {
            for (int k = -70; k <= 70; k++) {
                int acc = k << Math.min(s, 20);
                for (ChannelRequant rq : stages) {
                    assertEquals(rq.requantizeReference(acc, s), rq.requantize(acc, s),
                            "acc " + acc + " shift -" + s + " " + rq.rounding());
                }
            }
        }
    }
}
