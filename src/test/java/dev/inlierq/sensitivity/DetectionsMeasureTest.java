package dev.inlierq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.testing.Shared;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Measure#DETECTIONS} on the real FastestDet (W4A8, four scoring images): the float model scores exactly 0
 * against its own detections, every quantized weight a finite value in [0, 1] and some more than 0; the two
 * measures rank the layers differently (they measure different things); a model that detects nothing confidently
 * gets one clear error, not a silent score.
 */
class DetectionsMeasureTest {
    private static QuantizationConfig config(Path images) {
        return QuantizationConfig.builder(Shared.model("fastestdet"), DetectorSpecs.resolve("fastestdet"), images)
                .weightBits(4).activationBits(8).calibImages(4).batch(2).build();
    }

    private static SensitivityOptions options(Measure m) {
        return SensitivityOptions.builder().variants(EnumSet.of(Variant.WEIGHTS)).scoreImages(4).maxLayers(8)
                .measure(m).build();
    }

    @Test
    void floatScoresZeroAndQuantizedWeightsScoreInUnitRange() {
        QuantizationConfig c = config(Shared.trainImages());
        try (SensitivitySession s = SensitivityAnalysis.open(c, options(Measure.DETECTIONS), new SensitivityAnalysis
                .Listener() { })) {
            SensitivityReport r = s.score(java.util.Set.of());
            List<Double> d = r.layers().stream().map(l -> l.weight().score().lossChange()).toList();
            assertEquals(8, d.size());
            assertTrue(d.stream().allMatch(x -> Double.isFinite(x) && x >= 0 && x <= 1), d.toString());
            assertTrue(d.stream().anyMatch(x -> x > 0), "some 4-bit weight moves the detections: " + d);
        }
        SensitivityReport heat = SensitivityAnalysis.run(c, options(Measure.HEATMAP), new SensitivityAnalysis
                .Listener() { });
        assertTrue(heat.layers().stream().allMatch(l -> l.weight().score().lossChange() >= 0));
    }

    @Test
    void theFloatModelAgainstItselfScoresZero() {
        QuantizationConfig c = config(Shared.trainImages());
        try (SensitivitySession s = SensitivityAnalysis.open(c, options(Measure.DETECTIONS), new SensitivityAnalysis
                .Listener() { })) {
            assertEquals(0.0, s.floatAgainstItself(), 0.0, "1 - AP of the float detections against themselves");
        }
    }

    @Test
    void noConfidentDetectionIsOneClearError(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 4; i++) {
            BufferedImage im = new BufferedImage(352, 352, BufferedImage.TYPE_INT_RGB);
            var g = im.createGraphics();
            g.setColor(new Color(128, 128, 128));
            g.fillRect(0, 0, 352, 352);
            g.dispose();
            try (var out = Files.newOutputStream(dir.resolve("gray" + i + ".png"))) {
                ImageIO.write(im, "png", out);
            }
        }
        UserError e = assertThrows(UserError.class, () -> SensitivityAnalysis.open(config(dir),
                options(Measure.DETECTIONS), new SensitivityAnalysis.Listener() { }).close());
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("detects nothing"), e.getMessage());
    }
}
