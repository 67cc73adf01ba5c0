package dev.inlierq.compare;

import java.util.Arrays;

/**
 * Pooled error statistics of one tensor pair over images: for float values f and quantized values q (after the
 * per-channel gain g of a rescaled tensor, q' = g q), with e = f - q',
 * <ul>
 *   <li>SQNR = 10 log10(sum f^2 / sum e^2) dB (infinite when e is 0 everywhere);</li>
 *   <li>max |e|;</li>
 *   <li>relative mean error = sum |e| / sum |f| (the mean absolute error normalised by the mean magnitude);</li>
 *   <li>cosine similarity = sum f q' / sqrt(sum f^2 sum q'^2) over all elements of all images.</li>
 * </ul>
 * A rescaled tensor (a channel-wise x / s, {@link TensorMatch}) gets per channel (axis 1) the least-squares gain
 * g_c = sum f q / sum q^2 on the first image where the channel of q is not all zero, kept for all later images
 * (gain 1 until then).
 */
final class ErrorStats {
    private final boolean rescaled;
    private double signal;
    private double noise;
    private double absError;
    private double absSignal;
    private double dot;
    private double quantized;
    private double maxAbs;
    private long elements;
    private long[] shape;
    private double[] gains;

    ErrorStats(boolean rescaled) {
        this.rescaled = rescaled;
    }

    /** Adds one image: f and q of the same size, {@code shape} the float tensor's. */
    void add(float[] f, float[] q, long[] shape) {
        if (f.length != q.length) {
            throw new IllegalArgumentException("sizes differ: " + f.length + " vs " + q.length);
        }
        this.shape = shape.clone();
        int channels = rescaled && shape.length >= 2 ? (int) shape[1] : 1;
        long inner = 1;
        for (int i = 2; i < shape.length && channels > 1; i++) {
            inner *= shape[i];
        }
        double[] g = channels > 1 ? fitGains(f, q, channels, inner) : null;
        for (int i = 0; i < f.length; i++) {
            double qv = g == null ? q[i] : g[(int) ((i / inner) % channels)] * q[i];
            double e = f[i] - qv;
            signal += (double) f[i] * f[i];
            noise += e * e;
            absError += Math.abs(e);
            absSignal += Math.abs(f[i]);
            dot += f[i] * qv;
            quantized += qv * qv;
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        elements += f.length;
    }

    /** Fits the channels without a gain yet on this image; returns the gains to use for it (1 where none yet). */
    private double[] fitGains(float[] f, float[] q, int channels, long inner) {
        if (gains == null) {
            gains = new double[channels];
            Arrays.fill(gains, Double.NaN);
        }
        double[] fq = new double[channels];
        double[] qq = new double[channels];
        for (int i = 0; i < f.length; i++) {
            int c = (int) ((i / inner) % channels);
            fq[c] += (double) f[i] * q[i];
            qq[c] += (double) q[i] * q[i];
        }
        double[] use = new double[channels];
        for (int c = 0; c < channels; c++) {
            if (Double.isNaN(gains[c]) && qq[c] > 0) {
                gains[c] = fq[c] / qq[c];
            }
            use[c] = Double.isNaN(gains[c]) ? 1 : gains[c];
        }
        return use;
    }

    long elements() {
        return elements;
    }

    TensorError result(TensorMatch.Pair pair) {
        double sqnr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
        double rel = absSignal == 0 ? (absError == 0 ? 0 : Double.POSITIVE_INFINITY) : absError / absSignal;
        double cos;
        if (signal == 0 || quantized == 0) {
            cos = signal == quantized ? 1 : 0;
        } else {
            cos = dot / Math.sqrt(signal * quantized);
        }
        return new TensorError(pair, shape, sqnr, maxAbs, rel, cos);
    }
}
