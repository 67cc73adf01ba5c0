package dev.inlierq.detect.decode;

import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells a wrong {@code decoded} flag from the range of the score channels of real outputs: probabilities
 * ({@code decoded: true}) lie in [0, 1]; logits ({@code decoded: false}) of a detector on real images do
 * not all lie there (background logits are negative). Without the check a wrong flag passes silently
 * (sigmoid of probabilities gives every score in [0.5, 0.73]).
 */
final class ActivationCheck {
    /** Float rounding of an in-graph sigmoid or softmax (and of a dequantized one) stays within this. */
    private static final double SLACK = 1e-3;

    private ActivationCheck() {
    }

    static List<String> problems(HeatmapRecipe recipe, Map<String, FloatTensor> outputs) {
        List<String> problems = new ArrayList<>();
        for (Part p : recipe.parts()) {
            TensorView v = TensorView.of(outputs, p.output(), p.layout(), p.anchors(), p.sampleRows());
            for (Term t : p.objectness() == null ? List.of(p.classes()) : List.of(p.classes(), p.objectness())) {
                String problem = problem(v, t);
                if (problem != null && !problems.contains(problem)) {
                    problems.add(problem);
                }
            }
        }
        return problems;
    }

    private static String problem(TensorView v, Term t) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int n = 0; n < v.batch; n++) {
            for (int k = t.firstChannel(); k < t.end(); k++) {
                for (int l = 0; l < v.locations; l++) {
                    float x = v.get(n, k, l);
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
            }
        }
        boolean probabilities = min >= -SLACK && max <= 1 + SLACK;
        String where = "output '" + v.name + "' channels " + t.firstChannel() + ".." + (t.end() - 1) + " hold values in ["
                + (float) min + ", " + (float) max + "]";
        if (t.activation() == Activation.NONE && !probabilities) {
            return "head.decoded is true but " + where + ", not probabilities: set decoded: false";
        }
        if (t.activation() != Activation.NONE && probabilities) {
            return "head.decoded is false but " + where + ", probabilities already: set decoded: true";
        }
        return null;
    }
}
