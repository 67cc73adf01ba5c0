package dev.inlierq.mixed;

import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.sensitivity.LayerSensitivity;
import dev.inlierq.sensitivity.SensitivityAnalysis;
import dev.inlierq.sensitivity.SensitivityOptions;
import dev.inlierq.sensitivity.SensitivityReport;
import dev.inlierq.sensitivity.Variant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer weight bits from label-free sensitivity. Every weight tensor the plan puts below 8 bits is a candidate
 * (the first and last layers, at 8 bit by the plan's rule, are not); its cost is its parameter count (its bytes at
 * 8 bit) and its gain the loss change of quantizing its weights alone ({@link LayerSensitivity.Score#lossChange()},
 * weights variant). Candidates are taken greedily by gain per parameter, each one that still fits, until the
 * promoted parameters would exceed {@code fraction} of all candidates' parameters: the greedy approximation of the
 * 0/1 knapsack (Dantzig, "Discrete-variable extremum problems", Oper. Res. 5, 1957), the allocation HAWQ-style
 * mixed precision makes with its sensitivities. A weight shared by several layers is one candidate.
 */
public final class MixedPrecision {
    /** The bits promoted weights get. */
    public static final int HIGH_BITS = 8;

    private MixedPrecision() {
    }

    /**
     * One candidate weight.
     *
     * @param weight      the weight tensor
     * @param layers      the layers that read it
     * @param parameters  its parameter count
     * @param sensitivity its loss change when quantized alone at the low bits
     * @param bits        the bits chosen for it
     */
    public record Choice(String weight, List<String> layers, long parameters, double sensitivity, int bits) {
        public Choice {
            layers = List.copyOf(layers);
        }
    }

    /**
     * The chosen bits.
     *
     * @param fraction            the budget: fraction of the candidates' parameters allowed at {@link #HIGH_BITS}
     * @param candidateParameters parameters of all candidates
     * @param promotedParameters  parameters promoted ({@code <= fraction * candidateParameters})
     * @param choices             every candidate with its bits, by decreasing sensitivity per parameter
     */
    public record Assignment(double fraction, long candidateParameters, long promotedParameters,
            List<Choice> choices) {
        public Assignment {
            choices = List.copyOf(choices);
        }

        /** The weight bits of every candidate layer, by layer name (for {@link dev.inlierq.plan.PlanOptions}). */
        public Map<String, Integer> layerBits() {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (Choice c : choices) {
                c.layers().forEach(l -> m.put(l, c.bits()));
            }
            return m;
        }

        /** The promoted layers, in the order chosen. */
        public List<String> promotedLayers() {
            return choices.stream().filter(c -> c.bits() == HIGH_BITS).flatMap(c -> c.layers().stream()).toList();
        }
    }

    /**
     * Chooses from analysed layers (the weights variant measured).
     *
     * @param fraction in [0, 1]
     * @throws IllegalArgumentException for a fraction outside [0, 1] or a candidate without a weight score
     */
    public static Assignment choose(List<LayerSensitivity> layers, double fraction) {
        checkFraction(fraction);
        Map<String, LayerSensitivity.Weight> candidates = new LinkedHashMap<>();
        for (LayerSensitivity l : layers) {
            LayerSensitivity.Weight w = l.weight();
            if (w.bits() < HIGH_BITS) {
                if (w.score() == null) {
                    throw new IllegalArgumentException(l.layer() + ": weights not analysed");
                }
                candidates.putIfAbsent(w.tensor(), w);
            }
        }
        List<LayerSensitivity.Weight> order = new ArrayList<>(candidates.values());
        order.sort(Comparator.comparingDouble((LayerSensitivity.Weight w) -> -perParameter(w))
                .thenComparing(LayerSensitivity.Weight::tensor));
        long total = order.stream().mapToLong(LayerSensitivity.Weight::parameters).sum();
        long budget = (long) Math.floor(fraction * total);
        long promoted = 0;
        List<Choice> choices = new ArrayList<>();
        for (LayerSensitivity.Weight w : order) {
            boolean fits = promoted + w.parameters() <= budget && w.score().lossChange() > 0;
            promoted += fits ? w.parameters() : 0;
            choices.add(new Choice(w.tensor(), w.readers(), w.parameters(), w.score().lossChange(),
                    fits ? HIGH_BITS : w.bits()));
        }
        return new Assignment(fraction, total, promoted, choices);
    }

    private static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("mixed-precision fraction must be in [0, 1], got " + fraction);
        }
    }

    private static double perParameter(LayerSensitivity.Weight w) {
        return w.score().lossChange() / Math.max(1, w.parameters());
    }

    /**
     * Analyses the weights of {@code c}'s plan ({@link SensitivityAnalysis}, weights variant, default scoring images)
     * and chooses their bits.
     *
     * @throws IllegalArgumentException for a fraction outside [0, 1] (before any work)
     */
    public static Assignment analyse(QuantizationConfig c, double fraction, SensitivityAnalysis.Listener listener) {
        checkFraction(fraction);
        SensitivityReport r = SensitivityAnalysis.run(c, SensitivityOptions.builder()
                .variants(EnumSet.of(Variant.WEIGHTS)).build(), listener);
        return choose(r.layers(), fraction);
    }
}
