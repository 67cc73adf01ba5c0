package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.Scalars;
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
 * With spatial windows ({@link Windows}) the batch's outputs are crops of the full maps and only the positions
 * a {@link Crop} marks count: the same sum over channels, averaged over the marked positions, with the
 * weights cut from the same places of the full maps.
 */
public interface ReconstructionLoss extends AutoCloseable {
    /** A short name for reports. */
    String name();

    /**
     * The error of one unit output for the calibration samples {@code samples} (indices into the calibration
     * set, in batch order). Differentiable in {@code pred}.
     */
    NDArray error(String value, NDArray pred, NDArray target, int[] samples);

    /**
     * The error of one unit output over the positions {@code crop} marks, for outputs cropped from the full
     * maps of the samples {@code samples}; {@code crop == null} is {@link #error(String, NDArray, NDArray,
     * int[])}. Losses that weight elements must cut their weights with {@link Crop#of}.
     */
    default NDArray error(String value, NDArray pred, NDArray target, int[] samples, Crop crop) {
        if (crop == null) {
            return error(value, pred, target, samples);
        }
        throw new UnsupportedOperationException(name() + " has no windowed form");
    }

    /**
     * Where a windowed step's outputs lie in the unit output's full maps {@code [N, C, H, W]}: for each sample
     * of the batch, the crop's first row and column; the crop's height and width; and the positions the loss
     * counts, {@code mask} ({@code [batch, 1, height, width]}, 1 inside the sample's window, 0 elsewhere,
     * {@code count} ones in all).
     */
    record Crop(int[] rows, int[] cols, int height, int width, NDArray mask, float count) {
        /**
         * The crops of a per-sample array over the whole calibration set ({@code [N, C, H, W]}, an axis of size 1
         * broadcast and not cut), stacked in batch order: a new array.
         */
        public NDArray of(NDArray all, int[] samples) {
            long[] s = all.getShape().getShape();
            if (s.length != 4) {
                throw new IllegalArgumentException("a crop needs [N, C, H, W], got " + all.getShape());
            }
            NDList parts = new NDList(samples.length);
            try {
                for (int i = 0; i < samples.length; i++) {
                    NDIndex at = new NDIndex().addSliceDim(samples[i], samples[i] + 1).addAllDim();
                    at = s[2] == 1 ? at.addAllDim() : at.addSliceDim(rows[i], rows[i] + height);
                    at = s[3] == 1 ? at.addAllDim() : at.addSliceDim(cols[i], cols[i] + width);
                    parts.add(all.get(at));
                }
                return NDArrays.concat(parts, 0);
            } finally {
                parts.forEach(NDArray::close);
            }
        }
    }

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

            @Override
            public NDArray error(String value, NDArray pred, NDArray target, int[] samples, Crop crop) {
                return crop == null ? weightedError(pred, target, null) : maskedError(pred, target, null, crop);
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
            public NDArray error(String value, NDArray pred, NDArray target, int[] samples, Crop crop) {
                NDArray all = w.get(value);
                if (crop == null || all == null) {
                    return crop == null ? error(value, pred, target, samples) : maskedError(pred, target, null, crop);
                }
                try (NDArray batch = crop.of(all, samples)) {
                    return maskedError(pred, target, batch, crop);
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

    /**
     * {@code sum_c w (pred - target)^2} at the positions {@code crop} marks, averaged over them ({@code pred},
     * {@code target} and {@code w} are crops {@code [batch, C, height, width]}; w may be null, = 1). With a
     * crop covering whole maps and every position marked, this is {@link #weightedError}.
     */
    static NDArray maskedError(NDArray pred, NDArray target, NDArray w, Crop crop) {
        try (NDArray d = pred.sub(target); NDArray d2 = d.square();
                NDArray wd = w == null ? d2.reshape(d2.getShape()) : d2.mul(w);
                NDArray s = wd.sum(new int[] {1}, true); NDArray m = s.mul(crop.mask()); NDArray t = m.sum()) {
            return Scalars.div(t, crop.count());
        }
    }

    /** The rows {@code samples} of {@code a} (axis 0), stacked in that order; a new array (one gather). */
    static NDArray rows(NDArray a, int[] samples) {
        long[] idx = new long[samples.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = samples[i];
        }
        try (NDArray index = DjlRuntime.create(a.getManager(), idx, new Shape(idx.length))) {
            return a.get(index);
        }
    }
}
