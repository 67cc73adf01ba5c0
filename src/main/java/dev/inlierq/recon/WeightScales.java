package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.FakeQuant;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Granularity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weight step sizes learned together with the rounding ({@code --lr-weight-scale}): each per-channel (or
 * per-tensor) weight scale {@code s} becomes {@code s exp(m)} with a learnable {@code m} per scale, starting at 0,
 * so the quantized weight is {@code s exp(m) (clamp(floor(W / s) + h(V) + z) - z)}: the integer codes are
 * AdaRound's, their spacing is learned. This is LSQ's learned step size (Esser et al., ICLR 2020) on a log scale
 * applied to the weights of a reconstruction unit, as FlexRound (Lee et al., ICML 2023) and OmniQuant's learnable
 * weight clipping do in post-training quantization: the MSE-chosen step of a 4-bit channel (16 levels) is rarely
 * the one that reconstructs the unit's output best once the rounding is learned. {@code m} stays within
 * {@code [-ln 2, ln 2]} (a factor of two either way). Per-group weight encodings are not learned.
 */
final class WeightScales {
    private static final float BOUND = (float) Math.log(2);
    private static final String LEAF = "ws:";
    private final NDManager scope;
    /** weight tensor name to {@code m}, in the encoding's parameter shape against the weight. */
    private final Map<String, NDArray> logMultipliers = new LinkedHashMap<>();

    WeightScales(NDManager scope) {
        this.scope = scope;
    }

    /** Makes the step sizes of {@code weight} learnable (per-channel and per-tensor encodings only). */
    void add(String weight, Encoding e, long[] shape) {
        if (e.spec().granularity() instanceof Granularity.PerGroup) {
            return;
        }
        Shape p = FakeQuant.parameterShape(e, new Shape(shape));
        logMultipliers.put(weight, scope.zeros(p));
    }

    boolean isEmpty() {
        return logMultipliers.isEmpty();
    }

    /** Fresh autograd leaves in {@code leaves} (keys prefixed, so one map holds every leaf of a step). */
    void requireGradients(Map<String, NDArray> leaves) {
        for (var e : logMultipliers.entrySet()) {
            NDArray leaf = e.getValue().stopGradient();
            leaf.setRequiresGradient(true);
            leaves.put(LEAF + e.getKey(), leaf);
        }
    }

    /** {@code q exp(m)} with the step's leaf (gradient to m), or {@code q} when the weight's scale is not learned. */
    NDArray applyLearning(String weight, NDArray q, Map<String, NDArray> leaves) {
        NDArray leaf = leaves.get(LEAF + weight);
        if (leaf == null) {
            return q;
        }
        try (NDArray mult = leaf.exp()) {
            return q.mul(mult);
        }
    }

    /** {@code q exp(m)} with the current multipliers, without gradient. */
    NDArray apply(String weight, NDArray q) {
        NDArray m = logMultipliers.get(weight);
        if (m == null) {
            return q;
        }
        try (NDArray mult = m.exp()) {
            return q.mul(mult);
        }
    }

    /** Adam steps of every multiplier from its leaf's gradient, each kept within a factor of two. */
    void step(Adam adam, Map<String, NDArray> leaves, float rate) {
        for (var e : logMultipliers.entrySet()) {
            try (NDArray g = leaves.get(LEAF + e.getKey()).getGradient()) {
                adam.update(LEAF + e.getKey(), e.getValue(), g, rate);
            }
            NDArray bounded = e.getValue().clip(-BOUND, BOUND);
            bounded.attach(scope);
            e.getValue().close();
            e.setValue(bounded);
        }
    }

    /** Copies of the current log multipliers, by weight ({@link UnitSnapshot}). */
    Map<String, float[]> values() {
        Map<String, float[]> m = new LinkedHashMap<>();
        logMultipliers.forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    /** The log multipliers set to {@code values}, as {@link #values()} gave them. */
    void restore(Map<String, float[]> values) {
        for (var e : logMultipliers.entrySet()) {
            NDArray m = DjlRuntime.create(scope, values.get(e.getKey()), e.getValue().getShape());
            e.getValue().close();
            e.setValue(m);
        }
    }

    /** Back to the calibrated step sizes. */
    void reset() {
        for (var e : logMultipliers.entrySet()) {
            NDArray z = e.getValue().zerosLike();
            z.attach(scope);
            e.getValue().close();
            e.setValue(z);
        }
    }

    /**
     * The encodings with the learned step sizes, {@code s exp(m)} per scale computed as the tensors compute it
     * (float32 exp, then the product), so the weights {@link #apply} gives are the codes times these scales.
     */
    void commit(Map<String, Encoding> encodings) {
        for (var e : logMultipliers.entrySet()) {
            Encoding old = encodings.get(e.getKey());
            float[] mult;
            try (NDArray m = e.getValue().exp()) {
                mult = m.toFloatArray();
            }
            float[] s = old.scale().clone();
            boolean moved = false;
            for (int i = 0; i < s.length; i++) {
                moved |= mult[i] != 1f;
                s[i] = s[i] * mult[i];
            }
            if (moved) {
                encodings.put(e.getKey(), new Encoding(old.spec(), s, old.zeroPoint()));
            }
        }
    }
}
