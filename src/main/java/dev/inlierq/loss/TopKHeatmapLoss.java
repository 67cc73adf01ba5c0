package dev.inlierq.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.inlierq.detect.decode.HeatmapRecipe;
import dev.inlierq.engine.Scalars;
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
 * <p>
 * {@link Scope#PER_CLASS} is Eq. 7 as docs/inlierq.md reads it. {@link Scope#JOINT} is our variant, made for
 * the measured finding that per-class top-K is dominated by absent classes: with few objects per image most
 * of the {@code K C} entries are background scores near 0, where {@code d(-log p)/d logit = -(1 - p)} is
 * largest. JOINT takes the K highest scores over all classes and locations together (the decoding top-K of
 * CenterPoint-style heads, the paper's "detector's own top-K") and normalises by K:
 * {@code L_n = -(1 / K) sum_{k <= K} log(max(H[n, (k)], eps))}.
 */
public final class TopKHeatmapLoss {
    /** Default K (docs/inlierq.md: 100; the paper's best K is the detector's own top-K / max detections). */
    public static final int DEFAULT_K = 100;
    /** Floor inside the logarithm. */
    public static final float EPS = 1e-12f;

    /** Over which entries the top K are taken. */
    public enum Scope {
        /** K per class channel (Eq. 7 as specified; the default). */
        PER_CLASS,
        /** K over all classes and locations together. */
        JOINT
    }

    private final HeatmapRecipe recipe;
    private final int k;
    private final Scope scope;
    private final BoxTerm box;

    public TopKHeatmapLoss(HeatmapRecipe recipe, int k) {
        this(recipe, k, Scope.PER_CLASS);
    }

    public TopKHeatmapLoss(HeatmapRecipe recipe, int k, Scope scope) {
        this(recipe, k, scope, null);
    }

    /**
     * The loss with a box-regression term added ({@link BoxTerm}; null: the score loss alone), at the same K:
     * {@code L_n + T_n}.
     */
    public TopKHeatmapLoss(HeatmapRecipe recipe, int k, Scope scope, BoxTerm box) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        this.recipe = java.util.Objects.requireNonNull(recipe, "recipe");
        this.k = k;
        this.scope = java.util.Objects.requireNonNull(scope, "scope");
        this.box = box;
    }

    public Scope scope() {
        return scope;
    }

    public int k() {
        return k;
    }

    /** The summed loss of a batch, a scalar owned by the outputs' manager. */
    public NDArray loss(Map<String, NDArray> outputs) {
        try (NDArray h = HeatmapBuilder.build(recipe, outputs)) {
            NDArray base = scoreLoss(h);
            if (box == null) {
                return base;
            }
            try (NDArray t = box.term(h, outputs, k)) {
                NDArray sum = base.add(t);
                base.close();
                return sum;
            }
        }
    }

    private NDArray scoreLoss(NDArray h) {
        if (scope == Scope.PER_CLASS) {
            return loss(h, k);
        }
        long[] s = h.getShape().getShape();
        try (NDArray flat = h.reshape(s[0], 1, s[1] * s[2])) {
            return loss(flat, k);
        }
    }

    /**
     * Per image, how far {@code other}'s heatmap moves from {@code reference}'s on the reference's top-K entries,
     * term by term of the loss:
     * <pre>
     *   d_n = (1 / (K C)) sum_c sum_{k <= K} |log max(H'[n, c, (k)], eps) - log max(H[n, c, (k)], eps)|
     * </pre>
     * where {@code (k)} indexes the reference's K highest entries (per class, or jointly with {@link Scope#JOINT})
     * and {@code H'} is {@code other}'s heatmap. It is {@code |L_n(other) - L_n(reference)|} when every term moves
     * the same way and the top-K set stays, and unlike that difference it does not let terms that move apart
     * cancel (for comparing a quantized model with its float reference). With a box term, its own shift is added
     * ({@link BoxTerm#shift}: how far the box values move at the reference's top-K locations). Both maps must come
     * from the same images.
     */
    public float[] shift(Map<String, NDArray> reference, Map<String, NDArray> other) {
        try (NDArray h = HeatmapBuilder.build(recipe, reference); NDArray q = HeatmapBuilder.build(recipe, other)) {
            float[] d = scoreShift(h, q);
            if (box != null) {
                float[] b = box.shift(h, reference, other, k);
                for (int i = 0; i < d.length; i++) {
                    d[i] += b[i];
                }
            }
            return d;
        }
    }

    private float[] scoreShift(NDArray h, NDArray q) {
        long[] s = h.getShape().getShape();
        if (scope == Scope.PER_CLASS) {
            return shift(h, q, k);
        }
        try (NDArray hf = h.reshape(s[0], 1, s[1] * s[2]); NDArray qf = q.reshape(s[0], 1, s[1] * s[2])) {
            return shift(hf, qf, k);
        }
    }

    private static float[] shift(NDArray reference, NDArray other, int k) {
        long[] s = reference.getShape().getShape();
        int kk = (int) Math.min(k, s[2]);
        NDList top = reference.topK(kk, 2, true, false);
        try (NDArray values = top.get(0); NDArray idx = top.get(1); NDArray moved = other.gather(idx, 2);
                NDArray a = Scalars.maximum(values, EPS); NDArray b = Scalars.maximum(moved, EPS);
                NDArray la = a.log(); NDArray lb = b.log(); NDArray d = lb.sub(la); NDArray ad = d.abs();
                NDArray sum = ad.sum(new int[] {1, 2});
                NDArray scaled = Scalars.mul(sum, (float) (1.0 / ((double) kk * s[1])))) {
            return scaled.toFloatArray();
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
        try (NDArray values = top.get(0); NDArray floor = Scalars.maximum(values, EPS); NDArray logs = floor.log();
                NDArray sum = logs.sum()) {
            top.get(1).close();
            return Scalars.mul(sum, (float) (-1.0 / ((double) kk * s[1])));
        }
    }
}
