package dev.inlierq.synth;

/**
 * The 65,536 quantiles {@code Phi^-1((i + 0.5) / 65536)} of the standard normal law, from P. J. Acklam's rational
 * approximation of the inverse normal CDF (relative error below 1.15e-9), "An algorithm for computing the inverse
 * normal cumulative distribution function" (2003): a central rational function for {@code 0.02425 <= p <= 0.97575}
 * and a tail one in {@code q = sqrt(-2 ln p)} outside.
 */
final class NormalTable {
    private static final double[] A = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    private static final double[] B = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    private static final double[] C = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    private static final double[] D = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};

    /** Built after the coefficients above (static initialisation runs in text order). */
    static final float[] QUANTILES = build();

    private NormalTable() {
    }

    private static float[] build() {
        float[] t = new float[65536];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) inverse((i + 0.5) / t.length);
        }
        return t;
    }

    /** {@code Phi^-1(p)} for {@code 0 < p < 1}; StrictMath, so the table is the same on every JVM. */
    static double inverse(double p) {
        double low = 0.02425;
        if (p < low) {
            double q = StrictMath.sqrt(-2 * StrictMath.log(p));
            return tail(q);
        }
        if (p > 1 - low) {
            double q = StrictMath.sqrt(-2 * StrictMath.log(1 - p));
            return -tail(q);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }

    private static double tail(double q) {
        return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    }
}
