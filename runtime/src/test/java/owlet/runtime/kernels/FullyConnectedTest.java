package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.Activation;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;
import owlet.runtime.quant.QuantizedMultiplier;

class FullyConnectedTest {

    private static OperatorOptions.FullyConnected options(Activation a) {
        return new OperatorOptions.FullyConnected(a, 0, false);
    }

    /** One quantized fully connected op; data in original values. */
    record Case(TensorType type, int[] inShape, int depth, int units, int[] outShape, Activation activation,
                float inScale, int inZp, float[] filterScales, int filterZp, float outScale, int outZp, int[] input,
                int[] filter, int[] bias) {

        int batches() {
            return input.length / depth;
        }

        Quantization filterQuant() {
            return filterScales.length == 1 ? OpHarness.quant(filterScales[0], filterZp)
                    : OpHarness.perChannel(filterScales, 0);
        }

        String describe() {
            return type + " " + batches() + "x" + depth + " -> " + units + " " + activation + " inZp " + inZp
                    + " filterZp " + filterZp + " outZp " + outZp + " scales " + filterScales.length;
        }
    }

    private static int[] run(Case c) throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(c.type(), OpHarness.quant(c.inScale(), c.inZp()), c.inShape());
        int f = h.constant8(c.type(), c.filterQuant(), c.filter(), c.units(), c.depth());
        int b = c.bias() == null ? -1 : h.constantInts(c.bias(), c.units());
        int out = h.tensor(c.type(), OpHarness.quant(c.outScale(), c.outZp()), c.outShape());
        Kernel k = h.prepare(BuiltinOp.FULLY_CONNECTED, options(c.activation()), new int[] {in, f, b}, out);
        h.set8(in, c.input());
        h.run(k);
        return h.get8Ints(out);
    }

    /**
     * The textbook: {@code out[b][u] = clamp(M_u(Σ_d (in - inZp)(filter - filterZp) + bias) + outZp)}, with
     * TFLite's multiplier: the legacy float product for per-tensor weights, all double per channel.
     */
    static int[] textbook(Case c) {
        int[] range = TextbookOps.activationRange(c.type(), c.outScale(), c.outZp(), c.activation());
        int[] out = new int[c.batches() * c.units()];
        for (int b = 0; b < c.batches(); b++) {
            for (int u = 0; u < c.units(); u++) {
                long acc = 0;
                for (int d = 0; d < c.depth(); d++) {
                    acc += (long) (c.input()[b * c.depth() + d] - c.inZp())
                            * (c.filter()[u * c.depth() + d] - c.filterZp());
                }
                if (c.bias() != null) {
                    acc += c.bias()[u];
                }
                QuantizedMultiplier qm = c.filterScales().length == 1
                        ? TextbookOps.legacyMultiplier(c.inScale(), c.filterScales()[0], c.outScale())
                        : TextbookOps.channelMultiplier(c.inScale(), c.filterScales()[u], c.outScale());
                out[b * c.units() + u] = TextbookOps.requantize(acc, qm, c.outZp(), range[0], range[1]);
            }
        }
        return out;
    }

    // ---- hand-computed cases ----

    /**
     * uint8, input [2, 3] with zp 128, as (in - 128): [[1, 2, 3], [-1, 0, 4]]; filter [2, 3] with zp 10, as
     * (f - 10): [[1, 0, -1], [2, 1, 1]]; bias [5, -3]. Scales 0.5 · 0.5 / 0.25: multiplier exactly 1.
     * Accumulators: batch 0 = [1 - 3 + 5, 2 + 2 + 3 - 3] = [3, 4]; batch 1 = [-1 - 4 + 5, -2 + 4 - 3] = [0, -1].
     * Output zp 3: [6, 7, 3, 2].
     */
    private static Case handCase(int[] inShape, int[] outShape, Activation a) {
        return new Case(TensorType.UINT8, inShape, 3, 2, outShape, a, 0.5f, 128, new float[] {0.5f}, 10, 0.25f, 3,
                new int[] {129, 130, 131, 127, 128, 132}, new int[] {11, 10, 9, 12, 11, 11}, new int[] {5, -3});
    }

    @Test
    void uint8HandComputed() throws InvalidModelException {
        assertArrayEquals(new int[] {6, 7, 3, 2}, run(handCase(new int[] {2, 3}, new int[] {2, 2}, Activation.NONE)));
    }

    @Test
    void inputOfAnyShapeIsFlattenedToBatchesOfDepth() throws InvalidModelException {
        assertArrayEquals(new int[] {6, 7, 3, 2},
                run(handCase(new int[] {1, 1, 2, 3}, new int[] {2, 2}, Activation.NONE)));
        // keep_num_dims shape: [1, 2, 3] -> [1, 2, 2]
        assertArrayEquals(new int[] {6, 7, 3, 2},
                run(handCase(new int[] {1, 2, 3}, new int[] {1, 2, 2}, Activation.NONE)));
    }

    @Test
    void relu6Clamps() throws InvalidModelException {
        // Output scale 0.25, zp 3: RELU6 range [3, 3 + 24] = [3, 27]; 2 -> 3.
        assertArrayEquals(new int[] {6, 7, 3, 3}, run(handCase(new int[] {2, 3}, new int[] {2, 2}, Activation.RELU6)));
    }

    /**
     * int8 per-channel along dimension 0, input zp -5, output zp 7. Input (in + 5) = [1, -2, 3, 0]; filter rows
     * [1, 1, 1, 1], [-1, 0, 0, 0], [0, 5, 0, 0] give accumulators [2, -1, -10]; input scale 1, output scale 1,
     * filter scales [1, 0.5, 0.25] give multipliers [1, 0.5, 0.25] (0.25 = 2^30 with a right shift of 1).
     * -1 * 0.5 = -0.5 -> 0: the doubling high multiply's nudge {@code 1 - 2^30} sends negative ties toward
     * zero; -10 * 0.25: -5, then -5 / 2 = -2.5 -> -3: the power-of-two division rounds ties away from zero
     * (a ties-up output stage would give -2). Output [9, 7, 4].
     */
    @Test
    void int8PerChannelHandComputed() throws InvalidModelException {
        Case c = new Case(TensorType.INT8, new int[] {1, 4}, 4, 3, new int[] {1, 3}, Activation.NONE, 1f, -5,
                new float[] {1f, 0.5f, 0.25f}, 0, 1f, 7, new int[] {-4, -7, -2, -5},
                new int[] {1, 1, 1, 1, -1, 0, 0, 0, 0, 5, 0, 0}, null);
        assertArrayEquals(new int[] {9, 7, 4}, run(c));
        assertArrayEquals(textbook(c), run(c));
    }

    /** int8 per-tensor weights use the legacy multiplier, like uint8. */
    @Test
    void int8PerTensorUsesLegacyMultiplier() throws InvalidModelException {
        float inScale = 0.023528477f;
        float outScale = 0.2f;
        for (int k = 0; k < 1000; k++) {
            float filterScale = 0.004f + k * 1e-6f;
            QuantizedMultiplier legacy = TextbookOps.legacyMultiplier(inScale, filterScale, outScale);
            QuantizedMultiplier dbl = TextbookOps.channelMultiplier(inScale, filterScale, outScale);
            for (int x = 1; !legacy.equals(dbl) && TextbookOps.requantize(x, legacy, 0, -1000, 1000) < 100; x++) {
                int want = TextbookOps.requantize(x, legacy, 0, -128, 127);
                if (want != TextbookOps.requantize(x, dbl, 0, -128, 127)) {
                    Case c = new Case(TensorType.INT8, new int[] {1, 1}, 1, 1, new int[] {1, 1}, Activation.NONE,
                            inScale, 0, new float[] {filterScale}, 0, outScale, 0, new int[] {0}, new int[] {1},
                            new int[] {x});
                    assertEquals(want, run(c)[0], "accumulator " + x + " filter scale " + filterScale);
                    return;
                }
            }
        }
        throw new AssertionError("no accumulator separates the two multipliers");
    }

    /**
     * Float: input [[1, 2, 3], [4, 6, 8]], filter [[1, 0, -1], [0.5, 0.5, 0.5]] give [[-2, 3], [-4, 9]]; with
     * bias [1, -1] that is [[-1, 2], [-3, 8]], and RELU makes the negatives 0.
     */
    @Test
    void floatHandComputed() throws InvalidModelException {
        assertArrayEquals(new float[] {-2, 3, -4, 9}, runFloat(null, Activation.NONE));
        assertArrayEquals(new float[] {0, 2, 0, 8}, runFloat(new float[] {1, -1}, Activation.RELU));
    }

    private static float[] runFloat(float[] bias, Activation a) throws InvalidModelException {
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 3);
        int f = h.constantFloats(new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f}, 2, 3);
        int b = bias == null ? -1 : h.constantFloats(bias, 2);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 2, 2);
        Kernel k = h.prepare(BuiltinOp.FULLY_CONNECTED, options(a), new int[] {in, f, b}, out);
        h.setFloats(in, new float[] {1, 2, 3, 4, 6, 8});
        h.run(k);
        return h.getFloats(out);
    }

    // ---- textbook comparisons ----

    /**
     * Random cases. One in three is "narrow": values within 8 of their zero points and multipliers in
     * [0.05, 1), so outputs stay in range and the multiplier's small right shifts hit exact ties often.
     */
    @Test
    void randomCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(0xFC);
        for (int i = 0; i < 200; i++) {
            TensorType t = r.nextBoolean() ? TensorType.UINT8 : TensorType.INT8;
            boolean narrow = r.nextInt(3) == 0;
            int batches = 1 + r.nextInt(3);
            int depth = 1 + r.nextInt(narrow ? 8 : 40);
            int units = 1 + r.nextInt(12);
            boolean perChannel = t == TensorType.INT8 && r.nextBoolean();
            float inScale = TextbookOps.logUniform(r, 0.005, 0.2);
            float[] filterScales = new float[perChannel ? units : 1];
            for (int u = 0; u < filterScales.length; u++) {
                filterScales[u] = TextbookOps.logUniform(r, 0.001, 0.05);
            }
            double target = narrow ? TextbookOps.logUniform(r, 0.05, 1)
                    : r.nextInt(20) == 0 ? 1 + 3 * r.nextDouble()
                    : TextbookOps.logUniform(r, 0.0002, 0.05) / Math.sqrt(depth);
            float outScale = (float) (inScale * filterScales[0] / target);
            int[] bias = r.nextInt(5) == 0 ? null : new int[units];
            if (bias != null) {
                for (int u = 0; u < units; u++) {
                    bias[u] = narrow ? r.nextInt(101) - 50 : r.nextInt(40001) - 20000;
                }
            }
            int inZp = TextbookOps.randomZeroPoint(r, t);
            int filterZp = t == TensorType.UINT8 ? TextbookOps.randomZeroPoint(r, t) : 0;
            int[] input = narrow ? TextbookOps.randomValuesNear(r, t, batches * depth, inZp, 8)
                    : TextbookOps.randomValues(r, t, batches * depth);
            int[] filter = narrow ? TextbookOps.randomValuesNear(r, t, units * depth, filterZp, 8)
                    : TextbookOps.randomValues(r, t, units * depth);
            int[] inShape = r.nextBoolean() ? new int[] {batches, depth} : new int[] {batches, 1, 1, depth};
            Case c = new Case(t, inShape, depth, units, new int[] {batches, units},
                    TextbookOps.ACTIVATIONS[r.nextInt(4)], inScale, inZp, filterScales, filterZp, outScale,
                    TextbookOps.randomZeroPoint(r, t), input, filter, bias);
            int[] expected = textbook(c);
            int[] got = run(c);
            for (int j = 0; j < expected.length; j++) {
                if (expected[j] != got[j]) {
                    throw new AssertionError("random case " + i + " (" + c.describe() + "): output[" + j / units + ","
                            + j % units + "] = " + got[j] + ", textbook " + expected[j]);
                }
            }
        }
    }

    @Test
    void randomFloatCasesMatchTextbook() throws InvalidModelException {
        Random r = new Random(7);
        for (int i = 0; i < 50; i++) {
            int batches = 1 + r.nextInt(3);
            int depth = 1 + r.nextInt(30);
            int units = 1 + r.nextInt(8);
            Activation a = TextbookOps.ACTIVATIONS[r.nextInt(4)];
            float[] input = TextbookOps.randomFloats(r, batches * depth, 2f);
            float[] filter = TextbookOps.randomFloats(r, units * depth, 1f);
            float[] bias = TextbookOps.randomFloats(r, units, 1f);
            OpHarness h = new OpHarness();
            int in = h.tensor(TensorType.FLOAT32, Quantization.NONE, batches, depth);
            int f = h.constantFloats(filter, units, depth);
            int b = h.constantFloats(bias, units);
            int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, batches, units);
            Kernel k = h.prepare(BuiltinOp.FULLY_CONNECTED, options(a), new int[] {in, f, b}, out);
            h.setFloats(in, input);
            h.run(k);
            float[] range = TextbookOps.activationRangeFloat(a);
            float[] expected = new float[batches * units];
            for (int bi = 0; bi < batches; bi++) {
                for (int u = 0; u < units; u++) {
                    float acc = 0f;
                    for (int d = 0; d < depth; d++) {
                        acc += input[bi * depth + d] * filter[u * depth + d];
                    }
                    expected[bi * units + u] = TextbookOps.clampFloat(acc + bias[u], range[0], range[1]);
                }
            }
            assertArrayEquals(expected, h.getFloats(out), "float case " + i);
        }
    }

    // ---- prepare-time errors ----

    private static InvalidModelException prepareFails(TensorType type, int[] inShape, int units, int depth,
                                                      Quantization filterQuant, int[] outShape, int[] bias,
                                                      int weightsFormat) {
        OpHarness h = new OpHarness();
        int in = h.tensor(type, OpHarness.quant(0.5f, 0), inShape);
        int f = h.constant8(type, filterQuant, new int[units * depth], units, depth);
        int b = bias == null ? -1 : h.constantInts(bias, bias.length);
        int out = h.tensor(type, OpHarness.quant(0.5f, 0), outShape);
        return assertThrows(InvalidModelException.class, () -> h.prepare(BuiltinOp.FULLY_CONNECTED,
                new OperatorOptions.FullyConnected(Activation.NONE, weightsFormat, false), new int[] {in, f, b}, out));
    }

    @Test
    void rejectsInputNotAMultipleOfDepth() {
        InvalidModelException e = prepareFails(TensorType.UINT8, new int[] {1, 7}, 2, 3, OpHarness.quant(0.1f, 0),
                new int[] {2, 2}, null, 0);
        assertTrue(e.getMessage().startsWith("op #0 FULLY_CONNECTED: input "), e.getMessage());
        assertTrue(e.getMessage().endsWith("has 7 elements, not a multiple of the filter's depth 3"), e.getMessage());
    }

    @Test
    void rejectsWrongOutputSize() {
        InvalidModelException e = prepareFails(TensorType.UINT8, new int[] {2, 3}, 2, 3, OpHarness.quant(0.1f, 0),
                new int[] {1, 2}, null, 0);
        assertTrue(e.getMessage().startsWith("op #0 FULLY_CONNECTED: output "), e.getMessage());
        assertTrue(e.getMessage().endsWith("does not hold 2 batches of 2 units"), e.getMessage());
    }

    @Test
    void rejectsPerChannelScaleCountMismatch() {
        InvalidModelException e = prepareFails(TensorType.INT8, new int[] {1, 3}, 4, 3,
                OpHarness.perChannel(new float[] {0.1f, 0.1f}, 0), new int[] {1, 4}, null, 0);
        assertEquals("op #0 FULLY_CONNECTED: filter has 2 scales along dimension 0, expected 4 along dimension 0",
                e.getMessage());
    }

    @Test
    void rejectsPerChannelUint8() {
        InvalidModelException e = prepareFails(TensorType.UINT8, new int[] {1, 3}, 2, 3,
                OpHarness.perChannel(new float[] {0.1f, 0.1f}, 0), new int[] {1, 2}, null, 0);
        assertTrue(e.getMessage().startsWith("op #0 FULLY_CONNECTED: uint8 filter "), e.getMessage());
        assertTrue(e.getMessage().contains("must be quantized per tensor"), e.getMessage());
    }

    @Test
    void rejectsBiasOfWrongLength() {
        InvalidModelException e = prepareFails(TensorType.UINT8, new int[] {1, 3}, 2, 3, OpHarness.quant(0.1f, 0),
                new int[] {1, 2}, new int[] {1, 2, 3}, 0);
        assertTrue(e.getMessage().startsWith("op #0 FULLY_CONNECTED: bias "), e.getMessage());
        assertTrue(e.getMessage().endsWith("has 3 elements, expected 2"), e.getMessage());
    }

    @Test
    void rejectsShuffledWeights() {
        InvalidModelException e = prepareFails(TensorType.UINT8, new int[] {1, 3}, 2, 3, OpHarness.quant(0.1f, 0),
                new int[] {1, 2}, null, 1);
        assertEquals("op #0 FULLY_CONNECTED: weights_format 1 (shuffled weights) is not supported", e.getMessage());
    }

    @Test
    void rejectsInt8FilterZeroPoint() {
        InvalidModelException e = prepareFails(TensorType.INT8, new int[] {1, 3}, 2, 3, OpHarness.quant(0.1f, 4),
                new int[] {1, 2}, null, 0);
        assertTrue(e.getMessage().startsWith("op #0 FULLY_CONNECTED: int8 filter "), e.getMessage());
    }
}
