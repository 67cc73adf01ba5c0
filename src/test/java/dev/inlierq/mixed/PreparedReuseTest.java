package dev.inlierq.mixed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.CalibrationStage;
import dev.inlierq.api.Method;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.calib.CalibrationSelection;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.sensitivity.SensitivityAnalysis;
import dev.inlierq.testing.OutlierChain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantize --mixed-precision} hands the model its scoring session prepared (images chosen, equalised) to the
 * run of the bits it chose ({@link MixedPrecision#analysis}, {@link CalibrationStage.Prepared#replanned}): the run
 * neither chooses the images nor equalises again, and writes the same bytes as a run that prepares its own. On
 * {@link MarginalScoringTest}'s tiny model with GPTQ at 4 bits, whose default is the densest images
 * ({@link Method#calibrationSelection}), and equalisation on, so both steps the reuse skips have something to do.
 */
class PreparedReuseTest {
    private static final SensitivityAnalysis.Listener QUIET = new SensitivityAnalysis.Listener() { };

    @TempDir
    Path tmp;

    /** Records the phases a run names. */
    private static final class Phases implements Quantization.Listener {
        final List<String> names = new ArrayList<>();

        @Override
        public void calibrated(int images) {
        }

        @Override
        public void phase(String name) {
            names.add(name);
        }
    }

    @Test
    void theRunOfTheChosenBitsStartsFromTheScoringSessionsModelAndWritesTheSameBytes() throws Exception {
        Path images = OutlierChain.images(tmp, 12);
        QuantizationConfig c = QuantizationConfig.builder(MarginalScoringTest.cancelling(tmp),
                DetectorSpecs.load(OutlierChain.specFile(tmp)), images).method(Method.GPTQ).weightBits(4)
                .activationBits(8).equalize(true).calibImages(6).batch(3).seed(3).build();
        assertEquals(CalibrationSelection.DENSE, c.calibration().selection(), "GPTQ at 4 bits takes the densest images");
        MixedPrecision.Analysis a = MixedPrecision.analysis(c, MixedRequest.builder(0.34).build(), QUIET);
        assertTrue(a.assignment().layerBits().containsValue(MixedPrecision.HIGH_BITS), "a third of the bytes: one "
                + "weight promoted, so the run's plan differs from the session's");
        QuantizationConfig mixed = c.toBuilder().plan(c.plan().withLayerWeightBits(a.assignment().layerBits()))
                .build();

        Phases reused = new Phases();
        Quantization.Result r1 = Quantization.run(mixed, a.prepared(), tmp.resolve("reused.onnx"), reused);
        Phases own = new Phases();
        Quantization.Result r2 = Quantization.run(mixed, tmp.resolve("own.onnx"), own);

        assertTrue(own.names.contains("choosing calibration images") && own.names.contains("equalising"), own.names
                + ": a run that prepares its own model chooses the images and equalises");
        assertFalse(reused.names.contains("choosing calibration images") || reused.names.contains("equalising"),
                reused.names + ": the reused model is not prepared again");
        assertEquals(r2.calibration().files(), r1.calibration().files());
        assertEquals(r2.plan(), r1.plan(), "replanned with the chosen bits");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("own.onnx")), Files.readAllBytes(tmp.resolve("reused.onnx")));
    }

    @Test
    void aModelPreparedForAnotherConfigurationIsRefused() throws Exception {
        Path images = OutlierChain.images(tmp, 6);
        QuantizationConfig c = QuantizationConfig.builder(MarginalScoringTest.cancelling(tmp),
                DetectorSpecs.load(OutlierChain.specFile(tmp)), images).method(Method.MINMAX).weightBits(4)
                .activationBits(8).equalize(false).calibImages(6).batch(3).build();
        CalibrationStage.Prepared p = CalibrationStage.prepare(c);
        assertEquals(p.plan(), p.replanned(c).plan(), "the same config plans the same");
        Map<String, QuantizationConfig> others = Map.of("plan (other than per-layer weight bits)",
                c.toBuilder().activationBits(4).build(), "calibration options", c.toBuilder().seed(9).build(),
                "equalisation", c.toBuilder().equalize(true).build());
        for (var o : others.entrySet()) {
            QuantizationConfig other = o.getValue();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.replanned(other));
            assertEquals("the prepared model was prepared for another configuration: its " + o.getKey() + " differs",
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Quantization.run(other, p, tmp.resolve("x.onnx"),
                    new Phases()));
        }
        assertFalse(Files.exists(tmp.resolve("x.onnx")), "a refused run writes nothing");
    }
}
