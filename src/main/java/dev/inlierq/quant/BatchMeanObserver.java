package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * Estimates a range per batch (a fresh {@link PooledObserver} for each), then averages the per-batch bounds:
 * {@code min = mean_b min_b}, {@code max = mean_b max_b}, per parameter, over the batches in which it saw
 * finite data (OpenVINO NNCF's "mean min-max" and TensorFlow's averaged ranges). Keeps two sums per
 * parameter. Unlike {@link PooledObserver}, the result depends on the batching: use a fixed batch size.
 */
public final class BatchMeanObserver extends BatchCountingObserver {
    private double[] sumMin;
    private double[] sumMax;
    private long[] counted;

    BatchMeanObserver(QuantSpec spec, RangeEstimator estimator, int bins) {
        super(spec, estimator, bins);
    }

    @Override
    void record(float[] values, long[] shape) {
        PooledObserver one = new PooledObserver(spec, estimator, bins);
        one.observe(values, shape);
        Range[] r = one.ranges();
        if (sumMin == null) {
            sumMin = new double[r.length];
            sumMax = new double[r.length];
            counted = new long[r.length];
        }
        check(r.length == sumMin.length, "observe", sumMin.length + " channels", r.length);
        for (int c = 0; c < r.length; c++) {
            if (one.states().get(c).isEmpty()) {
                continue;
            }
            sumMin[c] += r[c].min();
            sumMax[c] += r[c].max();
            counted[c]++;
        }
    }

    @Override
    Range[] rangesOfBatches() {
        Range[] r = new Range[sumMin.length];
        for (int c = 0; c < r.length; c++) {
            r[c] = counted[c] == 0 ? Range.ZERO
                    : new Range((float) (sumMin[c] / counted[c]), (float) (sumMax[c] / counted[c]));
        }
        return r;
    }
}
