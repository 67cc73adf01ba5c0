package dev.inlierq.inlier;

import java.util.Locale;

/**
 * InlierQ's inlier / anomaly split of volume saliency scores (Kim et al., "Inlier-Centric Post-Training
 * Quantization for Object Detection Models", ICLR 2026, arXiv 2602.03472; step 3 of
 * {@code docs/inlierq.md}): a one-dimensional, two-component Gaussian mixture fitted by EM to the pooled scores
 * {@code s} of one tensor,
 * <pre>
 *   x = log(s + eps)   (Scale.LOG, default: saliency is heavy tailed)   or   x = s   (Scale.RAW)
 *   p(x) = pi_A N(x; mu_A, sd_A) + pi_I N(x; mu_I, sd_I),   mu_I >= mu_A (the inlier component has the higher mean)
 *   P(I | s) = pi_I N(x; mu_I, sd_I) / (pi_I N(x; mu_I, sd_I) + pi_A N(x; mu_A, sd_A))
 *   I = { volumes with P(I | s) >= tau }
 * </pre>
 *
 * <p><b>Fitting.</b> The means start at the 25th and 75th percentiles of {@code x} (linear interpolation between
 * order statistics; if the two coincide, at {@code mean(x) -/+ sd(x) / 2}), both deviations at {@code sd(x)}, both
 * weights at 1/2. EM then runs until {@link Options#maxIterations()} or until the per-sample average
 * log-likelihood changes by less than {@link Options#tolerance()}. Responsibilities are computed in the log
 * domain (log-sum-exp), so far-apart components do not underflow. Each variance is floored at
 * {@code 1e-6 var(x) + Double.MIN_NORMAL}, so a component cannot silently collapse onto a point; reaching the floor
 * is a guard rail (below). Everything is deterministic: no randomness, a fixed summation order (bit-identical
 * results on one JVM and platform; {@code Math.exp} may differ in the last bit across platforms). One EM iteration
 * is one pass over a primitive {@code double[]} with one {@code exp} per score; the only super-linear step is the
 * sort of a copy of {@code x} for the percentiles.
 *
 * <p><b>Guard rails.</b> When the split cannot be trusted the fit <em>falls back</em>: {@link Fit#fellBack()} is
 * true, {@link Fit#fallbackReason()} says why, and every volume counts as an inlier ({@code P(I | s) = 1},
 * inlier fraction 1), so the caller degrades to plain, all-volume reconstruction. The checks, in order (the first
 * that applies is reported):
 * <ol>
 *   <li>fewer than two distinct values of {@code x} (all scores identical, or a single score);</li>
 *   <li>an infinite score (a NaN score, an empty array and, in LOG scale, a score {@code <= -eps} are errors
 *       instead: {@link IllegalArgumentException});</li>
 *   <li>a component weight below {@code 1e-3} (including a component that lost all its responsibility);</li>
 *   <li>a component deviation at the variance floor: the scores hold a point mass, e.g. many exactly equal
 *       scores (in LOG scale, a large number of exact zeros maps to the single value {@code log(eps)});</li>
 *   <li>no evidence of two populations: the two-component fit does not beat the single Gaussian
 *       {@code N(mean(x), var(x))} by the Bayesian information criterion, i.e. the gain in total log-likelihood is
 *       at most {@code (3/2) ln n} (three extra parameters). This is this project's choice: on unimodal data,
 *       e.g. one Gaussian cluster, EM still returns two overlapping components and the split they induce is
 *       arbitrary; the paper does not say what it does there;</li>
 *   <li>an inlier fraction (at {@code tau}) below {@link Options#minInlierFraction()} (default 1%) or above
 *       {@link Options#maxInlierFraction()} (default 99%), as the paper prescribes.</li>
 * </ol>
 * When EM ran, a fallen-back {@link Fit} keeps the fitted parameters for diagnosis; otherwise they are NaN.
 *
 * <p><b>Reading the posterior.</b> With unequal deviations the posterior is not monotone in {@code s}: far in the
 * tail of the narrower component the wider one dominates again. That is the formula of the paper, kept as is.
 */
public final class InlierMixture {
    /** A component whose weight falls below this is said to have collapsed. */
    public static final double MIN_WEIGHT = 1e-3;
    /** The variance floor is {@code VARIANCE_FLOOR_FRACTION * var(x) + Double.MIN_NORMAL}. */
    public static final double VARIANCE_FLOOR_FRACTION = 1e-6;

    private InlierMixture() {
    }

    /** The domain the mixture is fitted in. */
    public enum Scale {
        /** {@code x = log(s + eps)}: the default, since saliency is heavy tailed. */
        LOG,
        /** {@code x = s}. */
        RAW
    }

    /**
     * Fit settings; the defaults ({@link #defaults()}) are those of {@code docs/inlierq.md} step 3.
     *
     * @param scale fit on {@code log(s + eps)} ({@link Scale#LOG}) or on {@code s} ({@link Scale#RAW})
     * @param maxIterations at least 1 EM iteration; default 200
     * @param tolerance stop when the per-sample average log-likelihood changes by less than this (finite,
     *     {@code >= 0}; 0 runs all iterations); default 1e-6
     * @param tau inlier threshold on {@code P(I | s)}, in (0, 1); default 0.5
     * @param minInlierFraction fall back below this inlier fraction, in [0, 1); default 0.01
     * @param maxInlierFraction fall back above this inlier fraction, in ({@code minInlierFraction}, 1]; default
     *     0.99
     * @param eps the offset of the LOG transform, finite and {@code > 0}; default 1e-12 (unused in RAW scale)
     */
    public record Options(Scale scale, int maxIterations, double tolerance, double tau, double minInlierFraction,
            double maxInlierFraction, double eps) {

        public Options {
            check(scale != null, "Options.scale", "LOG or RAW", null);
            check(maxIterations >= 1, "Options.maxIterations", "at least 1", maxIterations);
            check(Double.isFinite(tolerance) && tolerance >= 0, "Options.tolerance", "a finite value >= 0",
                    tolerance);
            check(tau > 0 && tau < 1, "Options.tau", "a value in (0, 1)", tau);
            check(minInlierFraction >= 0 && minInlierFraction < 1, "Options.minInlierFraction",
                    "a value in [0, 1)", minInlierFraction);
            check(maxInlierFraction > minInlierFraction && maxInlierFraction <= 1, "Options.maxInlierFraction",
                    "a value in (minInlierFraction = " + minInlierFraction + ", 1]", maxInlierFraction);
            check(Double.isFinite(eps) && eps > 0, "Options.eps", "a finite value > 0", eps);
        }

        /** LOG scale, 200 iterations, tolerance 1e-6, tau 0.5, inlier fraction in [0.01, 0.99], eps 1e-12. */
        public static Options defaults() {
            return new Options(Scale.LOG, 200, 1e-6, 0.5, 0.01, 0.99, 1e-12);
        }

        public Options withTau(double tau) {
            return new Options(scale, maxIterations, tolerance, tau, minInlierFraction, maxInlierFraction, eps);
        }

        public Options withScale(Scale s) {
            return new Options(s, maxIterations, tolerance, tau, minInlierFraction, maxInlierFraction, eps);
        }

        /**
         * The fitted-domain value of score {@code s} at index {@code index} (-1 for a single score, only used in
         * messages): {@code log(s + eps)} or {@code s}. NaN, and in LOG scale {@code s <= -eps}, are rejected.
         */
        double transform(double s, int index) {
            String what = index < 0 ? "score" : "scores[" + index + "]";
            check(!Double.isNaN(s), what, "a score that is not NaN", s);
            if (scale == Scale.RAW) {
                return s;
            }
            double shifted = s + eps;
            check(shifted > 0, what, "a score > -eps = " + (-eps) + " (LOG scale fits log(s + eps))", s);
            return Math.log(shifted);
        }
    }

    /**
     * One weighted Gaussian of the mixture, {@code pi N(x; mu, sd)}, in the fitted domain.
     *
     * @param weight {@code pi}
     * @param mean {@code mu}
     * @param deviation {@code sd}
     */
    public record Component(double weight, double mean, double deviation) {
    }

    /**
     * A fitted mixture. Weights, means and deviations are in the fitted domain ({@code log(s + eps)} or
     * {@code s}); component A ("anomaly") is the one with the lower mean, component I ("inlier") the one with the
     * higher mean.
     *
     * @param anomaly component A: {@code pi_A}, {@code mu_A}, {@code sd_A}
     * @param inlier component I: {@code pi_I = 1 - pi_A}, {@code mu_I >= mu_A}, {@code sd_I}
     * @param iterations EM iterations run (0 when EM did not run)
     * @param converged whether the log-likelihood change fell below the tolerance
     * @param logLikelihood per-sample average log-likelihood of {@code x} under the final parameters (a density
     *     in the fitted domain; NaN when EM did not run)
     * @param fellBack whether a guard rail fired; then every volume is an inlier
     * @param fallbackReason why, in words; null when {@code !fellBack}
     * @param inlierFraction fraction of the fitted scores with {@code P(I | s) >= tau}; 1 when {@code fellBack}
     * @param count number of scores fitted
     * @param options the settings used
     */
    public record Fit(Component anomaly, Component inlier, int iterations, boolean converged, double logLikelihood,
            boolean fellBack, String fallbackReason, double inlierFraction, long count, Options options) {

        public Fit {
            check(options != null, "Fit.options", "a value", null);
            check(anomaly != null && inlier != null, "Fit components", "two components", anomaly + ", " + inlier);
            double anomalyWeight = anomaly.weight();
            double anomalyMean = anomaly.mean();
            double anomalyDeviation = anomaly.deviation();
            double inlierWeight = inlier.weight();
            double inlierMean = inlier.mean();
            double inlierDeviation = inlier.deviation();
            check(count >= 1, "Fit.count", "at least 1", count);
            check(iterations >= 0, "Fit.iterations", "a count >= 0", iterations);
            check(fellBack == (fallbackReason != null), "Fit.fallbackReason",
                    fellBack ? "a reason when fellBack" : "null when not fellBack", fallbackReason);
            check(inlierFraction >= 0 && inlierFraction <= 1, "Fit.inlierFraction", "a value in [0, 1]",
                    inlierFraction);
            check(!fellBack || inlierFraction == 1, "Fit.inlierFraction", "1 when fellBack", inlierFraction);
            if (!fellBack) {
                check(anomalyWeight > 0 && inlierWeight > 0 && anomalyWeight < 1 && inlierWeight < 1, "Fit weights",
                        "two weights in (0, 1)", anomalyWeight + ", " + inlierWeight);
                check(Double.isFinite(anomalyMean) && Double.isFinite(inlierMean) && inlierMean >= anomalyMean,
                        "Fit means", "finite means with inlierMean >= anomalyMean", anomalyMean + ", " + inlierMean);
                check(anomalyDeviation > 0 && inlierDeviation > 0 && Double.isFinite(anomalyDeviation)
                        && Double.isFinite(inlierDeviation), "Fit deviations", "two finite deviations > 0",
                        anomalyDeviation + ", " + inlierDeviation);
            }
        }

        /** {@code pi_A}. */
        public double anomalyWeight() {
            return anomaly.weight();
        }

        /** {@code mu_A}. */
        public double anomalyMean() {
            return anomaly.mean();
        }

        /** {@code sd_A}. */
        public double anomalyDeviation() {
            return anomaly.deviation();
        }

        /** {@code pi_I = 1 - pi_A}. */
        public double inlierWeight() {
            return inlier.weight();
        }

        /** {@code mu_I >= mu_A}. */
        public double inlierMean() {
            return inlier.mean();
        }

        /** {@code sd_I}. */
        public double inlierDeviation() {
            return inlier.deviation();
        }

        /**
         * {@code P(I | s)} for one raw score {@code s} (the scale transform is applied here). 1 for every score when
         * {@link #fellBack()}. NaN, and in LOG scale {@code s <= -eps}, are rejected as in {@link #fit}. Infinite
         * scores get the limit of the posterior.
         */
        public double posterior(double s) {
            double x = options.transform(s, -1);
            return fellBack ? 1.0 : posterior().of(x);
        }

        /** {@link #posterior(double)} of each score. */
        public float[] posteriors(float[] scores) {
            check(scores != null, "scores", "an array", null);
            float[] p = new float[scores.length];
            Posterior post = fellBack ? null : posterior();
            for (int i = 0; i < scores.length; i++) {
                double x = options.transform(scores[i], i);
                p[i] = fellBack ? 1f : (float) post.of(x);
            }
            return p;
        }

        /** {@code posterior(s) >= tau}; true for every valid score when {@link #fellBack()}. */
        public boolean isInlier(double s) {
            return posterior(s) >= options.tau();
        }

        private Posterior posterior() {
            return new Posterior(anomaly.weight(), anomaly.mean(), anomaly.deviation(), inlier.weight(),
                    inlier.mean(), inlier.deviation());
        }
    }

    /**
     * Fits the mixture to {@code scores} (the pooled saliency of one tensor's volumes) with EM, applying the
     * guard rails of the class comment.
     *
     * @throws IllegalArgumentException for a null or empty array, a NaN score, or in LOG scale a score
     *     {@code <= -eps}
     */
    public static Fit fit(float[] scores, Options o) {
        check(o != null, "options", "a value", null);
        check(scores != null, "scores", "an array", null);
        int n = scores.length;
        check(n >= 1, "scores", "at least one score", "an empty array");
        double[] x = new double[n];
        Fit degenerate = transform(scores, o, x);
        if (degenerate != null) {
            return degenerate;
        }

        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double ss = 0;
        for (double v : x) {
            double d = v - mean;
            ss += d * d;
        }
        double varX = ss / n;
        double varFloor = VARIANCE_FLOOR_FRACTION * varX + Double.MIN_NORMAL;
        double v0 = Math.max(varX, varFloor);

        MixtureEm em = MixtureEm.start(x, mean, v0);
        double[] acc = new double[6];
        em.run(x, o, varFloor, acc);
        em.orderComponents();
        double sdA = Math.sqrt(em.varA);
        double sdI = Math.sqrt(em.varI);

        // final pass: log-likelihood of the final parameters and the inlier count, with the arithmetic of
        // Fit.posterior so that inlierFraction agrees with Fit.isInlier score by score
        double ll = Double.NaN;
        long inliers = 0;
        if (em.failure == null) {
            ll = MixtureEm.eStep(x, em.wA, em.muA, em.varA, em.wI, em.muI, em.varI, acc);
            Posterior post = new Posterior(em.wA, em.muA, sdA, em.wI, em.muI, sdI);
            double tau = o.tau();
            for (double v : x) {
                if (post.of(v) >= tau) {
                    inliers++;
                }
            }
        }
        double fraction = (double) inliers / n;

        String reason = fallbackReason(em, ll, fraction, varX, varFloor, n, o);
        boolean fellBack = reason != null;
        return new Fit(new Component(em.wA, em.muA, sdA), new Component(em.wI, em.muI, sdI), em.iterations,
                em.converged, ll, fellBack, reason, fellBack ? 1.0 : fraction, n, o);
    }

    /**
     * Fills {@code x} with the transformed scores; returns the not-fitted result when they are degenerate
     * (fewer than 2 distinct values, or an infinite one), else null.
     */
    private static Fit transform(float[] scores, Options o, double[] x) {
        int n = scores.length;
        int firstInfinite = -1;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = o.transform(scores[i], i);
            if (Double.isInfinite(v) && firstInfinite < 0) {
                firstInfinite = i;
            }
            x[i] = v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (firstInfinite < 0 && !(min < max)) {
            return notFitted(n, o, n == 1 ? "a single score: nothing to split"
                    : "all " + n + " scores are identical (x = " + min + "): fewer than 2 distinct values");
        }
        if (firstInfinite >= 0) {
            return notFitted(n, o, "scores[" + firstInfinite + "] = " + scores[firstInfinite] + " is infinite");
        }
        return null;
    }

    /** Why the fit falls back to "everything is an inlier" (the guard rails of the class comment), or null. */
    private static String fallbackReason(MixtureEm em, double ll, double fraction, double varX, double varFloor, int n,
            Options o) {
        double wA = em.wA;
        double wI = em.wI;
        double varA = em.varA;
        double varI = em.varI;
        String reason = em.failure;
        if (reason == null && Math.min(wA, wI) < MIN_WEIGHT) {
            reason = String.format(Locale.ROOT, "component weight collapsed: %s weight %.3g < %.0e",
                    wA < wI ? "anomaly" : "inlier", Math.min(wA, wI), MIN_WEIGHT);
        }
        if (reason == null && (varA <= varFloor || varI <= varFloor)) {
            reason = String.format(Locale.ROOT, "component deviation collapsed to the floor %.3g (%s domain): "
                    + "the %s component sits on a point mass of equal scores", Math.sqrt(varFloor),
                    o.scale().name(), varA <= varFloor ? "anomaly" : "inlier");
        }
        if (reason == null) {
            double llSingle = -0.5 * Math.log(varX) - MixtureEm.LOG_SQRT_2PI - 0.5;
            double gain = (ll - llSingle) * n;
            double penalty = 1.5 * Math.log(n);
            if (!(gain > penalty)) {
                reason = String.format(Locale.ROOT, "no evidence of two populations: two components gain %.3g "
                        + "in total log-likelihood over one Gaussian, not more than the BIC penalty 1.5 ln n = %.3g",
                        gain, penalty);
            }
        }
        if (reason == null && fraction < o.minInlierFraction()) {
            reason = String.format(Locale.ROOT, "inlier fraction %.4g (at tau %s) is below minInlierFraction %s",
                    fraction, o.tau(), o.minInlierFraction());
        }
        if (reason == null && fraction > o.maxInlierFraction()) {
            reason = String.format(Locale.ROOT, "inlier fraction %.4g (at tau %s) is above maxInlierFraction %s",
                    fraction, o.tau(), o.maxInlierFraction());
        }
        return reason;
    }

    private static Fit notFitted(int n, Options o, String reason) {
        double nan = Double.NaN;
        Component none = new Component(nan, nan, nan);
        return new Fit(none, none, 0, false, nan, true, reason, 1.0, n, o);
    }

    /**
     * {@code P(I | x)} in the fitted domain as a logistic of the log-odds
     * {@code d = ln(pi_I / pi_A) - ln(sd_I / sd_A) - (z_I^2 - z_A^2) / 2}, {@code z = (x - mu) / sd}. Both
     * {@link Fit#posterior} and the inlier count of {@link #fit} go through here.
     */
    private static final class Posterior {
        private final double c;
        private final double mA;
        private final double sA;
        private final double mI;
        private final double sI;

        Posterior(double wA, double mA, double sA, double wI, double mI, double sI) {
            this.c = Math.log(wI) - Math.log(wA) - Math.log(sI) + Math.log(sA);
            this.mA = mA;
            this.sA = sA;
            this.mI = mI;
            this.sI = sI;
        }

        double of(double x) {
            double zI = (x - mI) / sI;
            double zA = (x - mA) / sA;
            double d = c - 0.5 * (zI - zA) * (zI + zA);
            if (Double.isNaN(d)) { // x infinite (or z overflowed): the limit of the log-odds
                if (sI != sA) {
                    d = sI > sA ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                } else if (mI != mA) {
                    d = x > 0.5 * (mA + mI) ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                } else {
                    d = c;
                }
            }
            if (d >= 0) {
                return 1 / (1 + Math.exp(-d));
            }
            double e = Math.exp(d);
            return e / (1 + e);
        }
    }

    /** Throws {@code IllegalArgumentException("what: expected EXPECTED, got GOT")} unless {@code ok}. */
    private static void check(boolean ok, String what, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException(what + ": expected " + expected + ", got " + got);
        }
    }
}
