package dev.inlierq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.testing.NoBoxSpec;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link Measure#BOXES} on the real FastestDet (W4A8, four scoring images): each weight scores its heatmap shift
 * plus a box shift that is never negative, so never less than with {@link Measure#HEATMAP}, and more for some
 * weights (4-bit weights move the boxes); the float model scores 0 against itself; a head without box values is one
 * clear error before any pass.
 */
class BoxesMeasureTest {
    private static QuantizationConfig config(DetectorSpec spec, Path model) {
        return QuantizationConfig.builder(model, spec, Shared.trainImages()).weightBits(4).activationBits(8)
                .calibImages(4).batch(2).build();
    }

    private static SensitivityOptions options(Measure m) {
        return SensitivityOptions.builder().variants(EnumSet.of(Variant.WEIGHTS)).scoreImages(4).maxLayers(8)
                .measure(m).build();
    }

    private static Map<String, Double> weights(SensitivityReport r) {
        return r.layers().stream().collect(Collectors.toMap(LayerSensitivity::layer,
                l -> l.weight().score().lossChange(), (a, b) -> a));
    }

    @Test
    void boxesAddANonNegativeShiftToTheHeatmap() {
        QuantizationConfig c = config(DetectorSpecs.resolve("fastestdet"), Shared.model("fastestdet"));
        Map<String, Double> boxes;
        try (SensitivitySession s = SensitivityAnalysis.open(c, options(Measure.BOXES), new SensitivityAnalysis
                .Listener() { })) {
            assertEquals(0.0, s.floatAgainstItself(), 0.0, "the float model against itself");
            boxes = weights(s.score(Set.of()));
        }
        Map<String, Double> heat = weights(SensitivityAnalysis.run(c, options(Measure.HEATMAP),
                new SensitivityAnalysis.Listener() { }));
        assertEquals(heat.keySet(), boxes.keySet());
        assertEquals(8, boxes.size());
        for (String layer : heat.keySet()) {
            assertTrue(boxes.get(layer) >= heat.get(layer), layer + ": " + boxes.get(layer) + " < " + heat.get(layer));
        }
        List<String> moved = heat.keySet().stream().filter(l -> boxes.get(l) > heat.get(l)).toList();
        assertTrue(!moved.isEmpty(), "some 4-bit weight moves the boxes: " + boxes + " against " + heat);
    }

    @Test
    void aHeadWithoutBoxValuesIsOneClearErrorBeforeAnyPass() {
        DetectorSpec levels = NoBoxSpec.spec();
        // the model file does not exist: the measure is refused before it is read
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SensitivityAnalysis.open(
                config(levels, Path.of("absent.onnx")), options(Measure.BOXES), new SensitivityAnalysis.Listener() { })
                .close());
        assertTrue(e.getMessage().contains("boxes measure needs"), e.getMessage());
        assertEquals("boxes", Measure.BOXES.cliName());
    }
}
