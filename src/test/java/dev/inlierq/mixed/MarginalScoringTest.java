package dev.inlierq.mixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Method;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightType;
import dev.inlierq.sensitivity.SensitivityAnalysis;
import dev.inlierq.sensitivity.SensitivityOptions;
import dev.inlierq.sensitivity.SensitivityReport;
import dev.inlierq.sensitivity.SensitivitySession;
import dev.inlierq.sensitivity.Variant;
import dev.inlierq.sensitivity.WeightRounding;
import dev.inlierq.sensitivity.WeightScoring;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.OutlierChain;
import dev.inlierq.testing.RandomData;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alone and marginal ({@link WeightScoring}) scoring on a tiny model built so that the two rank its layers in
 * opposite orders, for a reason known in advance: two 3x3 convolutions read the same input with weights {@code W}
 * and {@code -W} and are summed, so they cancel in float; rounded to nearest on per-channel symmetric grids
 * {@code q(-W) = -q(W)}, so they cancel when both are quantized too (hence {@code WeightGrid.SYMMETRIC}: affine
 * grids fit {@code W} and {@code -W} differently). A third convolution on the same input, with
 * the same shape and weights a third as large, is added to them. Alone, each of {@code pos} and {@code neg} puts
 * its whole rounding error on the output (three times that of {@code small}); in the quantized model restoring one
 * of them to float uncovers the other's error, a loss, while restoring {@code small} removes the only weight error
 * of the three. A budget of one layer thus goes to {@code pos} or {@code neg} with alone scoring (a promotion that
 * makes the quantized model worse) and to {@code small} with marginal scoring.
 */
class MarginalScoringTest {
    private static final int C = 16;
    private static final SensitivityAnalysis.Listener LISTENER = new SensitivityAnalysis.Listener() { };

    @TempDir
    static Path tmp;
    static QuantizationConfig config;

    @BeforeAll
    static void model() throws Exception {
        Path spec = OutlierChain.specFile(tmp);
        config = QuantizationConfig.builder(cancelling(tmp), DetectorSpecs.load(spec), OutlierChain.images(tmp, 6))
                .method(Method.MINMAX).weightBits(4).activationBits(8).equalize(false).calibImages(6).batch(3)
                .weights(new QuantizationConfig.WeightOptions(WeightType.AUTO, WeightStorage.INT8, WeightGrid.SYMMETRIC))
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
        MixedPrecision.Assignment a = MixedPrecision.analyse(config, MixedRequest.builder(0.34).scoring(scoring).build(),
                LISTENER);
        assertEquals(WeightRounding.NEAREST, a.rounding(), "--method minmax rounds to nearest");
        assertEquals(scoring, a.scoring());
        assertEquals(3 * C * C * 9, a.candidateParameters(), "pos, neg and small; first and last at 8 bit");
        assertTrue(a.seconds() > 0);
        assertEquals(6, a.scoreImages(), "16 asked, 6 calibration images");
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

    /**
     * A later round measures gains with the weights promoted so far float: with {@code pos} float, {@code neg}'s
     * rounding error no longer cancels, so restoring {@code neg} gains (its gain turns positive, and dwarfs
     * {@code small}'s, as alone), and {@code pos} itself gains nothing.
     */
    @Test
    void aLaterRoundScoresFromTheStateWithThePromotedWeightsFloat() {
        SensitivityOptions o = SensitivityOptions.builder().variants(EnumSet.of(Variant.WEIGHTS))
                .scoring(WeightScoring.MARGINAL).build();
        try (SensitivitySession s = SensitivityAnalysis.open(config, o, LISTENER)) {
            Map<String, Double> first = weightGains(s.score(Set.of()));
            Map<String, Double> second = weightGains(s.score(Set.of("pos_w")));
            assertTrue(first.get("neg_w") < 0, first.toString());
            assertTrue(second.get("neg_w") > 0 && second.get("neg_w") > 10 * Math.abs(second.get("small_w")),
                    second.toString());
            assertEquals(0, second.get("pos_w"), "float already: " + second);
            assertEquals(first.get("small_w"), weightGains(s.score(Set.of())).get("small_w"),
                    "the session's state is unchanged by a round: " + first);
        }
        try (SensitivitySession s = SensitivityAnalysis.open(config, SensitivityOptions.builder().build(), LISTENER)) {
            assertThrows(IllegalArgumentException.class, () -> s.score(Set.of("pos_w")), "alone has no state");
        }
        assertThrows(IllegalArgumentException.class, () -> MixedRequest.builder(0.5).rounds(2).build(),
                "alone scores do not depend on the rounds");
    }

    /** Two rounds on this model: {@code small} in the first; {@code pos} and {@code neg} still lose in the second. */
    @Test
    void twoRoundsKeepTheBudgetAndTheFirstRoundsChoice() {
        MixedPrecision.Assignment a = MixedPrecision.analyse(config, MixedRequest.builder(0.67)
                .scoring(WeightScoring.MARGINAL).rounds(2).build(), LISTENER);
        assertEquals(2, a.rounds());
        assertEquals(List.of("small"), a.promotedLayers());
        assertEquals("small_w", a.choices().get(0).weight(), "promoted in round 1, listed first");
        assertTrue(a.promotedParameters() <= 0.67 * a.candidateParameters());
    }

    private static Map<String, Double> weightGains(SensitivityReport r) {
        return r.layers().stream().collect(Collectors.toMap(l -> l.weight().tensor(),
                l -> l.weight().score().lossChange()));
    }
}
