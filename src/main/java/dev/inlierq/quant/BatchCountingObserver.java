package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * What every {@link Observer} shares: the spec, estimator and histogram bins it was made with (per-tensor or
 * per-channel specs only), and the count of batches recorded. A subclass records one batch in {@link #record}
 * and turns its state into ranges in {@link #rangesOfBatches}, which is only called after a batch.
 */
abstract sealed class BatchCountingObserver implements Observer permits PooledObserver, BatchMeanObserver {
    final QuantSpec spec;
    final RangeEstimator estimator;
    final int bins;
    private long batches;

    BatchCountingObserver(QuantSpec spec, RangeEstimator estimator, int bins) {
        check(!(spec.granularity() instanceof Granularity.PerGroup), "observer granularity",
                "per-tensor or per-channel (per-group weights: WeightEncodings)", spec.granularity());
        this.spec = spec;
        this.estimator = estimator;
        this.bins = bins;
    }

    /** Records one batch (as {@link #observe}); a batch that throws is not counted. */
    abstract void record(float[] values, long[] shape);

    /** One range per parameter, from at least one batch. */
    abstract Range[] rangesOfBatches();

    @Override
    public final QuantSpec spec() {
        return spec;
    }

    @Override
    public final RangeEstimator estimator() {
        return estimator;
    }

    @Override
    public final void observe(float[] values, long... shape) {
        record(values, shape);
        batches++;
    }

    @Override
    public final long batches() {
        return batches;
    }

    @Override
    public final Range[] ranges() {
        if (batches == 0) {
            throw new IllegalStateException("observer for " + spec + " has seen no batch");
        }
        return rangesOfBatches();
    }
}
