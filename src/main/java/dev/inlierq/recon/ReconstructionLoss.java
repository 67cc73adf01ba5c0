package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.HashMap;
import java.util.Map;

/**
 * The error a reconstruction unit minimises between its quantized output {@code pred} and the float network's
 * output {@code target}, for a batch of calibration samples. Implementations only decide how elements are
 * weighted, so the recipe ({@link Reconstruction}) never changes when a method brings its own weighting:
 * <pre>
 *   E = mean_{n, spatial} sum_c w[n, c, ...] (pred - target)^2
 * </pre>
 * (BRECQ's {@code lp_loss}/{@code fisher_diag} layout: summed over channels, averaged over the rest).
 * <ul>
 *   <li>{@link #mse()}: w = 1 (AdaRound, QDrop);
 *   <li>{@link #weighted}: a per-element weight tensor per unit output over the calibration set, e.g.
 *       BRECQ's diagonal Fisher ({@link FisherWeights}) or InlierQ's posterior-weighted Fisher.
 * </ul>
 */
public interface ReconstructionLoss extends AutoCloseable {
    /** A short name for reports. */
    String name();

    /**
     * The error of one unit output for the calibration samples {@code samples} (indices into the calibration
     * set, in batch order). Differentiable in {@code pred}.
     */
    NDArray error(String value, NDArray pred, NDArray target, int[] samples);

    /** The unit output {@code value} will not be asked for again: drop what is kept for it. */
    default void release(String value) {
    }

    @Override
    default void close() {
    }

    /** Plain squared error, summed over channels and averaged over samples and positions. */
    static ReconstructionLoss mse() {
        return new ReconstructionLoss() {
            @Override
            public String name() {
                return "mse";
            }

            @Override
            public NDArray error(String value, NDArray pred, NDArray target, int[] samples) {
                return weightedError(pred, target, null);
            }
        };
    }

    /**
     * Squared error weighted per element by {@code weights.get(value)} ({@code [N, ...]} over the whole
     * calibration set, broadcastable against the output); outputs without weights count with w = 1.
     * Takes ownership of the weight arrays.
     */
    static ReconstructionLoss weighted(String name, Map<String, NDArray> weights) {
        Map<String, NDArray> w = new HashMap<>(weights);
        return new ReconstructionLoss() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public NDArray error(String value, NDArray pred, NDArray target, int[] samples) {
                NDArray all = w.get(value);
                if (all == null) {
                    return weightedError(pred, target, null);
                }
                try (NDArray batch = rows(all, samples)) {
                    return weightedError(pred, target, batch);
                }
            }

            @Override
            public void release(String value) {
                NDArray a = w.remove(value);
                if (a != null) {
                    a.close();
                }
            }

            @Override
            public void close() {
                w.values().forEach(NDArray::close);
                w.clear();
            }
        };
    }

    /** sum_c w (pred - target)^2, averaged over every other axis; w may be null (= 1). */
    static NDArray weightedError(NDArray pred, NDArray target, NDArray w) {
        try (NDArray d = pred.sub(target); NDArray d2 = d.square();
                NDArray wd = w == null ? d2.reshape(d2.getShape()) : d2.mul(w);
                NDArray s = wd.getShape().dimension() >= 2 ? wd.sum(new int[] {1}) : wd.reshape(wd.getShape())) {
            return s.mean();
        }
    }

    /** The rows {@code samples} of {@code a} (axis 0), stacked in that order; a new array. */
    static NDArray rows(NDArray a, int[] samples) {
        NDList parts = new NDList(samples.length);
        try {
            for (int i : samples) {
                parts.add(a.get(i + ":" + (i + 1)));
            }
            return NDArrays.concat(parts, 0);
        } finally {
            parts.forEach(NDArray::close);
        }
    }
}
