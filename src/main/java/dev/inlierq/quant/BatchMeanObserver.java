package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * Estimates a range per batch (a fresh {@link PooledObserver} for each), then averages the per-batch bounds:
 * {@code min = mean_b min_b}, {@code max = mean_b max_b}, per parameter, over the batches in which it saw
 * finite data (OpenVINO NNCF's "mean min-max" and TensorFlow's averaged ranges). Keeps two sums per
 * parameter. Unlike {@link PooledObserver}, the result depends on the batching: use a fixed batch size.
 */
public final class BatchMeanObserver implements Observer {
    private final QuantSpec spec;
    private final RangeEstimator estimator;
    private final int bins;
    private double[] sumMin;
    private double[] sumMax;
    private long[] counted;
    private long batches;

    BatchMeanObserver(QuantSpec spec, RangeEstimator estimator, int bins) {
        check(!(spec.granularity() instanceof Granularity.PerGroup), "observer granularity",
                "per-tensor or per-channel (per-group weights: WeightEncodings)", spec.granularity());
        this.spec = spec;
        this.estimator = estimator;
        this.bins = bins;
    }

    @Override
    public QuantSpec spec() {
        return spec;
    }

    @Override
    public RangeEstimator estimator() {
        return estimator;
    }

    @Override
    public void observe(float[] values, long... shape) {
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
        batches++;
    }

    @Override
    public long batches() {
        return batches;
    }

    @Override
    public Range[] ranges() {
        if (sumMin == null) {
            throw new IllegalStateException("observer for " + spec + " has seen no batch");
        }
        Range[] r = new Range[sumMin.length];
        for (int c = 0; c < r.length; c++) {
            r[c] = counted[c] == 0 ? Range.ZERO
                    : new Range((float) (sumMin[c] / counted[c]), (float) (sumMax[c] / counted[c]));
        }
        return r;
    }
}
