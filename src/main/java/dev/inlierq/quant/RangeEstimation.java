package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;
import static dev.inlierq.quant.Checks.notNull;

/**
 * How a tensor's range is estimated, as data: a statistic ({@link RangeEstimator}, with its parameters) and
 * how it is aggregated over calibration batches. Named presets cover the classic calibrators; any other
 * combination is one constructor call (no class per percentile, no string modes).
 *
 * @param statistic what is computed from the values
 * @param aggregation over all values at once, or per batch then averaged
 */
public record RangeEstimation(RangeEstimator statistic, Aggregation aggregation) {

    /** How per-batch information is combined. */
    public enum Aggregation {
        /** The statistic of all values pooled over every batch; independent of the batching. */
        POOLED,
        /** The statistic of each batch, then the mean of the per-batch bounds; depends on the batching. */
        BATCH_MEAN
    }

    /** Observed extremes over all batches (ONNX Runtime MinMax). */
    public static final RangeEstimation MIN_MAX = new RangeEstimation(new MinMaxEstimator(), Aggregation.POOLED);
    /** Per-batch extremes, averaged (NNCF "mean_min_max"). */
    public static final RangeEstimation MEAN_MIN_MAX = new RangeEstimation(new MinMaxEstimator(),
            Aggregation.BATCH_MEAN);
    /** 99.99th percentile over all batches (ONNX Runtime Percentile default). */
    public static final RangeEstimation PERCENTILE_99_99 = percentile(99.99);
    /** KL-divergence threshold, TensorRT's calibrator ({@link EntropyEstimator#DEFAULT}). */
    public static final RangeEstimation ENTROPY = new RangeEstimation(EntropyEstimator.DEFAULT, Aggregation.POOLED);
    /** Least expected squared error, 100 candidates ({@link MseEstimator#DEFAULT}). */
    public static final RangeEstimation MSE = new RangeEstimation(MseEstimator.DEFAULT, Aggregation.POOLED);

    public RangeEstimation {
        notNull(statistic, "RangeEstimation.statistic");
        notNull(aggregation, "RangeEstimation.aggregation");
    }

    /** The given percentile (in [50, 100]) of all pooled values. */
    public static RangeEstimation percentile(double percentile) {
        return new RangeEstimation(new PercentileEstimator(percentile), Aggregation.POOLED);
    }

    /** An observer with {@link Histogram#DEFAULT_BINS} histogram bins (if the statistic needs a histogram). */
    public Observer newObserver(QuantSpec spec) {
        return newObserver(spec, Histogram.DEFAULT_BINS);
    }

    /**
     * An observer for tensors quantized with {@code spec} (per-tensor or per-channel).
     *
     * @param histogramBins bins per histogram, 16..2^24 (ignored by min-max)
     */
    public Observer newObserver(QuantSpec spec, int histogramBins) {
        notNull(spec, "spec");
        check(histogramBins >= 16 && histogramBins <= 1 << 24, "histogramBins", "16..16777216", histogramBins);
        return aggregation == Aggregation.POOLED ? new PooledObserver(spec, statistic, histogramBins)
                : new BatchMeanObserver(spec, statistic, histogramBins);
    }
}
