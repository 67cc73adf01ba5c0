package dev.inlierq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.CalibrationStage;
import dev.inlierq.api.GptqPreview;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.quant.Encoding;
import dev.inlierq.rounding.GptqRounding;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.OutlierChain;
import dev.inlierq.testing.RandomData;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring weights with GPTQ's codes ({@link WeightRounding#GPTQ}) on a tiny model built so that GPTQ provably
 * rounds one layer far better than nearest rounding does.
 *
 * <p>The model: {@code first} (4x4, stride 4) has 16 identical filters and biases, so after its Relu all 16
 * input channels of {@code mid_dup} (3x3, Gaussian weights) carry the same values: each of its 9 kernel taps is
 * one input repeated in 16 weight columns. Rounded to nearest, an output channel's error at a position is
 * {@code sum_t x_t sum_c e_{c,t}} with 16 independent rounding errors {@code e} per tap, each up to half a step.
 * GPTQ (Frantar et al., ICLR 2023, OBQ update eq. 2-3) rounds one column at a time and moves the columns not yet
 * rounded by {@code -(w_i - q_i) [H^-1]_{i,:} / [H^-1]_ii}; a column identical in H to column {@code i} absorbs
 * the whole error (up to the 1% damping), so per tap the 16 columns carry one running residual and the sum over
 * them is off by at most about half a step instead of a random walk of 16 (standard deviation {@code 4 s / sqrt(12)},
 * {@code s} the step). The output noise of {@code mid_dup} thus drops by roughly 16x in power, far more than the
 * 2x this test asks of the loss change and 6 dB of the SQNR.
 */
class GptqScoringTest {
    private static final int C = 16;

    @TempDir
    static Path tmp;
    static QuantizationConfig config;

    @BeforeAll
    static void model() throws Exception {
        Path spec = OutlierChain.specFile(tmp);
        config = QuantizationConfig.builder(duplicateChannels(tmp), DetectorSpecs.load(spec),
                OutlierChain.images(tmp, 6)).weightBits(4).activationBits(8).equalize(false).calibImages(6).batch(3)
                .build();
    }

    /** images -> first (16 identical filters) -> Relu -> mid_dup (3x3) -> Relu -> last (2x2, stride 2) -> out. */
    static Path duplicateChannels(Path dir) {
        Random r = new Random(3);
        float[] filter = RandomData.gaussian(r, 48, 0.2);
        float[] first = new float[C * 48];
        float[] firstBias = new float[C];
        for (int o = 0; o < C; o++) {
            System.arraycopy(filter, 0, first, o * 48, 48);
            firstBias[o] = 0.05f;
        }
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("images", -1, 3, 64, 64)
                .initializer("first_w", new long[] {C, 3, 4, 4}, first)
                .initializer("first_b", new long[] {C}, firstBias)
                .initializer("dup_w", new long[] {C, C, 3, 3}, RandomData.gaussian(r, C * C * 9, 1.0 / Math.sqrt(9)))
                .initializer("dup_b", new long[] {C}, RandomData.gaussian(r, C, 0.1))
                .initializer("last_w", new long[] {8, C, 2, 2}, RandomData.gaussian(r, 8 * C * 4, 0.3))
                .initializer("last_b", new long[] {8}, new float[] {0, 0, 0, 0, 0, -1, -1, -1})
                .node("Conv", "images", "first_w", "first_b").name("first").out("f").ints("strides", 4, 4).end()
                .node("Relu", "f").out("fr").end()
                .node("Conv", "fr", "dup_w", "dup_b").name("mid_dup").out("p").ints("pads", 1, 1, 1, 1).end()
                .node("Relu", "p").out("pr").end()
                .node("Conv", "pr", "last_w", "last_b").name("last").out("l").ints("strides", 2, 2).end()
                .node("Transpose", "l").out("t").ints("perm", 0, 2, 3, 1).end()
                .int64s("shape", 0, -1, 8)
                .node("Reshape", "t", "shape").out("out").end()
                .output("out");
        return m.write(dir);
    }

    private static LayerSensitivity.Score midDup(WeightRounding rounding) {
        SensitivityReport r = SensitivityAnalysis.run(config, SensitivityOptions.builder().scoreImages(4)
                .variants(EnumSet.of(Variant.WEIGHTS)).rounding(rounding).build(), new SensitivityAnalysis.Listener() { });
        assertEquals(rounding, r.rounding());
        assertEquals(rounding.cliName(), r.toJsonMap().get("weight_rounding"));
        return r.layers().stream().filter(l -> l.layer().equals("mid_dup")).findFirst().orElseThrow().weight().score();
    }

    @Test
    void gptqScoresTheLayerWithDuplicatedInputsFarBelowNearest() {
        LayerSensitivity.Score nearest = midDup(WeightRounding.NEAREST);
        LayerSensitivity.Score gptq = midDup(WeightRounding.GPTQ);
        assertTrue(gptq.lossChange() > 0, "GPTQ's codes are not the float weights: " + gptq);
        assertTrue(gptq.lossChange() < 0.5 * nearest.lossChange(), "loss change: GPTQ " + gptq.lossChange()
                + ", nearest " + nearest.lossChange());
        assertTrue(gptq.sqnrDb() > nearest.sqnrDb() + 6, "SQNR: GPTQ " + gptq.sqnrDb() + " dB, nearest "
                + nearest.sqnrDb() + " dB");
        assertEquals(gptq, midDup(WeightRounding.GPTQ), "same seed, same score");
    }

    /**
     * GPTQ runs on the float engine and scoring passes each rounded weight (and its corrected bias) as an override
     * per run: afterwards the float graph holds its float constants and the engine gives the float outputs.
     */
    @Test
    void gptqScoringLeavesTheFloatEngineAndGraphFloat() {
        CalibrationStage.Prepared p = CalibrationStage.prepare(config);
        Map<String, float[]> before = new HashMap<>();
        p.graph().initializers().forEach((k, v) -> before.put(k, v.isFloating() ? v.floats().clone() : null));
        try (GraphExecutor engine = new GraphExecutor(p.graph())) {
            Map<String, Encoding> enc = new HashMap<>(CalibrationStage.weights(p, config));
            enc.putAll(CalibrationStage.activations(engine, p, config, n -> { }));
            GptqRounding.Result r = GptqPreview.round(engine, p, config, enc);
            RoundedWeights gptq = RoundedWeights.gptq(p.graph(), p.plan(), enc, r);
            Map<String, ConstTensor> dup = gptq.of("dup_w");
            assertEquals(List.of("dup_w", "dup_b"), List.copyOf(dup.keySet()), "the weight and its corrected bias");
            assertFalse(java.util.Arrays.equals(before.get("dup_b"), dup.get("dup_b").floats()), "bias corrected");
            assertEquals(List.of("dup_w"), List.copyOf(RoundedWeights.nearest(p.graph(), p.plan(), enc).of("dup_w")
                    .keySet()), "nearest rounding replaces the weight alone");

            TopKHeatmapLoss loss = new TopKHeatmapLoss(config.spec().heatmapRecipe(), config.loss().topK(),
                    config.loss().scope());
            FloatReference ref = FloatReference.of(engine, config.spec(), p.calibration().files().subList(0, 3), 3, loss,
                    Measure.HEATMAP);
            LayerSensitivity.Score floatBefore;
            try (Perturbation none = Perturbation.none()) {
                floatBefore = ref.measure(engine, none);
            }
            LayerScorer scorer = new LayerScorer(engine, gptq, enc, ref, null, Double.NaN, WeightScoring.ALONE);
            for (String w : List.of("first_w", "dup_w", "last_w")) {
                assertTrue(scorer.weight(w).lossChange() > 1e-4, w + ": " + scorer.weight(w));
            }
            try (Perturbation none = Perturbation.none()) {
                LayerSensitivity.Score after = ref.measure(engine, none);
                assertEquals(Double.POSITIVE_INFINITY, after.sqnrDb(), "the float engine gives the float outputs");
                assertEquals(floatBefore, after, "as before scoring");
            }
        }
        p.graph().initializers().forEach((k, v) -> assertArrayEquals(before.get(k), v.isFloating() ? v.floats() : null,
                k));
    }
}
