package owlet.quantization.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import owlet.quantization.zoo.MobileNetV1;
import owlet.quantization.zoo.MobileNetV2;
import owlet.quantization.zoo.MobileNetV3;
import owlet.quantization.zoo.NetConfig;

/**
 * The cost model against the figures printed in the MobileNet papers, to the papers' rounding: 1000
 * classes, mult-adds of conv/depthwise/FC layers, parameters = weights without biases.
 */
class PaperFiguresTest {

    private static CostReport v1(double alpha, int resolution) {
        return CostReport.of(MobileNetV1.build(NetConfig.of(alpha, resolution)));
    }

    private static long millions(long n) {
        return Math.round(n / 1e6);
    }

    private static double tenthsOfMillions(long n) {
        return Math.round(n / 1e5) / 10.0;
    }

    /** MobileNet paper, Table 6: width multiplier at 224. */
    @ParameterizedTest
    @CsvSource({"1.0, 569, 4.2", "0.75, 325, 2.6", "0.5, 149, 1.3", "0.25, 41, 0.5"})
    void widthMultiplier(double alpha, long multAdds, double params) {
        CostReport r = v1(alpha, 224);
        assertEquals(multAdds, millions(r.multAdds()));
        assertEquals(params, tenthsOfMillions(r.weights()));
    }

    /** MobileNet paper, Table 7: resolution at α = 1 (160 below). */
    @ParameterizedTest
    @CsvSource({"224, 569", "192, 418", "128, 186"})
    void resolutionMultiplier(int resolution, long multAdds) {
        CostReport r = v1(1.0, resolution);
        assertEquals(multAdds, millions(r.multAdds()));
        assertEquals(4.2, tenthsOfMillions(r.weights()));
    }

    /** The paper prints 290 M for 1.0-160: the count truncates to it, but rounds to 291 (noted by zoo). */
    @Test
    void resolution160IsTruncatedInThePaper() {
        CostReport r = v1(1.0, 160);
        assertEquals(290_675_200, r.multAdds());
        assertEquals(290, r.multAdds() / 1_000_000);
        assertEquals(291, millions(r.multAdds()));
    }

    /** Table 4: Conv MobileNet 4866 M mult-adds (±1 M), 29.3 M parameters. */
    @Test
    void convMobileNet() {
        CostReport r = CostReport.of(MobileNetV1.buildConv(NetConfig.of(1.0, 224)));
        assertEquals(4867, millions(r.multAdds()));
        assertTrue(Math.abs(millions(r.multAdds()) - 4866) <= 1);
        // Without the fully connected layer the count rounds to the printed figure exactly.
        assertEquals(4866, millions(r.multAdds() - r.byType().get("Fully connected").multAdds()));
        assertEquals(29.3, tenthsOfMillions(r.weights()));
        assertEquals(List.of("Conv 3x3", "Fully connected"), List.copyOf(r.byType().keySet()));
    }

    /** Table 2, 1.0 MobileNet-224, to two decimals; Conv 3x3 is 1.91 %, not the printed 1.19 %. */
    @Test
    void perLayerTypeShares() {
        CostReport r = v1(1.0, 224);
        assertShare(94.86, r.multAddShare("Conv 1x1"));
        assertShare(74.59, r.weightShare("Conv 1x1"));
        assertShare(3.06, r.multAddShare("Conv dw 3x3"));
        assertShare(1.06, r.weightShare("Conv dw 3x3"));
        assertShare(1.91, r.multAddShare("Conv 3x3"));
        assertShare(0.02, r.weightShare("Conv 3x3"));
        assertShare(0.18, r.multAddShare("Fully connected"));
        assertShare(24.33, r.weightShare("Fully connected"));
        double sumM = 0;
        double sumW = 0;
        for (String t : CostReport.PAPER_TYPES) {
            sumM += r.multAddShare(t);
            sumW += r.weightShare(t);
        }
        assertEquals(100.0, sumM, 1e-9);
        assertEquals(100.0, sumW, 1e-9);
        // With the printed 1.19 the column cannot sum to 100 %.
        assertEquals(99.29, 94.86 + 3.06 + 1.19 + 0.18, 1e-9);
        assertEquals(List.of(13, 13, 1, 1), r.byType().values().stream().map(CostReport.TypeTotal::layers).toList());
    }

    private static void assertShare(double printed, double share) {
        assertEquals(printed, Math.round(share * 100) / 100.0, 1e-9, () -> "share " + share);
    }

    /** Eq. 5: depthwise + pointwise costs exactly 1/N + 1/D_K² of the full convolution, for every layer. */
    @Test
    void separableRatio() {
        List<CostReport.Layer> sep = v1(1.0, 224).layers();
        List<CostReport.Layer> full = CostReport.of(MobileNetV1.buildConv(NetConfig.of(1.0, 224))).layers();
        assertEquals(28, sep.size()); // 1 conv + 13 x (dw + pw) + FC: the paper's 28 layers with the FC
        assertEquals(15, full.size());
        for (int i = 1; i <= 13; i++) {
            CostReport.Layer dw = sep.get(2 * i - 1);
            CostReport.Layer pw = sep.get(2 * i);
            CostReport.Layer conv = full.get(i);
            assertEquals("Conv dw 3x3", dw.type());
            assertEquals("Conv 1x1", pw.type());
            assertEquals("Conv 3x3", conv.type());
            long n = pw.outChannels();
            long separable = dw.multAdds() + pw.multAdds();
            // separable / full == 1/N + 1/9  <=>  9 N separable == (9 + N) full, in exact integers.
            assertEquals((9 + n) * conv.multAdds(), 9 * n * separable, "layer " + i);
        }
    }

    /** MobileNetV2 paper, Table 4 (300 M, 3.4 M), which truncates: 300.77 M and 3.47 M. */
    @Test
    void mobileNetV2() {
        CostReport r = CostReport.of(MobileNetV2.build(NetConfig.of(1.0, 224)));
        assertEquals(300, r.multAdds() / 1_000_000);
        assertEquals(34, r.weights() / 100_000);
    }

    /** MobileNetV3 paper, Table 3: small 56 M / 2.5 M; large 219 M / 5.4 M (ours 1.1 % fewer mult-adds). */
    @Test
    void mobileNetV3() {
        CostReport small = CostReport.of(MobileNetV3.build(MobileNetV3.Size.SMALL, NetConfig.of(1.0, 224)));
        assertEquals(56, small.multAdds() / 1_000_000);
        assertEquals(2.5, tenthsOfMillions(small.weights()));
        CostReport large = CostReport.of(MobileNetV3.build(MobileNetV3.Size.LARGE, NetConfig.of(1.0, 224)));
        assertEquals(54, large.weights() / 100_000);
        assertEquals(219e6, large.multAdds(), 0.02 * 219e6);
    }
}
