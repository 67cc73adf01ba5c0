package dev.inlierq.quant;

/**
 * Streams the values of one tensor, batch after batch, keeping bounded state per quantization parameter
 * (the whole tensor, or each channel on the spec's {@link Granularity.PerChannel#axis()}), and turns it into
 * ranges with its {@link RangeEstimator}. Created by {@link RangeEstimation#newObserver}. Not thread-safe.
 *
 * <ul>
 *   <li>{@link PooledObserver}: the statistic over all values seen ({@link RangeEstimation.Aggregation#POOLED});
 *       independent of how the data is cut into batches.
 *   <li>{@link BatchMeanObserver}: the statistic per batch, then the mean of the per-batch ranges
 *       ({@link RangeEstimation.Aggregation#BATCH_MEAN}); depends on the batching by construction.
 * </ul>
 */
public sealed interface Observer permits BatchCountingObserver {

    QuantSpec spec();

    RangeEstimator estimator();

    /**
     * Records one batch: a row-major tensor of {@code shape} (for per-tensor specs the shape may be omitted).
     * Per-channel observers fix the channel count at the first batch.
     */
    void observe(float[] values, long... shape);

    /** Number of batches observed. */
    long batches();

    /** One range per parameter (one per channel, or one); requires at least one batch. */
    Range[] ranges();

    /** The encoding of the current ranges ({@link Encoding#fromRanges}). */
    default Encoding encoding() {
        return Encoding.fromRanges(spec(), ranges());
    }
}
