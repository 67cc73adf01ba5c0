package dev.inlierq.inlier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.inlier.InlierMixture.Fit;
import dev.inlierq.inlier.InlierMixture.Options;
import dev.inlierq.inlier.InlierMixture.Scale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class InlierMixtureTest {
    private static final Options RAW = Options.defaults().withScale(Scale.RAW);

    /** {@code n} draws of {@code w N(m0, s0) + (1 - w) N(m1, s1)}, component chosen per draw. */
    private static float[] mixture(long seed, int n, double w, double m0, double s0, double m1, double s1) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() < w ? m0 + s0 * r.nextGaussian() : m1 + s1 * r.nextGaussian());
        }
        return x;
    }

    /** Exactly {@code k} draws of {@code N(m0, s0)} followed by {@code n - k} draws of {@code N(m1, s1)}. */
    private static float[] blocks(long seed, int n, int k, double m0, double s0, double m1, double s1) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (i < k ? m0 + s0 * r.nextGaussian() : m1 + s1 * r.nextGaussian());
        }
        return x;
    }

    private static float[] shuffled(float[] x, long seed) {
        float[] y = x.clone();
        Random r = new Random(seed);
        for (int i = y.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
        return y;
    }

    /** {@code pi_I N(x; mu_I, sd_I) / (pi_I N(x; mu_I, sd_I) + pi_A N(x; mu_A, sd_A))}, written out. */
    private static double closedForm(Fit f, double x) {
        double zI = (x - f.inlierMean()) / f.inlierDeviation();
        double zA = (x - f.anomalyMean()) / f.anomalyDeviation();
        double pI = f.inlierWeight() * Math.exp(-0.5 * zI * zI) / (Math.sqrt(2 * Math.PI) * f.inlierDeviation());
        double pA = f.anomalyWeight() * Math.exp(-0.5 * zA * zA) / (Math.sqrt(2 * Math.PI) * f.anomalyDeviation());
        return pI / (pI + pA);
    }

    private static void assertMessage(String expected, Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }

    private static void assertFitted(Fit f) {
        assertFalse(f.fellBack(), f::fallbackReason);
        assertNull(f.fallbackReason());
        assertTrue(f.converged(), () -> "not converged: " + f);
    }

    @Test
    void defaultsAreThoseOfTheDocs() {
        Options d = Options.defaults();
        assertEquals(new Options(Scale.LOG, 200, 1e-6, 0.5, 0.01, 0.99, 1e-12), d);
        assertEquals(0.7, d.withTau(0.7).tau());
        assertEquals(Scale.LOG, d.withTau(0.7).scale());
        assertEquals(Scale.RAW, d.withScale(Scale.RAW).scale());
        assertEquals(0.5, d.withScale(Scale.RAW).tau());
    }

    @Test
    void optionsAreValidated() {
        assertMessage("Options.scale: expected LOG or RAW, got null", () -> Options.defaults().withScale(null));
        assertMessage("Options.tau: expected a value in (0, 1), got 1.0", () -> Options.defaults().withTau(1));
        assertMessage("Options.tau: expected a value in (0, 1), got NaN",
                () -> Options.defaults().withTau(Double.NaN));
        assertMessage("Options.maxIterations: expected at least 1, got 0",
                () -> new Options(Scale.LOG, 0, 1e-6, 0.5, 0.01, 0.99, 1e-12));
        assertMessage("Options.tolerance: expected a finite value >= 0, got -1.0",
                () -> new Options(Scale.LOG, 200, -1, 0.5, 0.01, 0.99, 1e-12));
        assertMessage("Options.maxInlierFraction: expected a value in (minInlierFraction = 0.5, 1], got 0.4",
                () -> new Options(Scale.LOG, 200, 1e-6, 0.5, 0.5, 0.4, 1e-12));
        assertMessage("Options.minInlierFraction: expected a value in [0, 1), got -0.1",
                () -> new Options(Scale.LOG, 200, 1e-6, 0.5, -0.1, 0.99, 1e-12));
        assertMessage("Options.eps: expected a finite value > 0, got 0.0",
                () -> new Options(Scale.LOG, 200, 1e-6, 0.5, 0.01, 0.99, 0));
    }

    @Test
    void recoversAKnownMixtureInRawScale() {
        // 30% anomalies N(0, 1), 70% inliers N(5, 0.5)
        Fit f = InlierMixture.fit(mixture(1, 200_000, 0.3, 0, 1, 5, 0.5), RAW);
        assertFitted(f);
        assertEquals(0.0, f.anomalyMean(), 0.05);
        assertEquals(1.0, f.anomalyDeviation(), 0.05);
        assertEquals(0.3, f.anomalyWeight(), 0.02);
        assertEquals(5.0, f.inlierMean(), 0.05);
        assertEquals(0.5, f.inlierDeviation(), 0.05);
        assertEquals(0.7, f.inlierWeight(), 0.02);
        assertEquals(1.0, f.anomalyWeight() + f.inlierWeight(), 1e-12);
        // the components barely overlap: the inlier set is the inlier component
        assertEquals(0.7, f.inlierFraction(), 0.02);
        assertEquals(200_000, f.count());
        assertTrue(f.iterations() < 200);
        // the average log-likelihood of the true model, E[log p(x)], is about -1.54 for this mixture
        assertEquals(-1.54, f.logLikelihood(), 0.02);
    }

    @Test
    void recoversAKnownLogNormalMixtureInLogScaleFromAMillionScores() {
        // saliency-like scores: 40% exp(N(-6, 1)) anomalies, 60% exp(N(-2, 0.7)) inliers
        Random r = new Random(2);
        float[] s = new float[1_000_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.exp(r.nextDouble() < 0.4 ? -6 + r.nextGaussian() : -2 + 0.7 * r.nextGaussian());
        }
        Fit f = InlierMixture.fit(s, Options.defaults());
        assertFitted(f);
        assertEquals(Scale.LOG, f.options().scale());
        assertEquals(-6.0, f.anomalyMean(), 0.05);
        assertEquals(1.0, f.anomalyDeviation(), 0.05);
        assertEquals(0.4, f.anomalyWeight(), 0.02);
        assertEquals(-2.0, f.inlierMean(), 0.05);
        assertEquals(0.7, f.inlierDeviation(), 0.05);
        assertEquals(0.6, f.inlierWeight(), 0.02);
        // posterior takes raw scores: exp(mu_I) is deep in the inlier component, exp(mu_A) in the anomaly one
        assertTrue(f.posterior(Math.exp(-2)) > 0.99);
        assertTrue(f.posterior(Math.exp(-6)) < 0.01);
        assertTrue(f.isInlier(Math.exp(-2)));
        assertFalse(f.isInlier(Math.exp(-6)));
        assertTrue(f.isInlier(0.5)); // between the modes and beyond: still inlier on this side
    }

    @Test
    void posteriorEqualsTheClosedForm() {
        Fit f = InlierMixture.fit(mixture(3, 100_000, 0.3, 0, 1, 5, 0.5), RAW);
        assertFitted(f);
        for (double s = -3; s <= 8; s += 0.25) {
            assertEquals(closedForm(f, s), f.posterior(s), 1e-12, "s = " + s);
        }
        // the LOG scale applies the transform first: posterior(s) is the closed form at x = log(s + eps)
        Options log = Options.defaults();
        Random r = new Random(4);
        float[] s = new float[50_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.exp(r.nextDouble() < 0.5 ? -5 + r.nextGaussian() : -1 + r.nextGaussian());
        }
        Fit g = InlierMixture.fit(s, log);
        assertFitted(g);
        for (double v : new double[] {1e-4, 0.01, 0.1, 0.3, 1, 3}) {
            assertEquals(closedForm(g, Math.log(v + log.eps())), g.posterior(v), 1e-12, "s = " + v);
        }
    }

    @Test
    void posteriorIsMonotoneAndCrossesOneHalfMidwayForEqualComponents() {
        // 50% N(0, 1) + 50% N(4, 1): log-odds 4 (x - 2), so P(I | x) = 1/2 exactly at x = 2
        Fit f = InlierMixture.fit(mixture(5, 200_000, 0.5, 0, 1, 4, 1), RAW);
        assertFitted(f);
        double prev = -1;
        double crossing = Double.NaN;
        for (int k = 0; k <= 2400; k++) {
            double x = -10 + 0.01 * k;
            double p = f.posterior(x);
            assertTrue(p >= prev, "posterior decreases at x = " + x);
            if (prev < 0.5 && p >= 0.5) {
                crossing = x;
            }
            prev = p;
        }
        assertEquals(2.0, crossing, 0.05);
        assertEquals(0.5, f.posterior(2.0), 0.05);
        assertTrue(f.posterior(1.0) < 0.05 && f.posterior(3.0) > 0.95);
        assertEquals(0.5, f.inlierFraction(), 0.01);
    }

    @Test
    void aWiderAnomalyComponentWinsTheFarTailAsTheFormulaSays() {
        // sd_A = 1 > sd_I = 0.5: past the inlier component the posterior falls back to the anomaly side
        Fit f = InlierMixture.fit(mixture(6, 100_000, 0.3, 0, 1, 5, 0.5), RAW);
        assertFitted(f);
        assertTrue(f.posterior(5) > 0.999);
        assertTrue(f.posterior(15) < 0.5);
        assertEquals(0.0, f.posterior(Double.POSITIVE_INFINITY));
        assertEquals(0.0, f.posterior(Double.NEGATIVE_INFINITY));
    }

    @Test
    void tauMovesTheInlierFractionAlongTheTrueThreshold() {
        // 50% N(0, 1) + 50% N(3, 1): log-odds 3 (x - 1.5), so P(I | x) >= tau iff x >= 1.5 + logit(tau) / 3
        float[] x = mixture(7, 200_000, 0.5, 0, 1, 3, 1);
        double prevFraction = 2;
        Fit base = null;
        for (double tau : new double[] {0.1, 0.3, 0.5, 0.7, 0.9}) {
            Fit f = InlierMixture.fit(x, RAW.withTau(tau));
            assertFitted(f);
            double threshold = 1.5 + Math.log(tau / (1 - tau)) / 3;
            long above = 0;
            long inliers = 0;
            for (float v : x) {
                above += v >= threshold ? 1 : 0;
                inliers += f.isInlier(v) ? 1 : 0;
            }
            assertEquals((double) above / x.length, f.inlierFraction(), 0.01, "tau = " + tau);
            // the reported fraction is exactly the share of isInlier over the fitted scores
            assertEquals(inliers, Math.round(f.inlierFraction() * f.count()), "tau = " + tau);
            assertTrue(f.inlierFraction() < prevFraction - 0.02, "tau = " + tau);
            prevFraction = f.inlierFraction();
            // tau does not take part in EM
            if (base == null) {
                base = f;
            } else {
                assertEquals(base.inlierMean(), f.inlierMean());
                assertEquals(base.anomalyDeviation(), f.anomalyDeviation());
                assertEquals(base.iterations(), f.iterations());
            }
        }
    }

    @Test
    void posteriorsMatchPosteriorScoreByScore() {
        float[] x = mixture(8, 20_000, 0.4, 0, 1, 3, 0.8);
        Fit f = InlierMixture.fit(x, RAW);
        assertFitted(f);
        float[] p = f.posteriors(x);
        assertEquals(x.length, p.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) f.posterior(x[i]), p[i]);
            assertTrue(p[i] >= 0 && p[i] <= 1);
        }
    }

    @Test
    void identicalScoresFallBackToAllInliers() {
        float[] x = new float[1000];
        java.util.Arrays.fill(x, 5f);
        Fit f = InlierMixture.fit(x, Options.defaults());
        assertTrue(f.fellBack());
        assertTrue(f.fallbackReason().contains("identical"), f.fallbackReason());
        assertEquals(1.0, f.inlierFraction());
        assertEquals(1000, f.count());
        assertEquals(0, f.iterations());
        assertTrue(Double.isNaN(f.inlierMean()));
        assertEquals(1.0, f.posterior(5));
        assertEquals(1.0, f.posterior(0));
        assertTrue(f.isInlier(1e6));
        assertArrayEquals(new float[] {1f, 1f, 1f}, f.posteriors(new float[] {0f, 5f, 7f}));
        // one score is not a mixture either
        Fit one = InlierMixture.fit(new float[] {3f}, RAW);
        assertTrue(one.fellBack());
        assertTrue(one.fallbackReason().contains("single score"), one.fallbackReason());
    }

    @Test
    void aSingleGaussianClusterFallsBackForLackOfEvidenceOfTwoPopulations() {
        // EM on unimodal data splits the one cluster into two overlapping halves (means near -/+0.4, weights near
        // 1/2): an arbitrary 50/50 split. The BIC guard rail rejects it: two components do not explain N(0, 1)
        // better than one.
        for (long seed = 10; seed < 13; seed++) {
            Fit f = InlierMixture.fit(mixture(seed, 100_000, 1, 0, 1, 0, 1), RAW);
            assertTrue(f.fellBack(), f::toString);
            assertTrue(f.fallbackReason().startsWith("no evidence of two populations"), f.fallbackReason());
            assertEquals(1.0, f.inlierFraction());
            assertTrue(f.isInlier(-3) && f.isInlier(3));
            // the parameters EM found are kept for diagnosis
            assertTrue(f.iterations() > 0);
            assertTrue(f.inlierMean() >= f.anomalyMean());
            assertTrue(Math.abs(f.inlierMean()) < 1 && Math.abs(f.anomalyMean()) < 1);
        }
        // the same in LOG scale with log-normal scores
        Random r = new Random(13);
        float[] s = new float[100_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.exp(-3 + r.nextGaussian());
        }
        Fit g = InlierMixture.fit(s, Options.defaults());
        assertTrue(g.fellBack(), g::toString);
        assertTrue(g.fallbackReason().startsWith("no evidence of two populations"), g.fallbackReason());
    }

    @Test
    void halfAPercentOfInliersFallsBackOnMinInlierFraction() {
        // 99.5% N(0, 1) anomalies, 0.5% N(8, 0.5) inliers: EM finds them, but the inlier set is under 1%
        float[] x = shuffled(blocks(14, 100_000, 99_500, 0, 1, 8, 0.5), 15);
        Fit f = InlierMixture.fit(x, RAW);
        assertTrue(f.fellBack(), f::toString);
        assertTrue(f.fallbackReason().contains("below minInlierFraction"), f.fallbackReason());
        assertTrue(f.fallbackReason().contains("0.005000"), f.fallbackReason());
        assertEquals(1.0, f.inlierFraction());
        assertTrue(f.isInlier(0));
        assertEquals(8.0, f.inlierMean(), 0.1);
        assertEquals(0.005, f.inlierWeight(), 0.001);
        // with a lower bound below 0.5% the same fit stands
        Fit lax = InlierMixture.fit(x, new Options(Scale.RAW, 200, 1e-6, 0.5, 0.001, 0.99, 1e-12));
        assertFitted(lax);
        assertEquals(0.005, lax.inlierFraction(), 0.0005);
        assertFalse(lax.isInlier(0));
        assertTrue(lax.isInlier(8));
    }

    @Test
    void aComponentUnderATenthOfAPercentHasCollapsed() {
        // 80 of 100 000 scores in a far cluster: EM isolates them, with weight 8e-4 < 1e-3
        float[] x = shuffled(blocks(27, 100_000, 99_920, 0, 1, 10, 0.5), 28);
        Fit f = InlierMixture.fit(x, RAW);
        assertTrue(f.fellBack(), f::toString);
        assertTrue(f.fallbackReason().startsWith("component weight collapsed: inlier weight 0.000800"),
                f.fallbackReason());
        assertEquals(10.0, f.inlierMean(), 0.2);
        assertTrue(f.converged());
        assertTrue(f.isInlier(0));
    }

    @Test
    void halfAPercentOfAnomaliesFallsBackOnMaxInlierFraction() {
        float[] x = shuffled(blocks(16, 100_000, 500, -8, 0.5, 0, 1), 17);
        Fit f = InlierMixture.fit(x, RAW);
        assertTrue(f.fellBack(), f::toString);
        assertTrue(f.fallbackReason().contains("above maxInlierFraction"), f.fallbackReason());
        assertEquals(-8.0, f.anomalyMean(), 0.1);
    }

    @Test
    void aPointMassCollapsesAComponentToTheFloor() {
        // two exact values: each component sits on one of them
        float[] two = new float[1000];
        for (int i = 0; i < two.length; i++) {
            two[i] = i % 2 == 0 ? 1f : 3f;
        }
        Fit f = InlierMixture.fit(two, RAW);
        assertTrue(f.fellBack(), f::toString);
        assertTrue(f.fallbackReason().startsWith("component deviation collapsed"), f.fallbackReason());
        // LOG scale: 30% exact zeros become the single value log(eps), a point mass
        Random r = new Random(18);
        float[] s = new float[50_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextDouble() < 0.3 ? 0f : (float) Math.exp(-3 + r.nextGaussian());
        }
        Fit g = InlierMixture.fit(s, Options.defaults());
        assertTrue(g.fellBack(), g::toString);
        assertTrue(g.fallbackReason().contains("anomaly component sits on a point mass"), g.fallbackReason());
    }

    @Test
    void infiniteScoresFallBack() {
        float[] x = mixture(19, 1000, 0.5, 0, 1, 5, 1);
        x[17] = Float.POSITIVE_INFINITY;
        Fit f = InlierMixture.fit(x, RAW);
        assertTrue(f.fellBack());
        assertEquals("scores[17] = Infinity is infinite", f.fallbackReason());
        assertEquals(1.0, f.posterior(Double.POSITIVE_INFINITY));
        x[17] = Float.NEGATIVE_INFINITY;
        assertEquals("scores[17] = -Infinity is infinite", InlierMixture.fit(x, RAW).fallbackReason());
    }

    @Test
    void badInputIsRejected() {
        assertMessage("scores: expected at least one score, got an empty array",
                () -> InlierMixture.fit(new float[0], Options.defaults()));
        assertMessage("scores: expected an array, got null", () -> InlierMixture.fit(null, Options.defaults()));
        assertMessage("options: expected a value, got null", () -> InlierMixture.fit(new float[] {1f}, null));
        assertMessage("scores[2]: expected a score that is not NaN, got NaN",
                () -> InlierMixture.fit(new float[] {1f, 2f, Float.NaN, 4f}, RAW));
        assertMessage("scores[1]: expected a score > -eps = -1.0E-12 (LOG scale fits log(s + eps)), got -0.5",
                () -> InlierMixture.fit(new float[] {1f, -0.5f, 3f}, Options.defaults()));
        assertMessage("scores[1]: expected a score > -eps = -1.0E-12 (LOG scale fits log(s + eps)), got -Infinity",
                () -> InlierMixture.fit(new float[] {1f, Float.NEGATIVE_INFINITY}, Options.defaults()));
        // negative scores are fine in RAW scale
        assertFitted(InlierMixture.fit(mixture(20, 10_000, 0.5, -10, 1, -2, 1), RAW));
        // the fit's posterior rejects what fit rejects
        Fit f = InlierMixture.fit(mixture(21, 10_000, 0.5, 1, 0.1, 3, 0.1), Options.defaults());
        assertMessage("score: expected a score that is not NaN, got NaN", () -> f.posterior(Double.NaN));
        assertMessage("score: expected a score > -eps = -1.0E-12 (LOG scale fits log(s + eps)), got -1.0",
                () -> f.posterior(-1));
        assertMessage("scores[0]: expected a score that is not NaN, got NaN",
                () -> f.posteriors(new float[] {Float.NaN}));
    }

    @Test
    void fitsAreDeterministic() {
        float[] x = mixture(22, 100_000, 0.3, 0, 1, 5, 0.5);
        Fit a = InlierMixture.fit(x, RAW);
        Fit b = InlierMixture.fit(x.clone(), RAW);
        assertEquals(a, b);
        assertArrayEquals(a.posteriors(x), b.posteriors(x));
    }

    @Test
    void theHigherMeanIsTheInlierWhateverTheOrderAndTheWeights() {
        // inliers are the minority (30% at the higher mean): the label follows the mean, not the weight
        float[] sorted = blocks(23, 100_000, 70_000, 0, 1, 5, 0.5);
        float[] reversed = new float[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            reversed[i] = sorted[sorted.length - 1 - i];
        }
        Fit ref = null;
        for (float[] x : new float[][] {sorted, reversed, shuffled(sorted, 24), shuffled(sorted, 25)}) {
            Fit f = InlierMixture.fit(x, RAW);
            assertFitted(f);
            assertEquals(5.0, f.inlierMean(), 0.05);
            assertEquals(0.3, f.inlierWeight(), 0.01);
            assertEquals(0.0, f.anomalyMean(), 0.05);
            assertEquals(0.3, f.inlierFraction(), 0.01);
            assertTrue(f.isInlier(5) && !f.isInlier(0));
            if (ref == null) {
                ref = f;
            } else { // the order only changes rounding
                assertEquals(ref.inlierMean(), f.inlierMean(), 1e-6);
                assertEquals(ref.anomalyDeviation(), f.anomalyDeviation(), 1e-6);
                assertEquals(ref.inlierWeight(), f.inlierWeight(), 1e-6);
                assertEquals(ref.inlierFraction(), f.inlierFraction());
            }
        }
    }

    @Test
    void componentsThatEndUpInTheOtherOrderAreRelabelledByMean() {
        // a narrow N(-0.7, 1) (12%) inside a wide N(0, 120) (88%): both start inside the narrow cluster, and with
        // this seed the component started at the 25th percentile ends as the wide one, with the higher mean, so
        // the roles are swapped after EM
        Fit f = InlierMixture.fit(mixture(33, 50_000, 0.88, 0, 120, -0.7, 1), RAW);
        assertFitted(f);
        assertEquals(-0.7, f.anomalyMean(), 0.05);
        assertEquals(1.0, f.anomalyDeviation(), 0.05);
        assertEquals(0.12, f.anomalyWeight(), 0.01);
        assertEquals(0.0, f.inlierMean(), 1.5); // standard error 120 / sqrt(44000) = 0.57
        assertEquals(120, f.inlierDeviation(), 2);
        assertTrue(f.inlierMean() > f.anomalyMean());
    }

    @Test
    void iterationLimitIsReported() {
        float[] x = mixture(26, 10_000, 0.5, 0, 1, 3, 1);
        Fit one = InlierMixture.fit(x, new Options(Scale.RAW, 1, 1e-6, 0.5, 0.01, 0.99, 1e-12));
        assertEquals(1, one.iterations());
        assertFalse(one.converged());
        Fit full = InlierMixture.fit(x, RAW);
        assertTrue(full.converged());
        assertTrue(full.iterations() > 1 && full.iterations() < 200);
        // EM does not decrease the likelihood
        assertTrue(full.logLikelihood() >= one.logLikelihood());
    }
}
