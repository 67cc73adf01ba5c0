package dev.inlierq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of the trained weights, the model that is written at the end instead of the last
 * step's weights (Polyak and Juditsky, "Acceleration of Stochastic Approximation by Averaging", SIAM J. Control
 * Optim. 1992, in its exponential form as used by YOLOX and EfficientDet). After step {@code t} (1-based):
 * <pre>
 *   d_t = min(d, (1 + t) / (10 + t))        a <- d_t a + (1 - d_t) w
 * </pre>
 * The ramp of {@code d_t} keeps the first steps' random weights from dominating a short run. The batch
 * normalisation running statistics are averaged the same way, so they stay close to the averaged weights. Plain
 * tensor ops in a fixed order, so the average is as reproducible as the training.
 */
final class WeightAverage implements AutoCloseable {
    private final NDManager state;
    private final double decay;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private int t;

    /**
     * @param parent the manager the averages live under
     * @param decay the decay {@code d}, in (0, 1)
     */
    WeightAverage(NDManager parent, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("the EMA decay must be in (0, 1), got " + decay);
        }
        this.state = parent.newSubManager();
        this.decay = decay;
    }

    /** Folds one step's values of {@code groups} (tensors by name; the same names every step) into the average. */
    @SafeVarargs
    final void update(Map<String, NDArray>... groups) {
        t++;
        float d = (float) Math.min(decay, (1.0 + t) / (10.0 + t));
        for (Map<String, NDArray> group : groups) {
            for (var e : group.entrySet()) {
                NDArray a = average.get(e.getKey());
                if (a == null) {
                    a = e.getValue().duplicate();
                    a.attach(state);
                    average.put(e.getKey(), a);
                } else {
                    try (NDArray part = e.getValue().mul(1 - d)) {
                        a.muli(d).addi(part);
                    }
                }
            }
        }
    }

    /** The averaged values, by name, as float arrays. */
    Map<String, float[]> values() {
        Map<String, float[]> out = new LinkedHashMap<>();
        average.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Override
    public void close() {
        state.close();
    }
}
