package dev.inlierq.quant;

/**
 * Turns what an {@link Observer} recorded for one quantization parameter into a real range
 * {@code [min, max]}, for a given {@link QuantSpec} (the range then becomes a grid through
 * {@link Encoding#fromRange}). One record per statistic, holding its parameters as data:
 * {@link MinMaxEstimator}, {@link PercentileEstimator}, {@link EntropyEstimator}, {@link MseEstimator}.
 *
 * <p>Conventions shared by all: an empty state gives {@link Range#ZERO}; a symmetric spec gives a range
 * {@code [-T, T]}; a histogram of magnitudes ({@link Histogram#isMagnitude()}) can only give a symmetric
 * range and is read as the histogram of a distribution symmetric about 0.
 */
public sealed interface RangeEstimator permits MinMaxEstimator, PercentileEstimator, EntropyEstimator,
        MseEstimator {

    /** The range for one parameter from its observer state. */
    Range estimate(ChannelState state, QuantSpec spec);

    /** The range straight from all values of one parameter (weights): exact where the statistic allows. */
    Range estimate(float[] values, QuantSpec spec);

    /** Whether {@link #estimate(ChannelState, QuantSpec)} reads a {@link Histogram} (else a running min/max). */
    boolean needsHistogram();

    /** The state as a histogram, or an error naming the estimator. */
    static Histogram histogramOf(ChannelState state, RangeEstimator who) {
        if (state instanceof Histogram h) {
            return h;
        }
        throw new IllegalArgumentException(who + ": expected a Histogram state, got " + state);
    }
}
