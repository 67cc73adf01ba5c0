package dev.inlierq.quant;

/**
 * What every {@link ChannelState} keeps besides its own summary: how many finite values it recorded, their
 * extremes, and how many non-finite values it skipped. {@link #scan} reads one batch for both kinds of state.
 */
abstract sealed class FiniteExtremes implements ChannelState permits RunningMinMax, Histogram {
    /** Smallest value recorded; {@code +inf} while empty. */
    double min = Double.POSITIVE_INFINITY;
    /** Largest value recorded; {@code -inf} while empty. */
    double max = Double.NEGATIVE_INFINITY;
    /** Finite values recorded. */
    long total;
    /** Non-finite values seen and not recorded. */
    long skipped;

    /** The finite values of one batch: their count and extremes ({@code +inf}, {@code -inf} when none). */
    record Batch(long count, double min, double max) {
    }

    /**
     * The finite values of {@code values[from..to)} ({@code |x|} when {@code magnitude}): counts the others in
     * {@link #skipped()}, and leaves the recorded extremes and count to the caller. Of equal extremes (0 and -0)
     * the first one seen is kept.
     */
    final Batch scan(float[] values, int from, int to, boolean magnitude) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long n = 0;
        for (int i = from; i < to; i++) {
            float x = values[i];
            if (!Float.isFinite(x)) {
                skipped++;
                continue;
            }
            double v = magnitude ? Math.abs(x) : x;
            n++;
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        return new Batch(n, lo, hi);
    }

    @Override
    public final long total() {
        return total;
    }

    @Override
    public final double min() {
        return total == 0 ? 0 : min;
    }

    @Override
    public final double max() {
        return total == 0 ? 0 : max;
    }

    @Override
    public final long skipped() {
        return skipped;
    }
}
