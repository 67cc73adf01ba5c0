package dev.inlierq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.testing.Shared;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The analysis on the real FastestDet (W4A8, quantize's defaults: layer-input placement, equalisation) with two
 * calibration images, one scoring image: a row for every layer quantize plans, with finite scores.
 */
class FastestDetSensitivityTest {
    @Test
    void everyPlannedLayerGetsFiniteScores() {
        QuantizationConfig c = QuantizationConfig.builder(Shared.model("fastestdet"), DetectorSpecs.resolve("fastestdet"),
                Shared.trainImages()).weightBits(4).activationBits(8).calibImages(2).batch(2).build();
        SensitivityReport r = SensitivityAnalysis.run(c, SensitivityOptions.builder().scoreImages(1).build(),
                new SensitivityAnalysis.Listener() { });
        QuantPlan plan = Quantization.plan(Shared.model("fastestdet"), DetectorSpecs.resolve("fastestdet"), c.plan());
        assertEquals(plan.layers().stream().sorted().toList(),
                r.layers().stream().map(LayerSensitivity::layer).sorted().toList(), "one row per planned layer");
        for (LayerSensitivity l : r.layers()) {
            for (Variant v : Variant.values()) {
                LayerSensitivity.Score s = l.score(v);
                assertNotNull(s, l.layer() + " " + v);
                assertTrue(Double.isFinite(s.lossChange()) && s.lossChange() >= 0, l.toString());
                assertTrue(Double.isFinite(s.sqnrDb()), l.toString());
            }
        }
        List<Double> worst = r.layers().stream().map(LayerSensitivity::worstLossChange).toList();
        for (int i = 1; i < worst.size(); i++) {
            assertTrue(worst.get(i - 1) >= worst.get(i), "worst first");
        }
        assertTrue(r.layers().stream().anyMatch(l -> l.weight().bits() == 8), "first/last layers at 8 bit");
        assertTrue(r.layers().stream().anyMatch(l -> l.weight().bits() == 4));
    }
}
