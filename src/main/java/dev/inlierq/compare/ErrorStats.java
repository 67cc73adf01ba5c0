package dev.inlierq.compare;

/**
 * Pooled error statistics of one tensor pair over images: for float values f and quantized values q (after the
 * per-channel gain g of a rescaled tensor, q' = g q), with e = f - q',
 * <ul>
 *   <li>SQNR = 10 log10(sum f^2 / sum e^2) dB (infinite when e is 0 everywhere);</li>
 *   <li>max |e|;</li>
 *   <li>relative mean error = sum |e| / sum |f| (the mean absolute error normalised by the mean magnitude);</li>
 *   <li>cosine similarity = sum f q' / sqrt(sum f^2 sum q'^2) over all elements of all images.</li>
 * </ul>
 * A rescaled tensor (a channel-wise x / s, {@link TensorMatch}) is compared after per-channel gains fitted on all
 * the images beforehand ({@link GainFit}).
 */
final class ErrorStats {
    private final double[] gains;
    private double signal;
    private double noise;
    private double absError;
    private double absSignal;
    private double dot;
    private double quantized;
    private double maxAbs;
    private long elements;
    private long[] shape;

    /** @param gains per-channel gains (axis 1) applied to q ({@link GainFit}), or null for none */
    ErrorStats(double[] gains) {
        this.gains = gains;
    }

    /** Adds one image: f and q of the same size, {@code shape} the float tensor's. */
    void add(float[] f, float[] q, long[] shape) {
        if (f.length != q.length) {
            throw new IllegalArgumentException("sizes differ: " + f.length + " vs " + q.length);
        }
        this.shape = shape.clone();
        int channels = gains == null ? 1 : gains.length;
        long inner = GainFit.inner(shape, channels);
        for (int i = 0; i < f.length; i++) {
            double qv = gains == null ? q[i] : gains[(int) ((i / inner) % channels)] * q[i];
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

    /**
     * The least-squares per-channel gain of q to f over all images, g_c = sum f q / sum q^2 on channel c (axis 1),
     * 1 for a channel where q is zero throughout.
     */
    static final class GainFit {
        private double[] fq;
        private double[] qq;

        void add(float[] f, float[] q, long[] shape) {
            int channels = shape.length >= 2 ? (int) shape[1] : 1;
            if (fq == null) {
                fq = new double[channels];
                qq = new double[channels];
            }
            long inner = inner(shape, channels);
            for (int i = 0; i < f.length; i++) {
                int c = (int) ((i / inner) % channels);
                fq[c] += (double) f[i] * q[i];
                qq[c] += (double) q[i] * q[i];
            }
        }

        double[] gains() {
            double[] g = new double[fq.length];
            for (int c = 0; c < g.length; c++) {
                g[c] = qq[c] > 0 ? fq[c] / qq[c] : 1;
            }
            return g;
        }

        /** Elements per channel: the product of the axes after axis 1. */
        static long inner(long[] shape, int channels) {
            long inner = 1;
            for (int i = 2; i < shape.length && channels > 1; i++) {
                inner *= shape[i];
            }
            return inner;
        }
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
