package dev.inlierq.calib;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.QuantSpec;
import dev.inlierq.quant.WeightEncodings;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.quant.WeightType;
import java.util.List;

/**
 * Equalisation strength chosen per activation ({@code --search-alpha}): the factors of {@link Equalization} for
 * each strength in {@link #STRENGTHS}, or none, whichever leaves the least estimated output error in the layers
 * that read the activation, at the bits of the run. The idea is AWQ's (Lin et al., "AWQ: Activation-aware Weight
 * Quantization", MLSys 2024, section 3.2: a grid search, per layer, over the exponent of the activation scale
 * moved into the weights); the error is estimated in closed form instead of by running the layer:
 *
 * <pre>
 *   E(s) = sum over readers l, weights W'[o, c, j] = W[o, c, j] s_c of
 *          (W' - Q_w(W'))^2 m_c / s_c^2   +   W'^2 D^2 / 12
 * </pre>
 * with {@code m_c = E[x_c^2]} over the calibration images (a weight's error costs as much as its input is large;
 * the input of W' is {@code x / s}), {@code Q_w} the per-output-channel MSE grid at the weight bits (affine
 * where the run's weight grid is), and
 * {@code D = max_c (r_c / s_c) / (2^b - 1)} the step of the activation's per-tensor grid at the activation bits
 * ({@code r_c = max |x_c|}), whose rounding noise of variance {@code D^2 / 12} each weight carries to the output.
 * Cross terms are dropped: rounding errors of different elements are nearly uncorrelated. At W4A8 this keeps the
 * weights from taking range their 16 levels cannot hold where the 8-bit activation did not need it; where a
 * channel's outliers would cost the whole activation its grid (the SiLU stem of YOLOX-Nano, PicoDet's
 * hard-swish outliers) it still equalises.
 */
final class EqualizationSearch {
    /**
     * The strengths tried besides no equalisation (depthwise readers always take 1, {@link Equalization#factors}).
     * The experiment switch {@code -Dinlierq.equalize.strengths=0,0.25,...} replaces the list (stop 44: 0 flattens
     * the weights' input channels, pushing their whole range into the activation).
     */
    static final double[] STRENGTHS = {0.25, 0.5, 0.75};

    /** {@link #STRENGTHS}, or the list of the experiment switch when it is set. */
    static double[] strengths() {
        String v = System.getProperty("inlierq.equalize.strengths");
        if (v == null) {
            return STRENGTHS;
        }
        try {
            double[] s = java.util.Arrays.stream(v.split(",")).mapToDouble(t -> Double.parseDouble(t.strip()))
                    .toArray();
            if (java.util.Arrays.stream(s).allMatch(a -> a >= 0 && a <= 1)) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("inlierq.equalize.strengths must be numbers in [0, 1] separated by "
                + "commas, got " + v);
    }

    /** The bits the error is estimated at, and the weights' grid ({@code --weight-grid}) at those bits. */
    record Bits(int weights, int activations, WeightGrid grid) {
        /** With symmetric weight grids. */
        Bits(int weights, int activations) {
            this(weights, activations, WeightGrid.SYMMETRIC);
        }

        /**
         * The per-output-channel weight grid the error is estimated on: signed codes at the planned bits, affine
         * where the run's grid says so ({@link WeightType#weightSpec(int, WeightGrid)} decides, as for the
         * written weights).
         */
        QuantSpec weightSpec() {
            return WeightType.INT8.weightSpec(weights, grid);
        }
    }

    private EqualizationSearch() {
    }

    /**
     * The factors of least estimated error for one activation, or {@code null} when no equalisation is best.
     *
     * @param maxAbs     per channel, {@code max |x_c|}
     * @param meanSquare per channel, {@code E[x_c^2]}
     */
    static double[] choose(double[] maxAbs, double[] meanSquare, List<Node> readers, Graph g, Bits bits) {
        double[] none = new double[maxAbs.length];
        java.util.Arrays.fill(none, 1.0);
        double best = error(none, maxAbs, meanSquare, readers, g, bits);
        double[] chosen = null;
        for (double alpha : strengths()) {
            double[] s = Equalization.factors(maxAbs, readers, g, alpha);
            if (s == null) {
                continue;
            }
            double e = error(s, maxAbs, meanSquare, readers, g, bits);
            if (e < best) {
                best = e;
                chosen = s;
            }
        }
        return chosen;
    }

    /** {@code E(s)} of the class comment. */
    static double error(double[] s, double[] maxAbs, double[] meanSquare, List<Node> readers, Graph g, Bits bits) {
        double top = 0;
        for (int c = 0; c < s.length; c++) {
            top = Math.max(top, maxAbs[c] / s[c]);
        }
        double step = top / ((1 << bits.activations()) - 1);
        double noise = step * step / 12;
        QuantSpec spec = bits.weightSpec();
        double total = 0;
        for (Node layer : readers) {
            ConstTensor wt = g.constant(layer.input(1));
            long[] ws = wt.shape();
            int groups = (int) layer.attrs().getInt("group", 1);
            int cinPerGroup = (int) ws[1];
            int coutPerGroup = (int) (ws[0] / groups);
            int k = (int) (wt.size() / (ws[0] * ws[1]));
            float[] scaled = Equalization.rescaledWeight(wt, layer, s, null);
            Encoding e = WeightEncodings.mse(scaled, ws, spec);
            float[] q = e.fakeQuantize(scaled, ws);
            for (int i = 0; i < scaled.length; i++) {
                int ch = channel(i, k, cinPerGroup, coutPerGroup);
                double d = scaled[i] - q[i];
                total += d * d * meanSquare[ch] / (s[ch] * s[ch]) + (double) scaled[i] * scaled[i] * noise;
            }
        }
        return total;
    }

    /** The input channel of weight element {@code i} ({@code [cout, cin / groups, k...]}, row-major). */
    private static int channel(int i, int k, int cinPerGroup, int coutPerGroup) {
        int o = i / (cinPerGroup * k);
        int ci = (i / k) % cinPerGroup;
        return (o / coutPerGroup) * cinPerGroup + ci;
    }
}
