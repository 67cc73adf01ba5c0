package dev.inlierq.sensitivity;

import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.quant.Encoding;
import java.util.HashMap;
import java.util.Map;

/**
 * Scores one quantizer at a time against the float model ({@link FloatReference}, and the AP change on the
 * labelled subset when there is one), each tensor once: a weight shared by several layers, or an activation read
 * by several, is measured a single time.
 */
final class LayerScorer {
    private final GraphExecutor engine;
    private final RoundedWeights rounded;
    private final Map<String, Encoding> encodings;
    private final FloatReference reference;
    private final LabelledSubset labelled;
    private final double floatAp;
    private final Map<String, LayerSensitivity.Score> weights = new HashMap<>();
    private final Map<String, LayerSensitivity.Score> activations = new HashMap<>();

    /**
     * @param engine    an engine of the float graph
     * @param rounded   the values of each weight as it is rounded when scored alone
     * @param encodings the encodings of the plan's activations (when they are scored)
     * @param labelled  the labelled subset, or {@code null}
     * @param floatAp   the AP of the float model on {@code labelled} (ignored without)
     */
    LayerScorer(GraphExecutor engine, RoundedWeights rounded, Map<String, Encoding> encodings, FloatReference reference,
            LabelledSubset labelled, double floatAp) {
        this.engine = engine;
        this.rounded = rounded;
        this.encodings = encodings;
        this.reference = reference;
        this.labelled = labelled;
        this.floatAp = floatAp;
    }

    /** The score of the weight {@code tensor} quantized alone, rounded as {@link RoundedWeights} says. */
    LayerSensitivity.Score weight(String tensor) {
        LayerSensitivity.Score s = weights.get(tensor);
        if (s == null) {
            try (Perturbation p = Perturbation.constants(rounded.of(tensor))) {
                s = score(p);
            }
            weights.put(tensor, s);
        }
        return s;
    }

    /** The score of the activation {@code tensor} quantized alone. */
    LayerSensitivity.Score activation(String tensor) {
        LayerSensitivity.Score s = activations.get(tensor);
        if (s == null) {
            try (Perturbation p = Perturbation.activation(tensor, encodings.get(tensor))) {
                s = score(p);
            }
            activations.put(tensor, s);
        }
        return s;
    }

    private LayerSensitivity.Score score(Perturbation p) {
        LayerSensitivity.Score s = reference.measure(engine, p);
        if (labelled == null) {
            return s;
        }
        return new LayerSensitivity.Score(s.lossChange(), s.sqnrDb(), floatAp - labelled.ap(engine, p));
    }
}
