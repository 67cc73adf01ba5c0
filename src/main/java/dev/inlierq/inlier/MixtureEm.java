package dev.inlierq.inlier;

import java.util.Arrays;

/**
 * The EM iteration of {@link InlierMixture#fit}: the iterate (the two components' weights, means and
 * variances, and how the iteration ended), its start at the percentiles, the iteration itself and the E-step
 * it repeats.
 */
final class MixtureEm {
    static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    /** Scores per logarithm of the running product of {@code 1 + e} in {@link #eStep}. */
    private static final int LOG_BLOCK = 512;

    double wA = 0.5;
    double muA;
    double varA;
    double wI = 0.5;
    double muI;
    double varI;
    int iterations;
    boolean converged;
    String failure;

    /** Means at the 25th and 75th percentiles (or mean -/+ sd/2 when those coincide), variance v0. */
    static MixtureEm start(double[] x, double mean, double v0) {
        MixtureEm em = new MixtureEm();
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        em.muA = percentile(sorted, 0.25);
        em.muI = percentile(sorted, 0.75);
        if (!(em.muA < em.muI)) {
            double sd = Math.sqrt(v0);
            em.muA = mean - 0.5 * sd;
            em.muI = mean + 0.5 * sd;
        }
        em.varA = v0;
        em.varI = v0;
        return em;
    }

    /** EM until the log-likelihood changes by less than the tolerance, a weight collapses, or maxIterations. */
    void run(double[] x, InlierMixture.Options o, double varFloor, double[] acc) {
        double prevLl = Double.NaN;
        for (int it = 1; it <= o.maxIterations(); it++) {
            double ll = eStep(x, wA, muA, varA, wI, muI, varI, acc);
            double nA = acc[0];
            double sA = acc[1];
            double ssA = acc[2];
            double nI = acc[3];
            double sI = acc[4];
            double ssI = acc[5];
            iterations = it;
            if (!(nA > 0 && nI > 0)) {
                failure = "component weight collapsed: the component started at the "
                        + (nA > 0 ? "75th" : "25th") + " percentile lost all responsibility at iteration " + it;
                break;
            }
            // M-step, with the old means as shifts: var = E_r[(x - mu_old)^2] - (mu_new - mu_old)^2
            double shiftA = sA / nA;
            double shiftI = sI / nI;
            muA += shiftA;
            muI += shiftI;
            varA = Math.max(ssA / nA - shiftA * shiftA, varFloor);
            varI = Math.max(ssI / nI - shiftI * shiftI, varFloor);
            wA = nA / (nA + nI);
            wI = nI / (nA + nI);
            if (Math.abs(ll - prevLl) < o.tolerance()) {
                converged = true;
                break;
            }
            prevLl = ll;
        }
    }

    /** EM may swap the roles of the initial components: the inlier has the higher mean. */
    void orderComponents() {
        if (muA > muI) {
            double t = muA;
            muA = muI;
            muI = t;
            t = varA;
            varA = varI;
            varI = t;
            t = wA;
            wA = wI;
            wI = t;
        }
    }

    /**
     * One E-step: the responsibilities {@code r_A, r_I} of every {@code x} by log-sum-exp, accumulated into
     * {@code acc = [sum r_A, sum r_A d_A, sum r_A d_A^2, sum r_I, sum r_I d_I, sum r_I d_I^2]} with
     * {@code d = x - mu} (deviations from the current means, for a cancellation-free M-step). Returns the
     * per-sample average log-likelihood {@code mean(max(l_A, l_I) + log(1 + exp(-|l_A - l_I|)))}, where
     * {@code l = log(pi N(x; mu, var))}; the {@code log(1 + e)} terms are summed as the logarithm of their
     * product over blocks of {@value #LOG_BLOCK} scores (each factor is in [1, 2], so a block cannot overflow).
     */
    static double eStep(double[] x, double wA, double muA, double varA, double wI, double muI, double varI,
            double[] acc) {
        double cA = Math.log(wA) - 0.5 * Math.log(varA) - LOG_SQRT_2PI;
        double cI = Math.log(wI) - 0.5 * Math.log(varI) - LOG_SQRT_2PI;
        double hA = 0.5 / varA;
        double hI = 0.5 / varI;
        double nA = 0;
        double sA = 0;
        double ssA = 0;
        double nI = 0;
        double sI = 0;
        double ssI = 0;
        double sumMax = 0;
        double sumLog = 0;
        int n = x.length;
        for (int start = 0; start < n; start += LOG_BLOCK) {
            int end = Math.min(n, start + LOG_BLOCK);
            double prod = 1;
            for (int i = start; i < end; i++) {
                double dA = x[i] - muA;
                double dI = x[i] - muI;
                double lA = cA - hA * dA * dA;
                double lI = cI - hI * dI * dI;
                boolean inlierLarger = lI >= lA;
                double e = Math.exp(-Math.abs(lI - lA));
                double big = 1 / (1 + e);
                double small = e * big;
                double rA = inlierLarger ? small : big;
                double rI = inlierLarger ? big : small;
                sumMax += Math.max(lA, lI);
                prod *= 1 + e;
                double rdA = rA * dA;
                double rdI = rI * dI;
                nA += rA;
                sA += rdA;
                ssA += rdA * dA;
                nI += rI;
                sI += rdI;
                ssI += rdI * dI;
            }
            sumLog += Math.log(prod);
        }
        acc[0] = nA;
        acc[1] = sA;
        acc[2] = ssA;
        acc[3] = nI;
        acc[4] = sI;
        acc[5] = ssI;
        return (sumMax + sumLog) / n;
    }

    /** Linear interpolation between the order statistics at position {@code p (n - 1)} of a sorted array. */
    private static double percentile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double f = pos - lo;
        return sorted[lo] + f * (sorted[hi] - sorted[lo]);
    }
}
