package dev.inlierq.quant;

import static dev.inlierq.quant.QuantSpecTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each range estimator on synthetic data with a known answer. */
class EstimatorsTest {
    private static final QuantSpec SYM8 = QuantSpec.weight(8).withGranularity(Granularity.perTensor());
    private static final QuantSpec SYM4 = QuantSpec.weight(4).withGranularity(Granularity.perTensor());
    private static final QuantSpec UINT8 = QuantSpec.activationUint8();

    static float[] gaussian(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    static Histogram histogram(float[] x, boolean magnitude) {
        Histogram h = new Histogram(Histogram.DEFAULT_BINS, magnitude);
        h.add(x);
        return h;
    }

    @Test
    void minMaxIsExact() {
        float[] x = {0.5f, -1.25f, 3.75f, 2f};
        MinMaxEstimator mm = new MinMaxEstimator();
        assertEquals(new Range(-1.25f, 3.75f), mm.estimate(x, UINT8));
        RunningMinMax r = new RunningMinMax();
        r.add(x);
        assertEquals(new Range(-1.25f, 3.75f), mm.estimate(r, UINT8));
        assertEquals(new Range(-1.25f, 3.75f), mm.estimate(histogram(x, false), UINT8));
        assertEquals(Range.symmetric(3.75f), mm.estimate(histogram(x, true), SYM8));
        assertEquals(Range.ZERO, mm.estimate(new RunningMinMax(), UINT8));
    }

    @Test
    void percentileOfAGaussian() {
        float[] x = gaussian(2_000_000, 1);
        PercentileEstimator p = new PercentileEstimator(99.99);
        // P(|x| > 3.8906) = 1e-4 for |x|; P(x > 3.7190) = 1e-4 per tail
        Range sym = p.estimate(histogram(x, true), SYM8);
        assertEquals(3.8906, sym.max(), 0.04);
        assertEquals(-sym.max(), sym.min());
        Range both = p.estimate(histogram(x, false), UINT8);
        assertEquals(3.7190, both.max(), 0.04);
        assertEquals(-3.7190, both.min(), 0.04);
        // the histogram quantile agrees with the exact order statistics
        Range exact = p.estimate(x, UINT8);
        assertEquals(exact.max(), both.max(), 0.01);
        assertEquals(exact.min(), both.min(), 0.01);
        assertEquals(p.estimate(x, SYM8).max(), sym.max(), 0.01);
        // 100 is min-max
        Histogram h = histogram(x, false);
        assertEquals(new MinMaxEstimator().estimate(h, UINT8), new PercentileEstimator(100).estimate(h, UINT8));
    }

    @Test
    void entropyClipsALongTail() {
        EntropyEstimator kl = EntropyEstimator.DEFAULT;
        // a Gaussian core with one value in 10^4 spread up to +-60
        Random rnd = new Random(2);
        float[] x = gaussian(1_000_000, 3);
        for (int i = 0; i < x.length; i += 10_000) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * 60);
        }
        Histogram h = histogram(x, true);
        assertTrue(h.max() > 50);
        float t = kl.estimate(h, SYM8).max();
        assertTrue(t > 3.5 && t < 6, "threshold " + t + " should sit just past the Gaussian core");
        // Laplace: heavy tail clipped, but far above the bulk
        float[] lap = new float[1_000_000];
        for (int i = 0; i < lap.length; i++) {
            lap[i] = (float) (-Math.log(1 - rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1));
        }
        Histogram hl = histogram(lap, true);
        float tl = kl.estimate(hl, SYM8).max();
        assertTrue(tl > 6 && tl < 0.85 * hl.max(), "Laplace threshold " + tl + " of max " + hl.max());
    }

    @Test
    void entropyKeepsABoundedDistributionWhole() {
        Random rnd = new Random(4);
        float[] u = new float[1_000_000];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        Histogram h = histogram(u, true);
        assertTrue(EntropyEstimator.DEFAULT.estimate(h, SYM8).max() >= 0.99 * h.max());
        // with 2^15 levels nothing needs clipping
        float[] g = gaussian(200_000, 5);
        Histogram hg = histogram(g, false);
        Range r16 = EntropyEstimator.DEFAULT.estimate(hg, QuantSpec.activation(16));
        assertEquals((float) hg.max(), r16.max());
    }

    @Test
    void entropyOnNonNegativeDataIgnoresExactZeros() {
        Random rnd = new Random(6);
        float[] pos = new float[500_000];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = (float) (-Math.log(1 - rnd.nextDouble()));
        }
        float[] withZeros = new float[pos.length * 2]; // a ReLU output: half exact zeros
        System.arraycopy(pos, 0, withZeros, 0, pos.length);
        Range a = EntropyEstimator.DEFAULT.estimate(histogram(pos, false), UINT8);
        Range b = EntropyEstimator.DEFAULT.estimate(histogram(withZeros, false), UINT8);
        assertEquals(0f, a.min());
        assertTrue(a.max() < histogram(pos, false).max(), "clips the exponential tail: " + a);
        assertTrue(a.max() > 6, "keeps the bulk: " + a);
        assertEquals(a, b);
    }

    /** Numerical optimum of E[(x - Q(x))^2] for x ~ N(0, 1) over clipping values T, for the spec's own grid. */
    private static double gaussianOptimum(QuantSpec spec) {
        double best = 0;
        double bestErr = Double.POSITIVE_INFINITY;
        double dx = 0.002;
        for (double t = 2.0; t <= 3.2; t += 0.0025) {
            QuantGrid g = QuantGrid.fromRange(spec, (float) -t, (float) t);
            double err = 0;
            for (double x = -8; x <= 8; x += dx) {
                double d = x - g.fakeQuantize((float) x);
                err += d * d * Math.exp(-x * x / 2);
            }
            if (err < bestErr) {
                bestErr = err;
                best = t;
            }
        }
        return best;
    }

    @Test
    void mseClipOfAFourBitGridOnAGaussian() {
        float[] x = gaussian(1_000_000, 8);
        Histogram h = histogram(x, true);
        // 16 levels [-8, 7]: about 2.54 (the literature's 2.51 is the outer level of a mid-rise 16-level grid)
        double full = gaussianOptimum(SYM4);
        assertEquals(2.54, full, 0.02);
        float t = MseEstimator.DEFAULT.estimate(h, SYM4).max();
        assertEquals(2.51, t, 0.06);
        assertEquals(full, t, 0.05); // one candidate step is 1% of max|x| = 0.05
        assertEquals(full, new MseEstimator(1000).estimate(h, SYM4).max(), 0.02);
        // 15 levels [-7, 7]: a smaller clip
        QuantSpec narrow = SYM4.withRange(QuantSpec.IntRange.NARROW);
        double nOpt = gaussianOptimum(narrow);
        assertEquals(2.48, nOpt, 0.02);
        assertEquals(nOpt, new MseEstimator(1000).estimate(h, narrow).max(), 0.02);
        // the exact search over the raw values agrees with the histogram's closed form
        float[] few = gaussian(100_000, 9);
        assertEquals(MseEstimator.DEFAULT.estimate(few, SYM4).max(),
                MseEstimator.DEFAULT.estimate(histogram(few, true), SYM4).max(), 0.06);
    }

    @Test
    void mseNeverLosesToMinMaxOnItsOwnObjective() {
        Random rnd = new Random(10);
        float[] x = new float[50_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 3 == 0 ? 0f : (float) (-Math.log(1 - rnd.nextDouble()));
        }
        for (QuantSpec spec : new QuantSpec[] {UINT8, QuantSpec.activation(4), SYM4}) {
            Range mse = MseEstimator.DEFAULT.estimate(x, spec);
            Range mm = new MinMaxEstimator().estimate(x, spec);
            assertTrue(sqError(x, spec, mse) <= sqError(x, spec, mm), spec.toString());
            assertTrue(mse.max() < mm.max(), "clips the exponential tail at " + spec + ": " + mse);
        }
    }

    private static double sqError(float[] x, QuantSpec spec, Range r) {
        QuantGrid g = QuantGrid.fromRange(spec, r.min(), r.max());
        double e = 0;
        for (float v : x) {
            double d = v - g.fakeQuantize(v);
            e += d * d;
        }
        return e;
    }

    @Test
    void closedFormErrorIntegralMatchesNumericalIntegration() {
        Random rnd = new Random(12);
        for (int t = 0; t < 200; t++) {
            double s = 0.05 + rnd.nextDouble();
            int qlo = -rnd.nextInt(9);
            int qhi = rnd.nextInt(9);
            double a = (rnd.nextDouble() * 2 - 1) * 12 * s;
            double b = a + rnd.nextDouble() * 6 * s;
            int n = 200_000;
            double dx = (b - a) / n;
            double num = 0;
            for (int i = 0; i < n; i++) {
                double x = a + (i + 0.5) * dx;
                double q = Math.max(qlo, Math.min(qhi, Math.rint(x / s))) * s;
                num += (x - q) * (x - q) * dx;
            }
            double closed = MseEstimator.integral(a, b, s, qlo, qhi);
            assertEquals(num, closed, 1e-6 * Math.max(1, Math.abs(num)) + 1e-9, "a=" + a + " b=" + b + " s=" + s);
        }
    }

    @Test
    void estimatorParametersAreValidated() {
        assertMessage("PercentileEstimator.percentile: expected a percentile in [50, 100], got 120.0",
                () -> new PercentileEstimator(120));
        assertMessage("MseEstimator.candidates: expected 1..100000, got 0", () -> new MseEstimator(0));
        assertMessage("EntropyEstimator.startBin: expected a bin count >= 1, got 0", () -> new EntropyEstimator(0));
        RunningMinMax r = new RunningMinMax();
        r.add(new float[] {1f});
        assertMessage("PercentileEstimator[percentile=99.0]: expected a Histogram state, got RunningMinMax[1.0, 1.0; n=1]",
                () -> new PercentileEstimator(99).estimate(r, UINT8));
        assertEquals(Range.ZERO, MseEstimator.DEFAULT.estimate(Histogram.signed(), UINT8));
        assertEquals(Range.ZERO, EntropyEstimator.DEFAULT.estimate(Histogram.signed(), UINT8));
        assertEquals(Range.ZERO, new PercentileEstimator(99).estimate(Histogram.signed(), UINT8));
    }
}
