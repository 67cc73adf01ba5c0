package dev.inlierq.mixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Method;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import dev.inlierq.sensitivity.LayerSensitivity;
import dev.inlierq.sensitivity.SensitivityReport;
import dev.inlierq.sensitivity.WeightRounding;
import dev.inlierq.sensitivity.WeightScoring;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The greedy choice on analysed layers given here: order by sensitivity per parameter, the budget, shared weights;
 * and which rounding scores the weights for each method.
 */
class MixedPrecisionTest {
    private static LayerSensitivity layer(String name, String weight, int bits, long params, double loss,
            List<String> readers) {
        LayerSensitivity.Score s = new LayerSensitivity.Score(loss, 10, null);
        return new LayerSensitivity(name, "Conv", new LayerSensitivity.Weight(weight, bits, params, readers, s), null);
    }

    private static List<LayerSensitivity> layers() {
        return List.of(
                layer("first", "w_first", 8, 5000, 9.0, List.of("first")),
                layer("a", "w_a", 4, 1000, 1.0, List.of("a")),       // 0.001 per parameter
                layer("b", "w_b", 4, 100, 0.5, List.of("b")),        // 0.005
                layer("c", "w_c", 4, 500, 0.2, List.of("c")),        // 0.0004
                layer("s1", "w_s", 4, 400, 0.8, List.of("s1", "s2")), // 0.002, shared by s1 and s2
                layer("s2", "w_s", 4, 400, 0.8, List.of("s1", "s2")));
    }

    /** 30 4-bit layers of 1 to 5,000 parameters and random gains. */
    private static List<LayerSensitivity> randomLayers(Random r) {
        List<LayerSensitivity> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(layer("l" + i, "w" + i, 4, 1 + r.nextInt(5000), r.nextDouble(), List.of("l" + i)));
        }
        return rows;
    }

    @Test
    void greedyBySensitivityPerParameterWithinTheBudget() {
        MixedPrecision.Assignment a = MixedPrecision.choose(layers(), 0.3); // 0.3 of 2000 candidate parameters
        assertEquals(2000, a.candidateParameters(), "8-bit first layer and the shared weight counted once");
        assertEquals(500, a.promotedParameters(), "b and the shared weight; a (1000) and c (500) do not fit");
        assertEquals(List.of("w_b", "w_s", "w_a", "w_c"), a.choices().stream().map(MixedPrecision.Choice::weight)
                .toList());
        assertEquals(Map.of("b", 8, "s1", 8, "s2", 8, "a", 4, "c", 4), a.layerBits());
        assertEquals(List.of("b", "s1", "s2"), a.promotedLayers());
    }

    @Test
    void aByteBudgetCountsTheStoredBytesAtTheChosenBits() {
        SensitivityReport r = new SensitivityReport(layers(), 0, 0, WeightRounding.NEAREST, WeightScoring.ALONE, null,
                Double.NaN);
        MixedPrecision.Assignment a = MixedPrecision.choose(r, 0.3, BudgetUnit.BYTES);
        assertEquals(BudgetUnit.BYTES, a.unit());
        // b: 100 x 8 bits of 1900 x 4 + 100 x 8 = 800 / 8400 <= 0.3; adding the shared weight: 4000 / 10000 > 0.3
        assertEquals(List.of("b"), a.promotedLayers());
        assertEquals(800.0 / 8400, a.promotedByteShare(), 1e-12);
        assertEquals(BudgetUnit.PARAMETERS, MixedPrecision.choose(r, 0.3).unit());
    }

    @Test
    void zeroKeepsAllLowAndOnePromotesEverySensitiveWeight() {
        assertTrue(MixedPrecision.choose(layers(), 0).promotedLayers().isEmpty());
        MixedPrecision.Assignment all = MixedPrecision.choose(layers(), 1);
        assertEquals(2000, all.promotedParameters());
        assertTrue(all.layerBits().values().stream().allMatch(b -> b == 8));
        assertTrue(!all.layerBits().containsKey("first"), "the 8-bit first layer is no candidate");
    }

    @Test
    void theBudgetHoldsForAnyFractionInEitherUnit() {
        Random r = new Random(2);
        for (int trial = 0; trial < 50; trial++) {
            List<LayerSensitivity> rows = randomLayers(r);
            double f = r.nextDouble();
            MixedPrecision.Assignment a = MixedPrecision.choose(rows, f);
            long promoted = a.choices().stream().filter(c -> c.bits() == 8).mapToLong(MixedPrecision.Choice::parameters)
                    .sum();
            assertEquals(promoted, a.promotedParameters());
            assertTrue(promoted <= f * a.candidateParameters(), "budget " + f + ": " + promoted + " of "
                    + a.candidateParameters());
            MixedPrecision.Assignment b = MixedPrecision.choose(new SensitivityReport(rows, 0, 0,
                    WeightRounding.NEAREST, WeightScoring.ALONE, null, Double.NaN), f, BudgetUnit.BYTES);
            assertTrue(b.promotedByteShare() <= f, "byte budget " + f + ": " + b.promotedByteShare());
            assertTrue(b.promotedParameters() <= f / (2 - f) * b.candidateParameters() + 1e-9,
                    "a byte share f at 4/8 bit is at most f / (2 - f) of the parameters");
        }
    }

    @Test
    void weightsAreScoredAsTheMethodRoundsThem() {
        QuantizationConfig.Builder b = QuantizationConfig.builder(Path.of("m.onnx"), DetectorSpecs.resolve("yolox"),
                Path.of("calib")).weightBits(4);
        assertEquals(WeightRounding.GPTQ, MixedPrecision.roundingFor(b.build()), "default 4-bit recipe: --start gptq");
        assertEquals(WeightRounding.GPTQ, MixedPrecision.roundingFor(b.method(Method.GPTQ).build()));
        assertEquals(WeightRounding.GPTQ, MixedPrecision.roundingFor(b.method(Method.ADAROUND).build()),
                "AdaRound at 4 bits starts from GPTQ (the 4-bit budget)");
        assertEquals(WeightRounding.NEAREST, MixedPrecision.roundingFor(b.method(Method.ADAROUND).reconstruction(
                ReconstructionOptions.builder(Units.Kind.LAYER).start(ReconstructionOptions.Start.NEAREST).build())
                .build()), "a nearest start given is scored with nearest rounding");
        assertEquals(WeightRounding.GPTQ, MixedPrecision.roundingFor(b.method(Method.INLIERQ).reconstruction(
                ReconstructionOptions.builder(Units.Kind.BLOCK).start(ReconstructionOptions.Start.GPTQ).build())
                .build()));
        QuantizationConfig.Builder minmax = QuantizationConfig.builder(Path.of("m.onnx"),
                DetectorSpecs.resolve("yolox"), Path.of("calib")).weightBits(4).method(Method.MINMAX);
        assertEquals(WeightRounding.NEAREST, MixedPrecision.roundingFor(minmax.build()));
        MixedPrecision.Assignment marginal = MixedPrecision.choose(new SensitivityReport(layers(), 6, 4,
                WeightRounding.GPTQ, WeightScoring.MARGINAL, null, 1.5), 0.3);
        assertEquals(WeightRounding.GPTQ, marginal.rounding());
        assertEquals(WeightScoring.MARGINAL, marginal.scoring(), "the report's scoring is recorded");
        assertEquals(1.5, marginal.seconds());
        assertEquals(WeightScoring.ALONE, MixedPrecision.choose(layers(), 0.3).scoring());
        assertEquals(WeightRounding.NEAREST, MixedPrecision.choose(layers(), 0.3).rounding());
    }

    @Test
    void badFractionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MixedPrecision.choose(layers(), -0.1));
        assertThrows(IllegalArgumentException.class, () -> MixedPrecision.choose(layers(), 1.5));
        assertThrows(IllegalArgumentException.class, () -> MixedPrecision.choose(layers(), Double.NaN));
    }
}
