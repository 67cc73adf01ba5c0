package dev.inlierq.sensitivity;

import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.quant.Encoding;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores one quantizer at a time against the float model ({@link FloatReference}, and the AP change on the
 * labelled subset when there is one), each tensor once: a weight shared by several layers, or an activation read
 * by several, is measured a single time. A weight is scored alone (switched on in the float model) or, with
 * {@link WeightScoring#MARGINAL}, left out of the model with every planned weight quantized: its score is then the
 * fall of the loss change (and the AP gained) when it alone goes back to float, from one pass of the fully
 * quantized model (measured once) and one with the weight left out.
 */
final class LayerScorer {
    private final GraphExecutor engine;
    private final RoundedWeights rounded;
    private final Map<String, Encoding> encodings;
    private final FloatReference reference;
    private final LabelledSubset labelled;
    private final double floatAp;
    private final WeightScoring scoring;
    private LayerSensitivity.Score quantized;
    private final Map<String, LayerSensitivity.Score> weights = new HashMap<>();
    private final Map<String, LayerSensitivity.Score> activations = new HashMap<>();

    /**
     * @param engine    an engine of the float graph
     * @param rounded   the values of each weight as it is rounded when scored alone
     * @param encodings the encodings of the plan's activations (when they are scored)
     * @param labelled  the labelled subset, or {@code null}
     * @param floatAp   the AP of the float model on {@code labelled} (ignored without)
     * @param scoring   the operating point of the weights' scores
     */
    LayerScorer(GraphExecutor engine, RoundedWeights rounded, Map<String, Encoding> encodings, FloatReference reference,
            LabelledSubset labelled, double floatAp, WeightScoring scoring) {
        this.engine = engine;
        this.rounded = rounded;
        this.encodings = encodings;
        this.reference = reference;
        this.labelled = labelled;
        this.floatAp = floatAp;
        this.scoring = scoring;
    }

    /**
     * The score of the weight {@code tensor} rounded as {@link RoundedWeights} says: quantized alone, or (marginal)
     * what restoring it to float gains in the model with every planned weight quantized.
     */
    LayerSensitivity.Score weight(String tensor) {
        LayerSensitivity.Score s = weights.get(tensor);
        if (s == null) {
            s = scoring == WeightScoring.ALONE ? alone(tensor) : marginal(tensor);
            weights.put(tensor, s);
        }
        return s;
    }

    private LayerSensitivity.Score alone(String tensor) {
        try (Perturbation p = Perturbation.constants(rounded.of(tensor))) {
            return score(p);
        }
    }

    /**
     * The fully quantized model's loss change minus that of the model with {@code tensor} (and the biases its
     * rounding changed) float; the SQNR of the latter; the AP it gains. The quantized model leaves the weights
     * {@link RoundedWeights#restoring} names float; their gain is 0.
     */
    private LayerSensitivity.Score marginal(String tensor) {
        if (quantized == null) {
            try (Perturbation p = Perturbation.constants(rounded.all())) {
                quantized = score(p);
            }
        }
        if (rounded.restored(tensor)) { // float already: restoring it changes nothing
            return new LayerSensitivity.Score(0, quantized.sqnrDb(), labelled == null ? null : 0.0);
        }
        Map<String, ConstTensor> rest = new LinkedHashMap<>(rounded.all());
        rounded.of(tensor).keySet().forEach(rest::remove);
        LayerSensitivity.Score left;
        try (Perturbation p = Perturbation.constants(rest)) {
            left = score(p);
        }
        Double ap = labelled == null ? null : quantized.apChange() - left.apChange();
        return new LayerSensitivity.Score(quantized.lossChange() - left.lossChange(), left.sqnrDb(), ap);
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
