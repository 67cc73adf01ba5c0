package dev.inlierq.mixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Method;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.sensitivity.SensitivityAnalysis;
import dev.inlierq.sensitivity.WeightRounding;
import dev.inlierq.sensitivity.WeightScoring;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.OutlierChain;
import dev.inlierq.testing.RandomData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alone and marginal ({@link WeightScoring}) scoring on a tiny model built so that the two rank its layers in
 * opposite orders, for a reason known in advance: two 3x3 convolutions read the same input with weights {@code W}
 * and {@code -W} and are summed, so they cancel in float; rounded to nearest on per-channel symmetric grids
 * {@code q(-W) = -q(W)}, so they cancel when both are quantized too. A third convolution on the same input, with
 * the same shape and weights a third as large, is added to them. Alone, each of {@code pos} and {@code neg} puts
 * its whole rounding error on the output (three times that of {@code small}); in the quantized model restoring one
 * of them to float uncovers the other's error, a loss, while restoring {@code small} removes the only weight error
 * of the three. A budget of one layer thus goes to {@code pos} or {@code neg} with alone scoring (a promotion that
 * makes the quantized model worse) and to {@code small} with marginal scoring.
 */
class MarginalScoringTest {
    private static final int C = 16;

    @TempDir
    static Path tmp;
    static QuantizationConfig config;

    @BeforeAll
    static void model() throws Exception {
        Path spec = OutlierChain.specFile(tmp);
        config = QuantizationConfig.builder(cancelling(tmp), DetectorSpecs.load(spec), OutlierChain.images(tmp, 6))
                .method(Method.MINMAX).weightBits(4).activationBits(8).equalize(false).calibImages(6).batch(3)
                .build();
    }

    /**
     * images -> first (4x4, stride 4) -> Relu -> pos (W), neg (-W), small (W / 3 in size), each 3x3 -> sum -> Relu
     * -> last (2x2, stride 2) -> out [N, 64, 8].
     */
    static Path cancelling(Path dir) {
        Random r = new Random(11);
        float[] w = RandomData.gaussian(r, C * C * 9, 1.0 / Math.sqrt(C * 9));
        float[] minus = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            minus[i] = -w[i];
        }
        long[] shape = {C, C, 3, 3};
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("images", -1, 3, 64, 64)
                .initializer("first_w", new long[] {C, 3, 4, 4}, RandomData.gaussian(r, C * 48, 0.2))
                .initializer("first_b", new long[] {C}, RandomData.gaussian(r, C, 0.1))
                .initializer("pos_w", shape, w)
                .initializer("neg_w", shape, minus)
                .initializer("small_w", shape, RandomData.gaussian(r, C * C * 9, 1.0 / 3 / Math.sqrt(C * 9)))
                .initializer("small_b", new long[] {C}, RandomData.gaussian(r, C, 0.1))
                .initializer("last_w", new long[] {8, C, 2, 2}, RandomData.gaussian(r, 8 * C * 4, 0.3))
                .initializer("last_b", new long[] {8}, new float[] {0, 0, 0, 0, 0, -1, -1, -1})
                .node("Conv", "images", "first_w", "first_b").name("first").out("f").ints("strides", 4, 4).end()
                .node("Relu", "f").out("fr").end()
                .node("Conv", "fr", "pos_w").name("pos").out("p").ints("pads", 1, 1, 1, 1).end()
                .node("Conv", "fr", "neg_w").name("neg").out("n").ints("pads", 1, 1, 1, 1).end()
                .node("Conv", "fr", "small_w", "small_b").name("small").out("s").ints("pads", 1, 1, 1, 1).end()
                .node("Add", "p", "n").out("pn").end()
                .node("Add", "pn", "s").out("sum").end()
                .node("Relu", "sum").out("sr").end()
                .node("Conv", "sr", "last_w", "last_b").name("last").out("l").ints("strides", 2, 2).end()
                .node("Transpose", "l").out("t").ints("perm", 0, 2, 3, 1).end()
                .int64s("shape", 0, -1, 8)
                .node("Reshape", "t", "shape").out("out").end()
                .output("out");
        return m.write(dir);
    }

    private static MixedPrecision.Assignment assign(WeightScoring scoring) {
        MixedPrecision.Assignment a = MixedPrecision.analyse(config, 0.34, scoring, new SensitivityAnalysis.Listener() {
        });
        assertEquals(WeightRounding.NEAREST, a.rounding(), "--method minmax rounds to nearest");
        assertEquals(scoring, a.scoring());
        assertEquals(3 * C * C * 9, a.candidateParameters(), "pos, neg and small; first and last at 8 bit");
        assertTrue(a.seconds() > 0);
        return a;
    }

    private static Map<String, Double> gains(MixedPrecision.Assignment a) {
        return a.choices().stream().collect(Collectors.toMap(MixedPrecision.Choice::weight,
                MixedPrecision.Choice::sensitivity));
    }

    @Test
    void aloneScoringPromotesACancellingLayer() {
        MixedPrecision.Assignment a = assign(WeightScoring.ALONE);
        Map<String, Double> g = gains(a);
        assertTrue(g.get("pos_w") > 2 * g.get("small_w") && g.get("neg_w") > 2 * g.get("small_w"), g.toString());
        assertEquals(1, a.promotedLayers().size(), a.promotedLayers().toString());
        assertTrue(List.of("pos", "neg").contains(a.promotedLayers().get(0)), a.promotedLayers().toString());
    }

    @Test
    void marginalScoringPromotesTheLayerWhoseErrorRemains() {
        MixedPrecision.Assignment a = assign(WeightScoring.MARGINAL);
        Map<String, Double> g = gains(a);
        assertTrue(g.get("small_w") > 0, g.toString());
        assertTrue(g.get("pos_w") < 0 && g.get("neg_w") < 0, "restoring one of the pair uncovers the other: " + g);
        assertEquals(List.of("small"), a.promotedLayers());
        assertEquals(Map.of("pos", 4, "neg", 4, "small", 8), a.layerBits());
    }
}
