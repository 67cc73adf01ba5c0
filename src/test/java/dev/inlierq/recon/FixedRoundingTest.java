package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --lr-round 0}: the rounding is not learned, so the steps compute with the codes that are written, not
 * with the soft start around them (GPTQ's compensated weights at {@code --start gptq}), and learned step sizes fit
 * the deployed weights.
 */
class FixedRoundingTest {
    @TempDir
    Path tmp;

    /** Every weight's rounding around an anchor 0.3 of a step from its nearest code: soft and hard weights differ. */
    private static StartingRounding.Start softStart(TinyNet n) {
        Map<String, float[]> anchors = new LinkedHashMap<>();
        for (QuantPoint p : n.plan().weights()) {
            ConstTensor w = n.g().constant(p.tensor());
            Encoding e = n.enc().get(p.tensor());
            float[] q = e.fakeQuantize(w.floats(), w.shape());
            anchors.put(p.tensor(), StartingRounding.anchor(w.floats(), q, q, w.shape(), e, 0.3f));
        }
        return new StartingRounding.Start(anchors, Map.of());
    }

    private static Reconstruction.Result run(TinyNet n, float lrRounding) {
        ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.LAYER).iterations(4).batch(24).seed(0)
                .lrRounding(lrRounding).lrScale(0).lambda(0).build();
        return TinyNet.oneThread(() -> Reconstruction.run(n.g(), n.plan(), n.enc(), Units.find(n.g(), n.plan(),
                o.unit(), 1), n.data(), ReconstructionLoss.mse(), o, softStart(n), (u, k, i) -> { }));
    }

    @Test
    void withoutLearnedRoundingEveryStepSeesTheWrittenCodes() {
        TinyNet n = NetworkTuningTest.net(tmp);
        Reconstruction.Result fixed = run(n, 0f);
        for (Reconstruction.UnitReport u : fixed.units()) {
            double before = u.check().lossBefore();
            assertTrue(before > 0, u.name() + ": a 4-bit unit has an error");
            for (double step : u.losses().points()) {
                assertEquals(before, step, 1e-4 * before, u.name() + ": the step's loss is that of the written codes");
            }
        }
        // a rounding that is learned starts from the soft weights, which sit away from the codes
        Reconstruction.Result learned = run(n, 1e-9f);
        double gap = 0;
        for (Reconstruction.UnitReport u : learned.units()) {
            double before = u.check().lossBefore();
            gap = Math.max(gap, Math.abs(u.losses().points()[0] - before) / before);
        }
        assertTrue(gap > 1e-2, "soft start and codes differ by " + gap);
    }
}
