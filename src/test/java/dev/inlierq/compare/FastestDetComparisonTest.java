package dev.inlierq.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Method;
import dev.inlierq.api.QualityWarning;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real model: FastestDet quantized quickly (minmax on 8 calibration images, with equalisation so that some
 * tensors are rescaled per channel), then compared with its float model on 3 val images: finite output SQNR, a
 * ranking of the worst tensors, equalised tensors measured after their gain; and the quantize warning's choice
 * of the worst tensors on the run's own report.
 */
class FastestDetComparisonTest {
    @TempDir
    Path tmp;

    @Test
    void quantizedFastestDetAgainstItsFloatModel() {
        Path model = Shared.model("fastestdet");
        Path out = tmp.resolve("fd.onnx");
        QuantizationConfig c = QuantizationConfig.builder(model, DetectorSpecs.builtIn("fastestdet"),
                Shared.trainImages()).method(Method.MINMAX).calibImages(8).equalize(true).checkImages(1)
                .statsImages(1).build();
        Quantization.Result q = Quantization.run(c, out, (java.util.function.IntConsumer) done -> { });

        // the spec comes from the file's provenance
        Comparison.Result r = Comparison.run(Comparison.Options.builder(model, out, Shared.valImages()).numImages(3)
                .build(), done -> { });
        assertEquals("fastestdet", r.spec());
        assertEquals(3, r.images().size());
        TensorError output = r.deployed().get(0);
        assertTrue(Double.isFinite(output.sqnrDb()) && output.sqnrDb() > 0, output.toString());
        assertTrue(output.cosine() > 0.9 && output.cosine() <= 1 + 1e-9, output.toString());
        assertTrue(r.tensors().size() > 100, "every activation: " + r.tensors().size());
        TensorError worst = r.tensors().get(0);
        assertTrue(Double.isFinite(worst.sqnrDb()) && worst.sqnrDb() <= output.sqnrDb() + 10, worst.toString());
        assertTrue(r.tensors().stream().anyMatch(e -> e.pair().kind() == TensorMatch.Kind.QUANTIZED));
        List<TensorError> rescaled = r.tensors().stream().filter(e -> e.pair().rescaled()).toList();
        assertFalse(rescaled.isEmpty(), "equalisation folded scales into some convolutions");
        // after the gain, an equalised tensor's error is its quantization error, not the 1/s scale
        rescaled.forEach(e -> assertTrue(e.sqnrDb() > 5, e.toString()));
        String table = ComparisonReport.table(r, 5);
        assertTrue(table.contains(worst.tensor()) && table.contains("'" + output.tensor() + "': SQNR"), table);

        // the quantize warning names the worst quantized tensors, worst first, and a layer to exclude
        QualityWarning w = QualityWarning.of(q.agreement().floatVsSimSqnrDb(), q.tensors(), q.plan(),
                Double.POSITIVE_INFINITY, 4).orElseThrow();
        assertEquals(4, w.worst().size());
        double lowest = q.tensors().stream().mapToDouble(Quantization.TensorReport::sqnrDb).min().orElseThrow();
        assertEquals(lowest, w.worst().get(0).sqnrDb());
        for (int i = 1; i < 4; i++) {
            assertTrue(w.worst().get(i - 1).sqnrDb() <= w.worst().get(i).sqnrDb());
        }
        assertTrue(w.worstLayer() != null && q.plan().layers().contains(w.worstLayer()), w.worstLayer());
    }
}
