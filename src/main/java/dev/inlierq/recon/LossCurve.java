package dev.inlierq.recon;

/**
 * A unit's reconstruction loss over its optimisation steps, for reports: the means over the first and the last
 * tenth of the steps (batch losses are noisy), and the curve as the means of up to {@link #POINTS} consecutive
 * equal segments of the steps.
 */
public record LossCurve(double first, double last, double[] points) {
    /** Points of the reported curve. */
    public static final int POINTS = 20;
    /** No optimisation step. */
    public static final LossCurve NONE = new LossCurve(Double.NaN, Double.NaN, new double[0]);

    public LossCurve {
        points = points.clone();
    }

    @Override
    public double[] points() {
        return points.clone();
    }

    /** The curve of per-step losses {@code steps} (empty: {@link #NONE}). */
    public static LossCurve of(double[] steps) {
        if (steps.length == 0) {
            return NONE;
        }
        int k = Math.max(1, steps.length / 10);
        double first = 0;
        double last = 0;
        for (int i = 0; i < k; i++) {
            first += steps[i] / k;
            last += steps[steps.length - 1 - i] / k;
        }
        int m = Math.min(POINTS, steps.length);
        double[] pts = new double[m];
        for (int p = 0; p < m; p++) {
            int a = (int) ((long) p * steps.length / m);
            int b = (int) ((long) (p + 1) * steps.length / m);
            double s = 0;
            for (int i = a; i < b; i++) {
                s += steps[i];
            }
            pts[p] = s / (b - a);
        }
        return new LossCurve(first, last, pts);
    }
}
