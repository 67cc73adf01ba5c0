package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import dev.inlierq.engine.Scalars;
import dev.inlierq.loss.TopKHeatmapLoss;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BRECQ's diagonal Fisher weights for unit outputs (Li et al., "BRECQ: Pushing the Limit of Post-Training
 * Quantization by Block Reconstruction", ICLR 2021, Eq. 10): the Hessian of the task loss with respect to a
 * block output {@code z} is approximated by {@code diag((dL/dz)^2)}, so the block minimises
 * {@code sum (dL/dz)^2 (z_q - z)^2}. Our task loss is label free: InlierQ's top-K heatmap loss
 * ({@link TopKHeatmapLoss}) of the float network.
 *
 * <p>As in BRECQ's code, the weight is {@code (|g| + 1)^2}, so that no element drops out of the objective;
 * since the label-free loss has no natural scale, {@code g} is first divided by its root mean square over the
 * calibration set (per tensor), which makes the "+1" mean the same thing for every tensor and model:
 * <pre>
 *   w = (|g| / rms(g) + 1)^2,   g = dL/dz  (one float forward and backward pass over the calibration set)
 * </pre>
 * The gradients come from {@link TaskGradients}.
 */
public final class FisherWeights {
    private FisherWeights() {
    }

    /** Turns raw gradients into Fisher weights {@code (|g| / rms(g) + 1)^2}, in place of the map's arrays. */
    public static Map<String, NDArray> fromGradients(Map<String, NDArray> gradients) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (var e : gradients.entrySet()) {
            NDArray g = e.getValue();
            double rms;
            try (NDArray sq = g.square(); NDArray m = sq.mean()) {
                rms = Math.sqrt(m.getFloat());
            }
            NDArray w;
            try (NDArray a = g.abs(); NDArray n = Scalars.div(a, rms > 0 ? (float) rms : 1f); NDArray p = Scalars.add(n, 1f)) {
                w = p.square();
            }
            g.close();
            out.put(e.getKey(), w);
        }
        return out;
    }
}
