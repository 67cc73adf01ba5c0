package dev.inlierq.sensitivity;

import dev.inlierq.api.CalibrationStage;
import dev.inlierq.api.GptqPreview;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Label-free per-layer sensitivity (in the spirit of HAWQ's and ZeroQ's per-layer sensitivity for mixed precision,
 * measured here on the detector's own task loss instead of a Hessian trace or a KL divergence). The model is
 * prepared, equalised and planned exactly as {@code quantize} does it ({@link CalibrationStage}); the encodings are
 * the quantize command's starting ones (activation ranges from one float pass with the method's range estimation,
 * per-channel weight scales). The float outputs and per-image losses of the scoring images are computed once
 * ({@link FloatReference}); then for every planned layer, with the rest of the model float, one pass with only its
 * weights quantized at the plan's bits (rounded as {@link SensitivityOptions#rounding()} says: to nearest, or with
 * GPTQ's codes from one GPTQ run over the whole plan, {@link WeightRounding}) and one with only its input activation
 * quantized; or, with {@link WeightScoring#MARGINAL}, each weight scored by what restoring it to float gains in the
 * model with every planned weight quantized (one extra pass for that model). Each
 * pass is scored by the change of InlierQ's top-K heatmap loss ({@link TopKHeatmapLoss}, Kim et al., ICLR 2026,
 * Eq. 7) term by term on the float model's top-K entries ({@link TopKHeatmapLoss#shift}: the whole loss's change,
 * {@code |L(quantized) - L(float)|}, lets terms that move apart cancel, and on a model built to test it ranked a
 * layer 16 dB worse in SQNR below its twin), and by the output SQNR; with a labelled subset also by the change of
 * COCO AP, and {@link Spearman}'s correlation between the two rankings is reported.
 */
public final class SensitivityAnalysis {
    private SensitivityAnalysis() {
    }

    /** Progress of an analysis. */
    public interface Listener {
        /** Calibration images processed by the float pass for the activation ranges. */
        default void calibrated(int images) {
        }

        /** A phase begins ("rounding with GPTQ", "float reference", "float AP", "layers"). */
        default void phase(String name) {
        }

        /** Layers done out of {@code total}. */
        default void layers(int done, int total) {
        }
    }

    /**
     * Analyses the planned layers of {@code c}'s model (or the {@link SensitivityOptions#maxLayers()} with the most
     * weights).
     *
     * @return the layers, most sensitive first
     * @throws dev.inlierq.error.UserError for a model, spec, image folder or annotation file that does not fit
     */
    public static SensitivityReport run(QuantizationConfig c, SensitivityOptions o, Listener listener) {
        try (SensitivitySession s = open(c, o, listener)) {
            return s.score(Set.of());
        }
    }

    /**
     * Prepares an analysis that can score the layers more than once ({@link SensitivitySession#score}): the model,
     * the encodings, the rounded weights and the float reference are made once. Close it.
     *
     * @throws dev.inlierq.error.UserError for a model, spec, image folder or annotation file that does not fit
     */
    public static SensitivitySession open(QuantizationConfig c, SensitivityOptions o, Listener listener) {
        return new SensitivitySession(c, o, listener);
    }

    /**
     * The encodings scoring needs: every weight's, and the activations' when they are scored or GPTQ rounds the
     * weights (its Hessians take each layer input through its activation quantizer, as {@code quantize}'s do).
     */
    static Map<String, Encoding> encodings(GraphExecutor engine, CalibrationStage.Prepared p,
            QuantizationConfig c, SensitivityOptions o, Listener listener) {
        Map<String, Encoding> enc = new HashMap<>(CalibrationStage.weights(p, c));
        if (o.variants().contains(Variant.ACTIVATIONS) || gptq(o)) {
            enc.putAll(CalibrationStage.activations(engine, p, c, listener::calibrated));
        }
        return enc;
    }

    private static boolean gptq(SensitivityOptions o) {
        return o.rounding() == WeightRounding.GPTQ && o.variants().contains(Variant.WEIGHTS);
    }

    /** Each weight as scored alone: nearest rounding, or GPTQ's run once for the whole plan ({@link GptqPreview}). */
    static RoundedWeights rounded(GraphExecutor engine, CalibrationStage.Prepared p, QuantizationConfig c,
            SensitivityOptions o, Map<String, Encoding> enc, Listener listener) {
        if (!gptq(o)) {
            return RoundedWeights.nearest(p.graph(), p.plan(), enc);
        }
        listener.phase("rounding with GPTQ");
        return RoundedWeights.gptq(p.graph(), p.plan(), enc, GptqPreview.round(engine, p, c, enc));
    }

    /**
     * The planned layers to analyse, in graph order: all of them, or the {@code max} with the most weights (ties
     * in graph order).
     */
    static List<String> selectLayers(QuantPlan plan, Graph g, int max) {
        if (max == 0 || max >= plan.layers().size()) {
            return plan.layers();
        }
        List<String> bySize = new ArrayList<>(plan.layers());
        bySize.sort(Comparator.comparingLong((String l) -> -parameters(g, plan.weightOf(l).tensor())));
        Set<String> kept = new HashSet<>(bySize.subList(0, max));
        return plan.layers().stream().filter(kept::contains).toList();
    }

    private static long parameters(Graph g, String weight) {
        return FloatTensor.numel(g.constant(weight).shape());
    }

    /** One layer's row: its weight quantizer, its input quantizer when the plan has one, their scores. */
    static LayerSensitivity row(Graph g, QuantPlan plan, String layer, Set<Variant> variants,
            LayerScorer scorer) {
        Node n = node(g, layer);
        QuantPoint w = plan.weightOf(layer);
        LayerSensitivity.Weight weight = new LayerSensitivity.Weight(w.tensor(), w.bits(), parameters(g, w.tensor()),
                plan.layersReading(w.tensor()), variants.contains(Variant.WEIGHTS) ? scorer.weight(w.tensor()) : null);
        QuantPoint in = plan.point(n.input(0));
        LayerSensitivity.Input input = null;
        if (in != null && in.role() == Role.ACTIVATION) {
            input = new LayerSensitivity.Input(in.tensor(), in.bits(),
                    variants.contains(Variant.ACTIVATIONS) ? scorer.activation(in.tensor()) : null);
        }
        return new LayerSensitivity(layer, n.op().name(), weight, input);
    }

    /** The planned layer named {@code name}. */
    static Node node(Graph g, String name) {
        for (Node n : g.nodes()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IllegalStateException("planned layer " + name + " is not in the graph");
    }

    /**
     * Per variant, Spearman's correlation between the loss-change ranking and the AP-change ranking over the
     * layers with both (NaN when fewer than two or a constant ranking).
     */
    static Map<Variant, SensitivityReport.Correlation> spearman(List<LayerSensitivity> rows, Set<Variant> variants) {
        Map<Variant, SensitivityReport.Correlation> out = new EnumMap<>(Variant.class);
        for (Variant v : variants) {
            List<double[]> pairs = new ArrayList<>();
            for (LayerSensitivity r : rows) {
                LayerSensitivity.Score s = r.score(v);
                if (s != null && s.apChange() != null && Double.isFinite(s.lossChange())) {
                    pairs.add(new double[] {s.lossChange(), s.apChange()});
                }
            }
            double[] x = pairs.stream().mapToDouble(a -> a[0]).toArray();
            double[] y = pairs.stream().mapToDouble(a -> a[1]).toArray();
            out.put(v, new SensitivityReport.Correlation(Spearman.correlation(x, y), x.length));
        }
        return out;
    }
}
