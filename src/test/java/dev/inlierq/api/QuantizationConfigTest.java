package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.calib.CalibrationSelection;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.recon.EarlyStopSettings;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import dev.inlierq.testing.NoBoxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link QuantizationConfig}: the method's defaults resolved by {@code build()} (from {@link Method}'s recipe),
 * {@code toBuilder()}, the checks, and the README's library example (which must compile: it is copied here).
 */
class QuantizationConfigTest {
    private static final DetectorSpec SPEC = DetectorSpecs.resolve("fastestdet");

    private static QuantizationConfig.Builder builder() {
        return QuantizationConfig.builder(Path.of("model.onnx"), SPEC, Path.of("calib"));
    }

    @Test
    void eachMethodBringsItsRecipe() {
        for (Method m : Method.values()) {
            QuantizationConfig c = builder().method(m).seed(5).build();
            assertEquals(m.placement(), c.plan().placement(), m.cliName());
            assertEquals(m.equalizes() ? 0.5 : 0, c.equalization().effectiveAlpha(), m.cliName());
            assertEquals(m.fisherLoss(), c.loss().fisher(), m.cliName());
            assertEquals(m.reconstructs(), c.reconstruction() != null, m.cliName());
            if (m.reconstructs()) {
                assertEquals(m.reconstructionDefaults(5).toString(), c.reconstruction().toString());
                assertEquals(5, c.reconstruction().seed());
            }
            assertEquals(m == Method.INLIERQ ? InlierQ.Options.defaults() : null, c.inlier(), m.cliName());
        }
    }

    @Test
    void theRecipesAreThePapers() {
        // at 8-bit weights the default is InlierQ from GPTQ's start with early stopping; at 4-bit
        // activations InlierQ's 4-bit budget, which starts from GPTQ too
        QuantizationConfig eight = builder().seed(7).build();
        assertEquals(Method.INLIERQ, eight.method(), "the default method at 8-bit weights");
        assertEquals(Method.INLIERQ, Method.defaultFor(5));
        assertEquals(Method.INLIERQ.reconstructionDefaults(7).toBuilder().start(ReconstructionOptions.Start.GPTQ)
                .earlyStop(EarlyStopSettings.holding(Method.DEFAULT_8BIT_HOLDOUT).withHoldoutFrom(Method.DEFAULT_8BIT_HOLDOUT_FROM))
                .build().toString(),
                eight.reconstruction().toString());
        assertEquals(0, eight.reconstruction().earlyStop().holdoutFor(Method.DEFAULT_8BIT_HOLDOUT_FROM - 1), "small sets: none");
        assertEquals(Method.DEFAULT_8BIT_HOLDOUT, eight.reconstruction().earlyStop().holdoutFor(64));
        assertEquals(InlierQ.Options.defaults(), eight.inlier());
        assertEquals(builder().method(Method.INLIERQ).activationBits(4).seed(7).build().reconstruction().toString(),
                builder().activationBits(4).seed(7).build().reconstruction().toString(), "W8A4");
        assertEquals(Method.ADAROUND, Method.defaultFor(4));
        // at 4-bit weights the default is AdaRound from GPTQ's start on windows; --method adaround is the paper's
        QuantizationConfig four = builder().weightBits(4).seed(7).build();
        assertEquals(Method.ADAROUND, four.method());
        assertEquals(ReconstructionOptions.Start.GPTQ, four.reconstruction().start());
        assertEquals(Method.DEFAULT_4BIT_ITERATIONS, four.reconstruction().iterations());
        assertEquals(Method.DEFAULT_4BIT_WINDOW, four.reconstruction().window());
        assertEquals(Method.DEFAULT_4BIT_LR_ROUNDING, four.reconstruction().lrRounding());
        assertEquals(7, four.reconstruction().seed());
        // GPTQ's scales: searched for GPTQ's error at 4 bits, the calibrated MSE ones at 8; a choice given stays
        assertEquals(dev.inlierq.rounding.GptqScales.SEARCHED, four.gptqScales());
        assertEquals(dev.inlierq.rounding.GptqScales.MSE, builder().build().gptqScales());
        assertEquals(dev.inlierq.rounding.GptqScales.MSE, builder().weightBits(4)
                .gptqScales(dev.inlierq.rounding.GptqScales.MSE).build().gptqScales());
        // each activation's equalisation strength searched in the default 4-bit recipe only; a choice given stays
        assertTrue(four.equalization().searched());
        assertFalse(builder().build().equalization().searched(), "not in the 8-bit default");
        assertFalse(builder().weightBits(4).searchAlpha(false).build().equalization().searched());
        assertTrue(builder().weightBits(4).method(Method.BRECQ).searchAlpha(true).build().equalization().searched());
        QuantizationConfig paper = builder().method(Method.ADAROUND).build();
        assertEquals(ReconstructionOptions.Start.NEAREST, paper.reconstruction().start(), "8 bits: the paper's");
        assertEquals(ReconstructionOptions.DEFAULT_ITERATIONS, paper.reconstruction().iterations());
        assertEquals(0, paper.reconstruction().window());
        assertEquals(ReconstructionOptions.DEFAULT_LR_ROUNDING, paper.reconstruction().lrRounding());
        QuantizationConfig ada4 = builder().weightBits(4).method(Method.ADAROUND).seed(7).build();
        assertFalse(ada4.equalization().searched(), "--method adaround: the papers' single strength");
        assertEquals(four.reconstruction().toString(), ada4.reconstruction().toString(), "the 4-bit budget");
    }

    @Test
    void everyLearnedRoundingTakesTheFourBitBudgetAtFourBits() {
        for (Method m : new Method[] {Method.ADAROUND, Method.BRECQ, Method.QDROP, Method.INLIERQ}) {
            for (int[] bits : new int[][] {{4, 8}, {8, 4}, {4, 4}, {3, 6}}) {
                ReconstructionOptions r = builder().method(m).weightBits(bits[0]).activationBits(bits[1]).seed(2)
                        .build().reconstruction();
                String what = m.cliName() + " W" + bits[0] + "A" + bits[1];
                assertEquals(ReconstructionOptions.Start.GPTQ, r.start(), what);
                assertEquals(Method.DEFAULT_4BIT_ITERATIONS, r.iterations(), what);
                assertEquals(Method.DEFAULT_4BIT_WINDOW, r.window(), what);
                assertEquals(Method.DEFAULT_4BIT_LR_ROUNDING, r.lrRounding(), what);
                assertEquals(m.unit(), r.unit(), what);
                float drop = m == Method.INLIERQ && bits[1] <= 4 ? 0.5f : m.dropProb();
                assertEquals(drop, r.dropProb(), what);
                assertEquals(drop, m.dropProb(bits[1]), what);
                int block = m == Method.INLIERQ && bits[0] > 4 && bits[1] <= 4 ? 8 : 4;
                assertEquals(block, r.blockSize(), what);
                assertEquals(block, m.blockSize(bits[0], bits[1]), what);
                assertEquals(2, r.seed(), what);
            }
            ReconstructionOptions w6 = builder().method(m).weightBits(6).activationBits(6).build().reconstruction();
            assertEquals(m.reconstructionDefaults(0).toString(), w6.toString(), m.cliName() + " above 4 bits");
        }
        ReconstructionOptions gptaq = builder().method(Method.GPTAQ).weightBits(4).activationBits(4).build()
                .reconstruction();
        assertEquals(ReconstructionOptions.Start.GPTAQ, gptaq.start(), "GPTAQ keeps its own settings");
        assertEquals(0, gptaq.iterations());
        assertEquals(Units.Kind.LAYER, Method.ADAROUND.unit());
        assertEquals(Units.Kind.BLOCK, Method.BRECQ.unit());
        assertEquals(0.5f, Method.QDROP.dropProb());
        assertEquals(0f, Method.BRECQ.dropProb());
        assertTrue(Method.BRECQ.fisherLoss() && Method.INLIERQ.fisherLoss() && !Method.QDROP.fisherLoss());
        assertTrue(Method.INLIERQ.inlierCentric() && !Method.BRECQ.inlierCentric());
        assertTrue(Method.GPTQ.gptqRounding() && !Method.GPTQ.reconstructs() && !Method.ADAROUND.gptqRounding());
        assertEquals(Placement.LAYER_INPUTS, Method.GPTQ.placement());
        assertEquals(Placement.ALL_ACTIVATIONS, Method.MSE.placement());
        assertFalse(Method.MINMAX.equalizes() || Method.MINMAX.mseWeightScales());
        assertTrue(Method.MSE.mseWeightScales() && Method.QDROP.mseWeightScales());
        assertEquals(RangeEstimation.MIN_MAX, Method.MINMAX.rangeEstimation(99));
        assertEquals(RangeEstimation.ENTROPY, Method.ENTROPY.rangeEstimation(99));
        for (Method m : List.of(Method.MSE, Method.GPTQ, Method.ADAROUND, Method.BRECQ, Method.QDROP, Method.INLIERQ)) {
            assertEquals(RangeEstimation.MSE, m.rangeEstimation(99), m.cliName());
        }
        assertEquals("percentile 99.9", Method.PERCENTILE.describe(99.9));
        assertEquals("minmax", Method.MINMAX.describe(99.9));
        assertThrows(IllegalStateException.class, () -> Method.GPTQ.reconstructionDefaults(0));
    }

    @Test
    void gptqAtFourBitsTakesTheDensestImagesUnlessTold() {
        for (Method m : Method.values()) {
            for (int bits : new int[] {2, 4, 5, 8}) {
                CalibrationSelection expected = m == Method.GPTQ && bits <= 4 ? CalibrationSelection.DENSE
                        : CalibrationSelection.RANDOM;
                QuantizationConfig c = builder().method(m).weightBits(bits).build();
                assertEquals(expected, c.calibration().selection(), m.cliName() + " W" + bits);
                assertEquals(expected, c.toBuilder().build().calibration().selection(), m.cliName() + " again");
            }
        }
        assertEquals(CalibrationSelection.RANDOM, builder().weightBits(4).build().calibration().selection(),
                "the default 4-bit recipe");
        QuantizationConfig told = builder().method(Method.GPTQ).weightBits(4)
                .calibSelection(CalibrationSelection.RANDOM).build();
        assertEquals(CalibrationSelection.RANDOM, told.calibration().selection());
        assertEquals(CalibrationSelection.RANDOM, told.toBuilder().build().calibration().selection());
        assertEquals(CalibrationSelection.DENSE, builder().method(Method.ADAROUND)
                .calibSelection(CalibrationSelection.DENSE).build().calibration().selection());
    }

    @Test
    void explicitSettingsWinAndToBuilderResolvesTheRestAgain() {
        ReconstructionOptions ro = ReconstructionOptions.builder(Units.Kind.LAYER).iterations(3).build();
        QuantizationConfig c = builder().method(Method.BRECQ).reconstruction(ro).fisherLoss(false).equalize(false)
                .topKScope(TopKHeatmapLoss.Scope.JOINT).build();
        assertEquals(ro, c.reconstruction());
        assertFalse(c.loss().fisher());
        assertEquals(0, c.equalization().effectiveAlpha());
        QuantizationConfig minmax = c.toBuilder().method(Method.MINMAX).build();
        assertNull(minmax.reconstruction(), "a method that does not reconstruct has no reconstruction settings");
        assertEquals(Placement.ALL_ACTIVATIONS, minmax.plan().placement(), "the placement was the method's");
        assertEquals(TopKHeatmapLoss.Scope.JOINT, minmax.loss().scope());
        QuantizationConfig inputs = minmax.toBuilder().placement(Placement.LAYER_INPUTS).build();
        assertEquals(Placement.LAYER_INPUTS, inputs.toBuilder().method(Method.MSE).build().plan().placement());
        PlanOptions all = PlanOptions.builder().weightBits(4).build();
        QuantizationConfig planned = builder().method(Method.GPTQ).plan(all).build();
        assertEquals(all, planned.plan(), "a whole plan carries its placement");
        assertEquals(Method.INLIERQ.reconstructionDefaults(0).toString(),
                c.toBuilder().method(Method.INLIERQ).reconstruction(null).build().reconstruction().toString());
    }

    @Test
    void toBuilderRoundTripsEveryMethod() {
        for (Method m : Method.values()) {
            QuantizationConfig c = builder().method(m).weightBits(4).activationBits(6).seed(9).threads(3)
                    .checkImages(2).build();
            assertEquals(c.toString(), c.toBuilder().build().toString(), m.cliName());
            assertEquals(c.toString(), c.toBuilder().build().toBuilder().build().toString(), m.cliName());
        }
        QuantizationConfig c = builder().build();
        QuantizationConfig.Builder b = c.toBuilder();
        b.seed(4);
        assertEquals(0, c.calibration().seed(), "a config's builder is a copy");
        assertEquals(4, b.build().calibration().seed());
    }

    @Test
    void valuesAreChecked() {
        assertMessage("equalisation alpha must be in [0, 1] (0 = off), got 2.0", builder().method(Method.GPTQ).alpha(2));
        builder().method(Method.MINMAX).alpha(2).build(); // off: the strength is not used
        assertMessage("percentile must be in (0, 100], got 0.0", builder().percentile(0));
        assertMessage("top-K must be at least 1, got 0", builder().topK(0));
        assertMessage("counts must be positive", builder().threads(0));
        assertMessage("counts must be positive", builder().checkImages(-1));
        assertMessage("weight bits: expected 2..8, got 9", builder().weightBits(9));
        assertMessage("activation bits: expected 2..8, got 1", builder().activationBits(1));
        assertMessage("counts must be positive", builder().calibImages(0));
        assertMessage("counts must be positive", builder().batch(0));
        assertMessage("counts must be positive", builder().statsImages(-1));
        assertMessage("percentile must be in (0, 100], got 100.5", builder().percentile(100.5));
        assertMessage("equalisation alpha must be in [0, 1] (0 = off), got -0.1", builder().method(Method.MSE)
                .equalize(true).alpha(-0.1));
        assertThrows(NullPointerException.class, () -> builder().weights(null).build());
        assertThrows(NullPointerException.class, () -> builder().topKScope(null).build());
        assertThrows(IllegalArgumentException.class, () -> new SaliencyOutput(Path.of("o"), List.of(), 0));
        assertThrows(NullPointerException.class, () -> QuantizationConfig.builder(null, SPEC, Path.of("c")));
    }

    private static void assertMessage(String message, QuantizationConfig.Builder b) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }

    /** The README's example, compiled here; {@link #readmeShowsThisExample()} keeps the two the same. */
    @SuppressWarnings("unused")
    private static Quantization.Result readmeExample(DetectorSpec spec) {
        // README begin
        QuantizationConfig config = QuantizationConfig.builder(Path.of("yolox_nano.onnx"), spec, Path.of("train2017"))
                .method(Method.INLIERQ)                        // default: Method.defaultRecipe(weight bits, seed)
                .weightBits(4).activationBits(4)               // placement, equalisation, loss: the method's defaults
                .reconstruction(ReconstructionOptions.builder(Units.Kind.BLOCK).iterations(200).seed(3).build())
                .seed(3)                                       // calibration images; also seeds GPTQ
                .build();
        QuantizationConfig qdrop = config.toBuilder().method(Method.QDROP).reconstruction(null).build(); // its defaults
        Quantization.Listener progress = images -> { };   // also told each later phase: "writing", ...
        Quantization.Result r = Quantization.run(config, Path.of("yolox_w4a4_inlierq.onnx"), progress);
        // r.units(): per-unit losses and time; r.inliers(): the mixture of every split tensor; r.gptq(): per-layer errors
        // README end
        return r;
    }

    @Test
    void theBoxWeightNeedsBoxValuesAndAMethodThatReadsTheTaskGradients() {
        assertEquals(0, builder().method(Method.BRECQ).build().loss().boxWeight());
        assertEquals(2, builder().method(Method.INLIERQ).boxWeight(2.0).build().loss().boxWeight());
        // InlierQ's default: the term at 4-bit weights with wider activations only
        assertEquals(1, builder().method(Method.INLIERQ).weightBits(4).build().loss().boxWeight());
        assertEquals(0, builder().method(Method.INLIERQ).weightBits(4).activationBits(4).build().loss().boxWeight());
        assertEquals(0, builder().method(Method.INLIERQ).build().loss().boxWeight(), "W8A8");
        assertEquals(0, builder().method(Method.INLIERQ).weightBits(4).boxWeight(0.0).build().loss().boxWeight());
        assertEquals(0, builder().weightBits(4).build().loss().boxWeight(), "the default recipe reads no task loss");
        assertEquals(1, builder().method(Method.GPTQ).hessian(dev.inlierq.rounding.HessianWeighting.INLIER)
                .boxWeight(1.0).build().loss().boxWeight());
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> builder().method(Method.ADAROUND).boxWeight(1.0).build());
        assertTrue(plain.getMessage().contains("does not read"), plain.getMessage());
        for (String family : List.of("yolox", "picodet", "fastestdet")) {
            assertTrue(DetectorSpecs.resolve(family).boxValues() != null, family + " has box values");
        }
        assertThrows(IllegalArgumentException.class, () -> builder().method(Method.BRECQ).boxWeight(Double.NaN).build());
        DetectorSpec levels = NoBoxSpec.spec();
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> QuantizationConfig
                .builder(Path.of("m.onnx"), levels, Path.of("calib")).method(Method.BRECQ).boxWeight(1.0).build());
        assertTrue(none.getMessage().contains("head family does not have"), none.getMessage());
        assertEquals(0, QuantizationConfig.builder(Path.of("m.onnx"), levels, Path.of("calib")).method(Method.INLIERQ)
                .weightBits(4).build().loss().boxWeight(), "InlierQ's default leaves such a head without the term");
    }

    @Test
    void readmeShowsThisExample() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int at = 0;
        while (!readme.get(at).startsWith("QuantizationConfig config = ")) {
            at++;
        }
        assertEquals("```java", readme.get(at - 1));
        List<String> block = new ArrayList<>();
        for (int i = at; !readme.get(i).equals("```"); i++) {
            block.add(readme.get(i).strip());
        }
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/inlierq/api/QuantizationConfigTest.java"));
        List<String> here = new ArrayList<>();
        for (int i = source.indexOf("        // README begin") + 1; !source.get(i).strip().equals("// README end"); i++) {
            here.add(source.get(i).strip());
        }
        assertEquals(here, block, "README.md's QuantizationConfig example");
        QuantizationConfig config = QuantizationConfig.builder(Path.of("yolox_nano.onnx"), SPEC, Path.of("train2017"))
                .method(Method.INLIERQ).weightBits(4).activationBits(4).seed(3).build();
        assertEquals(Placement.LAYER_INPUTS, config.plan().placement());
        assertEquals(0.5f, config.toBuilder().method(Method.QDROP).build().reconstruction().dropProb());
    }
}
