package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

import java.util.Arrays;

/**
 * Clips a fraction of the values: for a symmetric spec {@code T = Q_p(|x|)} and the range {@code [-T, T]};
 * for an asymmetric spec both tails, {@code [Q_{1-p}(x), Q_p(x)]}, where {@code Q_p} is the {@code p}-quantile
 * ({@code p = percentile / 100}). From a {@link Histogram}, quantiles interpolate linearly inside a bin
 * ({@link Histogram#quantile}); from raw values ({@link #estimate(float[], QuantSpec)}), they interpolate
 * between order statistics at position {@code p (n - 1)} (NumPy's default). For standard normal data,
 * 99.99 gives {@code T = 3.89} on {@code |x|} and {@code [-3.72, 3.72]} with both tails. Source: percentile
 * calibration as in McKinstry et al., "Discovering Low-Precision Networks Close to Full-Precision Networks for
 * Efficient Inference" (2019) and ONNX Runtime's {@code Percentile} calibrator.
 *
 * @param percentile in [50, 100]; e.g. 99.99 (ONNX Runtime's default for its Percentile calibrator);
 *     100 is min-max
 */
public record PercentileEstimator(double percentile) implements RangeEstimator {

    public PercentileEstimator {
        check(percentile >= 50 && percentile <= 100, "PercentileEstimator.percentile", "a percentile in [50, 100]",
                percentile);
    }

    @Override
    public Range estimate(ChannelState state, QuantSpec spec) {
        Histogram h = RangeEstimator.histogramOf(state, this);
        if (h.isEmpty()) {
            return Range.ZERO;
        }
        double p = percentile / 100;
        if (spec.isSymmetric() || h.isMagnitude()) {
            return Range.symmetric((float) h.magnitudes().quantile(p));
        }
        return new Range((float) h.quantile(1 - p), (float) h.quantile(p));
    }

    @Override
    public Range estimate(float[] values, QuantSpec spec) {
        double p = percentile / 100;
        int n = 0;
        float[] v = new float[values.length];
        for (float x : values) {
            if (Float.isFinite(x)) {
                v[n++] = spec.isSymmetric() ? Math.abs(x) : x;
            }
        }
        if (n == 0) {
            return Range.ZERO;
        }
        v = Arrays.copyOf(v, n);
        Arrays.sort(v);
        if (spec.isSymmetric()) {
            return Range.symmetric((float) sortedQuantile(v, p));
        }
        return new Range((float) sortedQuantile(v, 1 - p), (float) sortedQuantile(v, p));
    }

    static double sortedQuantile(float[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double f = pos - i;
        return sorted[i] + f * ((double) sorted[i + 1] - sorted[i]);
    }

    @Override
    public boolean needsHistogram() {
        return true;
    }
}
