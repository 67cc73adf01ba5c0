package dev.inlierq.sensitivity;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Spearman's rank correlation coefficient (C. Spearman, "The proof and measurement of association between two
 * things", Am. J. Psychol. 15, 1904): Pearson's correlation of the ranks,
 * <pre>
 *   rho = sum_i (r_i - mean r)(s_i - mean s) / sqrt(sum_i (r_i - mean r)^2 * sum_i (s_i - mean s)^2)
 * </pre>
 * with tied values given the mean of the ranks they span (fractional ranking), so that with no ties it equals
 * {@code 1 - 6 sum d_i^2 / (n (n^2 - 1))}. The same definition as {@code scipy.stats.spearmanr}.
 */
public final class Spearman {
    private Spearman() {
    }

    /**
     * The rank correlation of paired samples, in [-1, 1]; NaN when fewer than two pairs or when one sample is
     * constant (its ranks do not vary).
     *
     * @throws IllegalArgumentException for samples of different lengths or a NaN value
     */
    public static double correlation(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("samples of different lengths: " + x.length + " and " + y.length);
        }
        if (x.length < 2) {
            return Double.NaN;
        }
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mean = (x.length + 1) / 2.0; // the mean of fractional ranks is always (n + 1) / 2
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double a = rx[i] - mean;
            double b = ry[i] - mean;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
    }

    /**
     * Fractional ranks, 1 for the smallest value: tied values get the mean of the ranks they occupy.
     *
     * @throws IllegalArgumentException for a NaN value (it has no rank)
     */
    public static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                throw new IllegalArgumentException("NaN at index " + i + " has no rank");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // ranks i+1 .. j+1, averaged
            for (int k = i; k <= j; k++) {
                r[order[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }
}
