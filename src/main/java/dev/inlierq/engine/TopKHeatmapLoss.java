package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.inlierq.detect.decode.HeatmapRecipe;
import java.util.Map;

/**
 * The label-free task loss of InlierQ (Kim et al., "Inlier-Centric Post-Training Quantization for Object
 * Detection Models", ICLR 2026, Eq. 7; docs/inlierq.md step 1), on the detector's own score heatmap
 * {@code H[n, c, p]} ({@link HeatmapBuilder}): for every image and class channel, the K highest scores over
 * all locations of all pyramid levels are pushed up,
 * <pre>
 *   L_n = -(1 / (K C)) sum_c sum_{k <= K} log(max(H[n, c, (k)], eps))
 * </pre>
 * and the batch loss is the sum of the per-image losses, so each image's gradient is its own (the volume
 * saliency and the Fisher weights are per image). K is capped at the number of locations. Differentiable
 * (top-K selection passes the gradient to the selected entries).
 */
public final class TopKHeatmapLoss {
    /** Default K (docs/inlierq.md: 100; the paper's best K is the detector's own top-K / max detections). */
    public static final int DEFAULT_K = 100;
    /** Floor inside the logarithm. */
    public static final float EPS = 1e-12f;

    private final HeatmapRecipe recipe;
    private final int k;

    public TopKHeatmapLoss(HeatmapRecipe recipe, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        this.recipe = java.util.Objects.requireNonNull(recipe, "recipe");
        this.k = k;
    }

    public int k() {
        return k;
    }

    /** The summed loss of a batch, a scalar owned by the outputs' manager. */
    public NDArray loss(Map<String, NDArray> outputs) {
        try (NDArray h = HeatmapBuilder.build(recipe, outputs)) {
            return loss(h, k);
        }
    }

    /** The loss of a heatmap {@code [N, C, L]} (summed over the batch). */
    public static NDArray loss(NDArray heatmap, int k) {
        long[] s = heatmap.getShape().getShape();
        if (s.length != 3) {
            throw new IllegalArgumentException("heatmap: expected [N, C, L], got " + heatmap.getShape());
        }
        int kk = (int) Math.min(k, s[2]);
        NDList top = heatmap.topK(kk, 2, true, false);
        try (NDArray values = top.get(0); NDArray floor = values.maximum(EPS); NDArray logs = floor.log();
                NDArray sum = logs.sum()) {
            top.get(1).close();
            return sum.mul(-1.0 / ((double) kk * s[1]));
        }
    }
}
