package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * KL-divergence ("entropy") calibration: the clipping threshold whose quantized distribution loses the least
 * information, as in TensorRT's INT8 calibrator (Szymon Migacz, "8-bit Inference with TensorRT", GTC 2017).
 *
 * <p>Input: a histogram {@code h[0..B)} of {@code |x|} (or of {@code x >= 0} when an asymmetric spec sees
 * non-negative data) over bins of width {@code w} starting at 0. Exact zeros are removed from bin 0 first: a
 * grid that contains 0 represents them without error, and a ReLU spike at 0 would otherwise pull the threshold
 * down. For every candidate {@code i = startBin .. last non-empty bin + 1}:
 * <ol>
 *   <li>reference {@code P = h[0..i)} with the outliers folded into its last bin:
 *       {@code P[i-1] += sum_{j >= i} h[j]};
 *   <li>candidate {@code Q}: the {@code i} bins merged into {@code L = min(levels, i)} consecutive groups
 *       (bin {@code j} in group {@code floor(j L / i)}), each group's count {@code sum h[j]} (outliers excluded)
 *       spread evenly over those of its bins where {@code P != 0}, and 0 where {@code P = 0};
 *   <li>smoothing: in {@code P} and in {@code Q}, every zero bin gets {@code eps = 1e-4} counts, taken from the
 *       non-zero bins in proportion to their counts (so {@code KL} stays finite when a bin of {@code P} holds
 *       only folded outliers);
 *   <li>{@code KL(P || Q) = sum_j p_j ln(p_j / q_j)} with {@code p, q} the normalised {@code P, Q}.
 * </ol>
 * The threshold is {@code T = i* w} (the upper edge of the last kept bin, capped at the observed maximum) for
 * the {@code i*} of least divergence (ties: the larger {@code i}). {@code levels} is {@code 2^(bits-1)}
 * (128 for 8 bits: one sign of a symmetric grid) for {@code |x|}, and {@code 2^bits} for non-negative data
 * under an asymmetric spec. Range: {@code [-T, T]} for symmetric specs; {@code [0, T]} for non-negative data;
 * for an asymmetric spec on signed data, {@code [-T, T]} intersected with the observed {@code [min, max]}.
 *
 * <p>With the project's {@link Histogram} (between {@code B/2} and {@code B} bins cover the data), candidates
 * start at {@code startBin} bins, i.e. at least {@code startBin / B} of the maximum.
 *
 * @param startBin smallest candidate threshold in bins; default 128 (TensorRT), at least 1
 */
public record EntropyEstimator(int startBin) implements RangeEstimator {
    /** Counts given to an empty bin by the smoothing. */
    public static final double SMOOTHING = 1e-4;
    /** TensorRT's setting: candidates from 128 bins up. */
    public static final EntropyEstimator DEFAULT = new EntropyEstimator(128);

    public EntropyEstimator {
        check(startBin >= 1, "EntropyEstimator.startBin", "a bin count >= 1", startBin);
    }

    @Override
    public Range estimate(ChannelState state, QuantSpec spec) {
        Histogram h = RangeEstimator.histogramOf(state, this);
        if (h.isEmpty()) {
            return Range.ZERO;
        }
        boolean oneSided = !spec.isSymmetric() && !h.isMagnitude() && h.min() >= 0;
        Histogram m = oneSided ? h : h.magnitudes();
        int levels = 1 << (oneSided ? spec.bits() : spec.bits() - 1);
        float t = (float) threshold(m, levels);
        if (oneSided) {
            return new Range(0f, t);
        }
        if (spec.isSymmetric() || h.isMagnitude()) {
            return Range.symmetric(t);
        }
        return new Range(Math.max((float) h.min(), -t), Math.min((float) h.max(), t));
    }

    @Override
    public Range estimate(float[] values, QuantSpec spec) {
        Histogram h = new Histogram(Histogram.DEFAULT_BINS, spec.isSymmetric());
        h.add(values);
        return estimate(h, spec);
    }

    @Override
    public boolean needsHistogram() {
        return true;
    }

    /** The threshold {@code T} for a histogram whose bin 0 starts at 0. */
    double threshold(Histogram m, int levels) {
        long[] c = m.counts();
        c[0] -= m.zeros();
        int occupied = 0;
        for (int j = c.length - 1; j >= 0; j--) {
            if (c[j] != 0) {
                occupied = j + 1;
                break;
            }
        }
        if (occupied == 0) {
            return 0;
        }
        if (occupied <= startBin) {
            return m.max();
        }
        double[] suffix = new double[occupied + 1];
        for (int j = occupied - 1; j >= 0; j--) {
            suffix[j] = suffix[j + 1] + c[j];
        }
        double[] p = new double[occupied];
        double[] q = new double[occupied];
        int best = occupied;
        double bestKl = Double.POSITIVE_INFINITY;
        for (int i = startBin; i <= occupied; i++) {
            double kl = divergence(c, suffix, i, levels, p, q);
            if (kl <= bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        return Math.min(best * m.binWidth(), m.max());
    }

    /** {@code KL(P || Q)} for candidate {@code i}; {@code p} and {@code q} are scratch arrays of length >= i. */
    static double divergence(long[] c, double[] suffix, int i, int levels, double[] p, double[] q) {
        for (int j = 0; j < i; j++) {
            p[j] = c[j];
        }
        p[i - 1] += suffix[i];
        int groups = Math.min(levels, i);
        for (int g = 0; g < groups; g++) {
            int from = (int) (((long) g * i + groups - 1) / groups);
            int to = (int) (((long) (g + 1) * i + groups - 1) / groups);
            double sum = 0;
            int nonZero = 0;
            for (int j = from; j < to; j++) {
                sum += c[j];
                if (p[j] != 0) {
                    nonZero++;
                }
            }
            double each = nonZero == 0 ? 0 : sum / nonZero;
            for (int j = from; j < to; j++) {
                q[j] = p[j] != 0 ? each : 0;
            }
        }
        double ps = smooth(p, i);
        double qs = smooth(q, i);
        if (ps <= 0 || qs <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int j = 0; j < i; j++) {
            double pj = p[j] / ps;
            double qj = q[j] / qs;
            if (pj > 0) {
                kl += pj * Math.log(pj / qj);
            }
        }
        return kl;
    }

    /**
     * Gives every zero bin {@link #SMOOTHING} counts taken proportionally from the others; returns the total
     * (unchanged), or 0 if it cannot (no mass to take from).
     */
    static double smooth(double[] d, int n) {
        double sum = 0;
        int zeros = 0;
        for (int j = 0; j < n; j++) {
            sum += d[j];
            if (d[j] == 0) {
                zeros++;
            }
        }
        double take = SMOOTHING * zeros;
        if (sum <= take) {
            return 0;
        }
        if (zeros > 0) {
            double keep = (sum - take) / sum;
            for (int j = 0; j < n; j++) {
                d[j] = d[j] == 0 ? SMOOTHING : d[j] * keep;
            }
        }
        return sum;
    }
}
