package dev.inlierq.api;

import dev.inlierq.detect.decode.BoxValues;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.loss.BoxTerm;
import dev.inlierq.loss.TopKHeatmapLoss;
import java.util.Objects;

/**
 * The label-free task loss of reconstruction: K of the top-K heatmap loss, per class (Eq. 7) or over all classes
 * together, whether the reconstruction error is weighted by its diagonal Fisher, and the weight of the
 * box-regression term ({@link BoxTerm}; 0: none).
 *
 * @param topK      K, at least 1
 * @param scope     per class or joint
 * @param fisher    whether the reconstruction error is weighted by the loss's diagonal Fisher
 * @param boxWeight LAMBDA of the box term, 0 (off) or positive
 */
public record TaskLossOptions(int topK, TopKHeatmapLoss.Scope scope, boolean fisher, double boxWeight) {
    public TaskLossOptions {
        if (topK < 1) {
            throw new IllegalArgumentException("top-K must be at least 1, got " + topK);
        }
        Objects.requireNonNull(scope, "topKScope");
        if (!(boxWeight >= 0) || !Double.isFinite(boxWeight)) {
            throw new IllegalArgumentException("the box weight must be 0 or positive, got " + boxWeight);
        }
    }

    /**
     * The box weight a run takes when none is given: the method's at these bits ({@link Method#boxWeight}), or 0
     * when the spec's head has no box values aligned with its heatmap.
     */
    static double defaultBoxWeight(Method method, int weightBits, int activationBits, DetectorSpec spec) {
        double w = method.boxWeight(weightBits, activationBits);
        return w > 0 && spec.boxValues() == null ? 0 : w;
    }

    /** The loss on {@code spec}'s outputs at this K. */
    public TopKHeatmapLoss loss(DetectorSpec spec) {
        return loss(spec, topK);
    }

    /** The loss on {@code spec}'s outputs at another K ({@link dev.inlierq.inlier.InlierQ.Options#topK()}). */
    public TopKHeatmapLoss loss(DetectorSpec spec, int k) {
        BoxTerm box = boxWeight > 0 ? new BoxTerm(boxValues(spec), (float) boxWeight) : null;
        return new TopKHeatmapLoss(spec.heatmapRecipe(), k, scope, box);
    }

    /**
     * Checks that a box weight can act: the spec's head has box values aligned with its heatmap, and the run
     * reads the task loss's gradients ({@code readsGradients}: Fisher weights, InlierQ's saliency, or GPTQ's
     * inlier-weighted Hessians).
     *
     * @throws IllegalArgumentException naming what is missing
     */
    void check(DetectorSpec spec, boolean readsGradients) {
        if (boxWeight == 0) {
            return;
        }
        boxValues(spec);
        if (!readsGradients) {
            throw new IllegalArgumentException("the box weight acts on the task loss's gradients, which this method "
                    + "does not read: use brecq, inlierq, --fisher-loss or gptq's --hessian inlier");
        }
    }

    private static BoxValues boxValues(DetectorSpec spec) {
        BoxValues v = spec.boxValues();
        if (v == null) {
            throw new IllegalArgumentException("the box weight needs one group of box values per heatmap location, "
                    + "which this spec's head family does not have (yolox, center_offset and box_score heads do)");
        }
        return v;
    }
}
