package dev.inlierq.rounding;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.QuantGrid;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --method gptq}: every quantized 2-D convolution's weights rounded by {@link Gptq} on its grid (the
 * per-channel scales already chosen), with the Hessian of its input from the calibration images
 * ({@link LayerHessians}). The returned graph holds the rounded weights as floats that lie exactly on their
 * grids, so the QDQ writer's nearest rounding writes GPTQ's codes. Layers of other kinds keep nearest rounding.
 *
 * <p>With {@code --hessian inlier} the Hessians are weighted by InlierQ's inlier posterior of each output
 * position ({@link HessianWeighting#INLIER}): the error GPTQ minimises is counted on inlier volumes only (or
 * weighted by the posterior), and the bias correction's mean input is taken over the same weights.
 *
 * <p>With {@link GptqScales#SEARCHED} each output channel is rounded on several grids (its calibrated one and
 * shrunk or widened copies of its range, {@link #candidates}) and keeps the one of least GPTQ error
 * ({@link Gptq#quantize(float[], int, int, double[], QuantGrid[][], double)}); {@link Result#encodings()} hold the
 * grids used, which the written file and learned rounding started from GPTQ take over.
 *
 * <p>Each rounded layer's bias then absorbs the mean output shift of its rounding ({@code correctBias}). Measured
 * at W4A8 (ONNX Runtime AP, seed 0, layer inputs with equalisation; bench/measured/gptq.jsonl): PicoDet-XS 12.33
 * without, 16.69 with; FastestDet 11.70 / 12.37; YOLOX-Nano 22.43 / 22.73.
 */
public final class GptqRounding {
    /**
     * GPTQ's relative damping: {@link Gptq#DEFAULT_DAMP}, or the system property {@code inlierq.gptq.damp} (an
     * experiment switch, as {@code inlierq.gptq.positions} for {@link #DEFAULT_POSITIONS}; docs/methods.md).
     */
    static final double DAMP = Double.parseDouble(System.getProperty("inlierq.gptq.damp",
            Double.toString(Gptq.DEFAULT_DAMP)));

    /** Output positions sampled per image and layer for the Hessians. */
    public static final int DEFAULT_POSITIONS = 512;
    /** The positions sampled per image: {@link #DEFAULT_POSITIONS}, or the system property {@code inlierq.gptq.positions}. */
    public static final int POSITIONS = Integer.getInteger("inlierq.gptq.positions", DEFAULT_POSITIONS);

    private GptqRounding() {
    }

    /** One layer: its output error over the calibration inputs with nearest rounding and with GPTQ's. */
    public record LayerReport(String layer, int groups, int columns, long samples, double nearestError,
            double gptqError, double damp) {
    }

    /**
     * @param graph   the graph with GPTQ's rounded weights
     * @param updated per rounded weight tensor, GPTQ's compensated weights before rounding
     *                ({@link Gptq.Result#updated()}), in the tensor's layout
     * @param biases  the corrected biases, by tensor name
     * @param encodings the grid of each rounded weight tensor (its calibrated one unless scales were searched)
     */
    public record Result(Graph graph, List<LayerReport> layers, Map<String, float[]> updated,
            Map<String, float[]> biases, Map<String, Encoding> encodings) {
    }

    /**
     * Rounds the weights of {@code g}'s planned convolutions with Hessians from {@code inputs}.
     *
     * @param enc weight encodings (the grids)
     */
    public static Result apply(LayerHessians.Source inputs, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            List<FloatTensor> batches, long seed) {
        return apply(inputs, g, plan, enc, batches, seed, Map.of(), GptqScales.MSE);
    }

    /**
     * As {@link #apply(LayerHessians.Source, Graph, QuantPlan, Map, List, long)} with the Hessians weighted per
     * output position, {@code H = sum_p w_p x_p x_p^T} ({@link LayerHessians}; InlierQ's inlier-centric objective
     * in second order, {@code --hessian inlier}).
     *
     * @param weights per layer (node name), {@code [N, outH, outW]} weights over the calibration set; a layer
     *                absent is unweighted
     * @param scales  the grids: the per-channel scales of {@code enc}, or each searched for GPTQ's error
     *                ({@link GptqScales}; the result's {@link Result#encodings()} hold the grids used)
     */
    public static Result apply(LayerHessians.Source inputs, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            List<FloatTensor> batches, long seed, Map<String, float[]> weights, GptqScales scales) {
        Map<String, LayerHessians.Layer> layers = LayerHessians.layers(g, plan);
        LayerHessians.collect(inputs, layers, batches, POSITIONS,
                seed, weights);
        return round(layers, g, plan, enc, scales == GptqScales.SEARCHED);
    }

    /**
     * Bias correction (Nagel et al., "Data-Free Quantization Through Weight Equalization and Bias Correction",
     * ICCV 2019, empirical form): the rounding shifts the layer's mean output by {@code (W - Q) E[x]}; adding it
     * to the bias removes the shift, with {@code E[x]} the mean input patch of the calibration positions. Only
     * for a bias this layer alone reads. Asymmetric ({@link LayerHessians#asymmetric}): the shift from the float
     * layer's mean output, {@code W E[x_f] - Q E[x_q]}, so the bias also absorbs the mean drift of the input.
     */
    private static void correctBias(Graph g, LayerHessians.Layer l, float[] w, float[] q, int rowsPerGroup, int d,
            Map<String, ConstTensor> inits, Map<String, float[]> biases) {
        String bias = g.ownBias(l.node());
        if (bias == null) {
            return;
        }
        ConstTensor b = g.constant(bias);
        float[] nb = b.floats().clone();
        for (int gi = 0; gi < l.groups(); gi++) {
            double[] mu = l.mean(gi);
            double[] muFloat = l.asymmetric() ? l.floatMean(gi) : null;
            for (int r = 0; r < rowsPerGroup; r++) {
                int row = gi * rowsPerGroup + r;
                double shift = 0;
                for (int j = 0; j < d; j++) {
                    shift += muFloat == null ? ((double) w[row * d + j] - q[row * d + j]) * mu[j]
                            : (double) w[row * d + j] * muFloat[j] - (double) q[row * d + j] * mu[j];
                }
                nb[row] += (float) shift;
            }
        }
        inits.put(bias, ConstTensor.ofFloats(b.shape(), nb));
        biases.put(bias, nb);
    }

    /**
     * Rounds the weights of {@code layers}, whose sums {@link LayerHessians#collect} has accumulated, on the grids
     * of {@code enc} (each row's searched among {@link #candidates} when {@code search}); asymmetric layers are
     * rounded towards their target ({@link Gptq#asymmetricTarget}).
     */
    public static Result round(Map<String, LayerHessians.Layer> layers, Graph g, QuantPlan plan,
            Map<String, Encoding> enc, boolean search) {
        Map<String, QuantPoint> weightOf = new LinkedHashMap<>();
        for (QuantPoint p : plan.weights()) {
            weightOf.put(p.layer(), p);
        }
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        List<LayerReport> reports = new ArrayList<>();
        Map<String, float[]> updated = new LinkedHashMap<>();
        Map<String, float[]> biases = new LinkedHashMap<>();
        Map<String, Encoding> encodings = new LinkedHashMap<>();
        for (LayerHessians.Layer l : layers.values()) {
            QuantPoint wp = weightOf.get(l.node().name());
            Encoding e = enc.get(wp.tensor());
            ConstTensor w = g.constant(wp.tensor());
            if (e == null || w == null || (e.size() != 1 && (wp.channelAxis() != 0 || e.size() != w.shape()[0]))) {
                continue;
            }
            float[] wf = w.floats();
            float[] out = new float[wf.length];
            float[] upd = new float[wf.length];
            int rowsPerGroup = (int) (w.shape()[0] / l.groups());
            int d = l.columns();
            float[] scales = e.scale();
            int[] zeros = e.zeroPoint();
            double before = 0;
            double after = 0;
            double damp = 0;
            for (int gi = 0; gi < l.groups(); gi++) {
                float[] wg = new float[rowsPerGroup * d];
                System.arraycopy(wf, gi * rowsPerGroup * d, wg, 0, wg.length);
                double[] cross = l.cross(gi);
                if (cross != null) {
                    wg = Gptq.asymmetricTarget(wg, rowsPerGroup, d, l.hessian(gi), cross, DAMP);
                }
                QuantGrid[][] grids = new QuantGrid[rowsPerGroup][];
                for (int r = 0; r < rowsPerGroup; r++) {
                    QuantGrid current = e.grid(e.size() == 1 ? 0 : gi * rowsPerGroup + r);
                    grids[r] = search && e.size() > 1 ? candidates(e.spec(), current, wg, r, d)
                            : new QuantGrid[] {current};
                }
                Gptq.Result r = Gptq.quantize(wg, rowsPerGroup, d, l.hessian(gi), grids, DAMP);
                if (e.size() > 1) {
                    for (int k = 0; k < rowsPerGroup; k++) {
                        scales[gi * rowsPerGroup + k] = r.grids()[k].scale();
                        zeros[gi * rowsPerGroup + k] = r.grids()[k].zeroPoint();
                    }
                }
                System.arraycopy(r.weights(), 0, out, gi * rowsPerGroup * d, wg.length);
                System.arraycopy(r.updated(), 0, upd, gi * rowsPerGroup * d, wg.length);
                before += r.nearestError();
                after += r.error();
                damp = Math.max(damp, Double.isNaN(r.damp()) ? 0 : r.damp());
            }
            inits.put(wp.tensor(), ConstTensor.ofFloats(w.shape(), out));
            correctBias(g, l, wf, out, rowsPerGroup, d, inits, biases);
            updated.put(wp.tensor(), upd);
            encodings.put(wp.tensor(), new Encoding(e.spec(), scales, zeros));
            reports.add(new LayerReport(l.node().name(), l.groups(), d, l.samples(), before, after, damp));
        }
        return new Result(g.withNodes(g.nodes(), inits, g.shapes()), reports, updated, biases, encodings);
    }

    /** Clipping factors of the searched scales: {@code a = k / 50} of the row's range, 0.30 to 1.08. */
    static final int SEARCH_FROM = 15;
    static final int SEARCH_TO = 54;

    /**
     * The grids a row's scale is searched over: its calibrated grid first, then the grids of the row's range
     * {@code [min(w, 0), max(w, 0)]} shrunk by each factor (beyond 1 too: a signed grid such as {@code [-8, 7]}
     * reaches a positive maximum only at a factor of 16/15).
     */
    static QuantGrid[] candidates(dev.inlierq.quant.QuantSpec spec, QuantGrid current, float[] wg, int r, int d) {
        float lo = 0;
        float hi = 0;
        for (int j = 0; j < d; j++) {
            lo = Math.min(lo, wg[r * d + j]);
            hi = Math.max(hi, wg[r * d + j]);
        }
        if (hi - lo == 0) {
            return new QuantGrid[] {current};
        }
        QuantGrid[] out = new QuantGrid[SEARCH_TO - SEARCH_FROM + 2];
        out[0] = current;
        for (int k = SEARCH_FROM; k <= SEARCH_TO; k++) {
            double a = k / 50.0;
            out[k - SEARCH_FROM + 1] = QuantGrid.fromRange(spec, (float) (a * lo), (float) (a * hi));
        }
        return out;
    }
}
