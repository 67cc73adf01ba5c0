package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * The clipping range that minimises the expected squared quantization error of the spec's own grid, by grid
 * search over {@code candidates} shrink factors {@code a_k = k / K}, {@code k = 1..K}:
 * <pre>
 *   range_k = [a_k lo, a_k hi]   with [lo, hi] = [-max|x|, max|x|] (symmetric) or [min(x, 0), max(x, 0)]
 *   g_k     = the grid Encoding.fromRange(spec, range_k) gives (scale s, zero point z, qmin..qmax)
 *   E_k     = E[(x - Q_k(x))^2],  Q_k(x) = s (clamp(round(x / s) + z, qmin, qmax) - z)
 * </pre>
 * and returns the {@code range_k} of least {@code E_k} (ties: the wider range). For an asymmetric grid over values
 * of both signs (from a histogram), the negative end is searched on its own as well, {@code range_{k,j} =
 * [b_j lo, a_k hi]} with {@code b_j = j / 20}: shrinking both ends together would, at 4 bits, drop the small
 * negative lobe of a SiLU/hard-swish output into the zero code (measured on YOLOX-Nano: zero point 0, half the
 * values clipped, 5-10 dB SQNR). {@code E_k} contains both the
 * clipping error (values beyond the outer levels) and the rounding error. From a {@link Histogram} it is
 * computed in closed form, taking each bin's values as uniform over its {@link Histogram#interval}: the
 * integral of {@code (x - Q(x))^2} over a piece of a rounding cell is {@code ((x - c)^3 - (u - c)^3) / 3}, a full
 * cell gives {@code s^3 / 12}, and the clipped parts integrate {@code (x - outer level)^2}; exact zeros cost
 * nothing (the grid contains 0). A magnitude histogram is read as a distribution symmetric about 0 (the error
 * at {@code x} and {@code -x} is averaged, which matters for grids like {@code [-8, 7]}). From raw values
 * ({@link #estimate(float[], QuantSpec)}) {@code E_k} is the exact mean over the values, with the float
 * arithmetic of ONNX QuantizeLinear.
 *
 * <p>Sources: MSE range setting as in Nagel et al., "A White Paper on Neural Network Quantization" (2021,
 * section 3.3) and Banner et al., "Post-training 4-bit quantization of convolutional networks for
 * rapid-deployment" (NeurIPS 2019, ACIQ, clipping to minimise the mean squared error); optimal uniform
 * quantizers of a Gaussian: J. Max, "Quantizing for minimum distortion" (1960). For a standard normal and a
 * 16-level signed grid {@code [-8, 7]} the optimum is near {@code T = 2.54} (a mid-rise 16-level quantizer's
 * outer level sits at 2.51); for 15 levels {@code [-7, 7]} near 2.48.
 *
 * @param candidates number {@code K} of shrink factors, 1..100000; default 100 (steps of 1% of the maximum)
 */
public record MseEstimator(int candidates) implements RangeEstimator {
    /** 100 candidates, {@code a = 0.01, 0.02, ..., 1}. */
    public static final MseEstimator DEFAULT = new MseEstimator(100);

    public MseEstimator {
        check(candidates >= 1 && candidates <= 100_000, "MseEstimator.candidates", "1..100000", candidates);
    }

    @Override
    public Range estimate(ChannelState state, QuantSpec spec) {
        Histogram h = RangeEstimator.histogramOf(state, this);
        if (h.isEmpty()) {
            return Range.ZERO;
        }
        boolean symmetric = spec.isSymmetric() || h.isMagnitude();
        double lo = Math.min(h.min(), 0);
        double hi = Math.max(h.max(), 0);
        if (symmetric) {
            hi = h.isMagnitude() ? h.max() : Math.max(-lo, hi);
            lo = -hi;
        }
        if (hi - lo == 0) {
            return Range.ZERO;
        }
        Range best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        // asymmetric grids with values on both sides: the two ends are searched independently
        int lowSteps = !symmetric && lo < 0 && hi > 0 ? LOW_CANDIDATES : 0;
        for (int k = 1; k <= candidates; k++) {
            double a = (double) k / candidates;
            for (int j = lowSteps; j >= 0; j--) {
                double b = lowSteps == 0 ? a : (double) j / lowSteps;
                Range r = new Range((float) (b * lo), (float) (a * hi));
                QuantGrid g = QuantGrid.fromRange(spec, r.min(), r.max());
                double err = expectedError(h, g);
                if (err < bestErr || (err == bestErr && lowSteps == 0)) {
                    bestErr = err;
                    best = r;
                }
            }
        }
        return best;
    }

    /** Shrink factors of the negative end searched for asymmetric grids: {@code b = j / 20, j = 0..20}. */
    static final int LOW_CANDIDATES = 20;

    @Override
    public Range estimate(float[] values, QuantSpec spec) {
        double lo = 0;
        double hi = 0;
        for (float x : values) {
            if (Float.isFinite(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        if (spec.isSymmetric()) {
            hi = Math.max(-lo, hi);
            lo = -hi;
        }
        if (hi - lo == 0) {
            return Range.ZERO;
        }
        Range best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= candidates; k++) {
            double a = (double) k / candidates;
            Range r = new Range((float) (a * lo), (float) (a * hi));
            QuantGrid g = QuantGrid.fromRange(spec, r.min(), r.max());
            double err = 0;
            for (float x : values) {
                if (Float.isFinite(x)) {
                    double d = x - g.fakeQuantize(x);
                    err += d * d;
                }
            }
            if (err <= bestErr) {
                bestErr = err;
                best = r;
            }
        }
        return best;
    }

    @Override
    public boolean needsHistogram() {
        return true;
    }

    /** Expected squared error (summed over the recorded values) of grid {@code g} on histogram {@code h}. */
    static double expectedError(Histogram h, QuantGrid g) {
        double s = g.scale();
        int qlo = g.qmin() - g.zeroPoint();
        int qhi = g.qmax() - g.zeroPoint();
        int zb = h.zeroBin();
        double total = 0;
        for (int j = 0; j < h.bins(); j++) {
            long c = h.count(j);
            if (j == zb) {
                c -= h.zeros();
            }
            if (c == 0) {
                continue;
            }
            double[] iv = h.interval(j);
            double a = iv[0];
            double b = iv[1];
            double e;
            if (b - a <= 0) {
                e = h.isMagnitude() ? (pointError(a, s, qlo, qhi) + pointError(-a, s, qlo, qhi)) / 2
                        : pointError(a, s, qlo, qhi);
            } else if (h.isMagnitude()) {
                e = (integral(a, b, s, qlo, qhi) + integral(-b, -a, s, qlo, qhi)) / (2 * (b - a));
            } else {
                e = integral(a, b, s, qlo, qhi) / (b - a);
            }
            total += c * e;
        }
        return total;
    }

    private static double pointError(double x, double s, int qlo, int qhi) {
        double k = Math.max(qlo, Math.min(qhi, Math.rint(x / s)));
        double d = x - k * s;
        return d * d;
    }

    /**
     * {@code integral_a^b (x - Q(x))^2 dx} for the grid of levels {@code k s}, {@code k = qlo..qhi}
     * ({@code qlo <= 0 <= qhi}): clipped below {@code (qlo - 1/2) s} and above {@code (qhi + 1/2) s}.
     */
    static double integral(double a, double b, double s, int qlo, int qhi) {
        double lowEdge = (qlo - 0.5) * s;
        double highEdge = (qhi + 0.5) * s;
        double sum = 0;
        if (a < lowEdge) {
            double c = qlo * s;
            double v = Math.min(b, lowEdge);
            sum += (cube(v - c) - cube(a - c)) / 3;
        }
        if (b > highEdge) {
            double c = qhi * s;
            double u = Math.max(a, highEdge);
            sum += (cube(b - c) - cube(u - c)) / 3;
        }
        double u = Math.max(a, lowEdge);
        double v = Math.min(b, highEdge);
        if (v > u) {
            sum += cellIntegral(v, s, qlo, qhi) - cellIntegral(u, s, qlo, qhi);
        }
        return sum;
    }

    /** {@code integral from (qlo - 1/2) s to x of (t - s round(t / s))^2 dt}, for x inside the rounding cells. */
    private static double cellIntegral(double x, double s, int qlo, int qhi) {
        double k = Math.max(qlo, Math.min(qhi, Math.floor(x / s + 0.5)));
        double t = x - k * s;
        double s3 = s * s * s;
        return (k - qlo) * s3 / 12 + (cube(t) + s3 / 8) / 3;
    }

    private static double cube(double x) {
        return x * x * x;
    }
}
