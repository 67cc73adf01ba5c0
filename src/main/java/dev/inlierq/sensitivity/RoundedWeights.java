package dev.inlierq.sensitivity;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.rounding.GptqRounding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The constants that replace the float graph's when one weight tensor is scored alone ({@link WeightRounding}):
 * the weight rounded to nearest on its grid, or the weight GPTQ rounded together with the biases of its readers
 * that GPTQ's bias correction changed (they are part of the rounding as {@code quantize} deploys it). A weight GPTQ
 * did not round keeps nearest rounding, as in {@code quantize}.
 */
final class RoundedWeights {
    private final Graph graph;
    private final QuantPlan plan;
    private final Map<String, Encoding> encodings;
    private final GptqRounding.Result gptq;
    private final Set<String> restored;
    private Map<String, ConstTensor> all;

    private RoundedWeights(Graph graph, QuantPlan plan, Map<String, Encoding> encodings, GptqRounding.Result gptq,
            Set<String> restored) {
        this.graph = graph;
        this.plan = plan;
        this.encodings = encodings;
        this.gptq = gptq;
        this.restored = Set.copyOf(restored);
    }

    /** Nearest rounding of every weight of {@code g} with its encoding. */
    static RoundedWeights nearest(Graph g, QuantPlan plan, Map<String, Encoding> encodings) {
        return new RoundedWeights(g, plan, encodings, null, Set.of());
    }

    /**
     * GPTQ's rounding of the weights it rounded ({@code r}, from the float graph {@code g}), nearest rounding of the
     * others.
     */
    static RoundedWeights gptq(Graph g, QuantPlan plan, Map<String, Encoding> encodings, GptqRounding.Result r) {
        return new RoundedWeights(g, plan, encodings, r, Set.of());
    }

    /** Which rounding this is. */
    WeightRounding rounding() {
        return gptq == null ? WeightRounding.NEAREST : WeightRounding.GPTQ;
    }

    /** The same rounding, with the weights {@code weights} (and the biases their rounding changed) left out of {@link #all}. */
    RoundedWeights restoring(Set<String> weights) {
        return new RoundedWeights(graph, plan, encodings, gptq, weights);
    }

    /** Whether {@link #all} leaves {@code weight} float. */
    boolean restored(String weight) {
        return restored.contains(weight);
    }

    /**
     * The constants replaced when every planned weight is quantized at its plan bits, but the restored ones:
     * {@link #of} of each, in plan order (computed once).
     */
    Map<String, ConstTensor> all() {
        if (all == null) {
            Map<String, ConstTensor> m = new LinkedHashMap<>();
            for (String layer : plan.layers()) {
                String w = plan.weightOf(layer).tensor();
                if (!restored.contains(w)) {
                    m.putAll(of(w));
                }
            }
            all = java.util.Collections.unmodifiableMap(m);
        }
        return all;
    }

    /** The constants replaced when {@code weight} alone is quantized, by name: the weight, maybe biases. */
    Map<String, ConstTensor> of(String weight) {
        Map<String, ConstTensor> out = new LinkedHashMap<>();
        if (gptq == null || !gptq.updated().containsKey(weight)) {
            ConstTensor w = graph.constant(weight);
            out.put(weight, ConstTensor.ofFloats(w.shape(), encodings.get(weight).fakeQuantize(w.floats(),
                    w.shape())));
            return out;
        }
        out.put(weight, gptq.graph().constant(weight));
        for (String layer : plan.layersReading(weight)) {
            Node n = SensitivityAnalysis.node(graph, layer);
            if (n.inputs().size() > 2 && gptq.biases().containsKey(n.input(2))) {
                out.put(n.input(2), gptq.graph().constant(n.input(2)));
            }
        }
        return out;
    }
}
