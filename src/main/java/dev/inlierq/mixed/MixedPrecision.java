package dev.inlierq.mixed;

import dev.inlierq.api.CalibrationStage;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.sensitivity.LayerSensitivity;
import dev.inlierq.sensitivity.SensitivityAnalysis;
import dev.inlierq.sensitivity.SensitivityOptions;
import dev.inlierq.sensitivity.SensitivityReport;
import dev.inlierq.sensitivity.SensitivitySession;
import dev.inlierq.sensitivity.Variant;
import dev.inlierq.sensitivity.WeightRounding;
import dev.inlierq.sensitivity.WeightScoring;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-layer weight bits from label-free sensitivity. Every weight tensor the plan puts below 8 bits is a candidate
 * (the first and last layers, at 8 bit by the plan's rule, are not); its cost is its parameter count (its bytes at
 * 8 bit) and its gain its weights score ({@link LayerSensitivity.Score#lossChange()}, weights variant). Candidates
 * are taken greedily by gain per parameter, each one that still fits and gains something, until the promoted
 * parameters would exceed {@code fraction} of all candidates' parameters (or, with {@link BudgetUnit#BYTES}, the
 * promoted weights' stored bytes that fraction of all candidates' stored bytes): the greedy approximation of the 0/1
 * knapsack (Dantzig, "Discrete-variable extremum problems", Oper. Res. 5, 1957), the allocation HAWQ-style mixed
 * precision makes with its sensitivities. A weight shared by several layers is one candidate.
 *
 * <p>The gain is measured at one of two operating points ({@link WeightScoring}). Alone: the loss change of
 * quantizing that weight with the rest of the model float. Marginal (leave-one-out): with every planned weight
 * quantized, how much the loss change falls when that one weight is restored to float. The knapsack adds up the
 * gains of the promoted weights as if they were independent; the marginal gain is the one measured where that
 * sum is taken (most of the model stays at the low bits), so it counts the error a weight adds on top of the
 * others' (errors grow through depth, and those of different layers can add up or cancel), which the alone score,
 * measured next to a float model, cannot see.
 *
 * <p>Each weight is scored as the method will round it ({@link #roundingFor}): with GPTQ's codes when the method
 * starts from (or is) GPTQ's rounding, the default 4-bit recipe, else to nearest. Layers GPTQ rounds well (many
 * depthwise convolutions are poor at nearest 4-bit rounding and fine after GPTQ) then do not spend the budget.
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
     * @param sensitivity its gain at the low bits: its loss change when quantized alone, or (marginal) how much
     *                    the quantized model's loss change falls when it is restored to float
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
     * @param fraction            the budget: fraction of the candidates' parameters (or stored bytes) allowed at
     *                            {@link #HIGH_BITS}
     * @param unit                what the fraction counts
     * @param candidateParameters parameters of all candidates
     * @param promotedParameters  parameters promoted ({@code <= fraction * candidateParameters} in parameters)
     * @param choices             every candidate with its bits: those promoted in earlier rounds first, then by
     *                            decreasing gain per parameter in the last round
     * @param rounding            how the weights were rounded when scored
     * @param scoring             at which operating point they were scored
     * @param rounds              greedy rounds, the weights promoted in one float when the next is scored
     * @param scoreImages         calibration images that scored the weights (0 when not measured here)
     * @param seconds             wall time of the scoring (NaN when not measured here)
     */
    public record Assignment(double fraction, BudgetUnit unit, long candidateParameters, long promotedParameters,
            List<Choice> choices, WeightRounding rounding, WeightScoring scoring, int rounds, int scoreImages,
            double seconds) {
        public Assignment {
            choices = List.copyOf(choices);
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(rounding, "rounding");
            Objects.requireNonNull(scoring, "scoring");
        }

        /** The weight bits of every candidate layer, by layer name (for {@link dev.inlierq.plan.PlanOptions}). */
        public Map<String, Integer> layerBits() {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (Choice c : choices) {
                c.layers().forEach(l -> m.put(l, c.bits()));
            }
            return m;
        }

        /**
         * The promoted weights' share of the candidates' stored weight bytes, each weight at its chosen bits: the
         * budget counts parameters (bytes at 8 bit), so a parameter share {@code x} at 4 bits stores {@code 2x / (1 +
         * x)} of the bytes (15% of parameters: 26% of the packed bytes).
         */
        public double promotedByteShare() {
            long high = 0;
            long all = 0;
            for (Choice c : choices) {
                long bits = c.parameters() * c.bits();
                all += bits;
                high += c.bits() == HIGH_BITS ? bits : 0;
            }
            return all == 0 ? 0 : high / (double) all;
        }

        /** The promoted layers, in the order chosen. */
        public List<String> promotedLayers() {
            return choices.stream().filter(c -> c.bits() == HIGH_BITS).flatMap(c -> c.layers().stream()).toList();
        }
    }

    /**
     * Chooses from layers whose weights were scored alone with nearest rounding.
     *
     * @param fraction in [0, 1]
     * @throws IllegalArgumentException for a fraction outside [0, 1] or a candidate without a weight score
     */
    public static Assignment choose(List<LayerSensitivity> layers, double fraction) {
        return choose(new SensitivityReport(layers, 0, 0, WeightRounding.NEAREST, WeightScoring.ALONE, null,
                Double.NaN), fraction);
    }

    /**
     * Chooses from an analysis (the weights variant measured); the assignment records how it scored them.
     *
     * @param fraction in [0, 1]
     * @throws IllegalArgumentException for a fraction outside [0, 1] or a candidate without a weight score
     */
    public static Assignment choose(SensitivityReport r, double fraction) {
        return choose(r, fraction, BudgetUnit.PARAMETERS);
    }

    /**
     * Chooses from an analysis within a budget counted in {@code unit}.
     *
     * @param fraction in [0, 1]
     * @throws IllegalArgumentException for a fraction outside [0, 1] or a candidate without a weight score
     */
    public static Assignment choose(SensitivityReport r, double fraction, BudgetUnit unit) {
        checkFraction(fraction);
        return choose(r, new Budget(fraction, unit, 1), Map.of(), 1);
    }

    /**
     * A round's budget: {@code spend} of {@code fraction}, in {@code unit}.
     *
     * @param fraction the whole budget
     * @param unit     what it counts
     * @param spend    the share of it this round may use, in (0, 1]
     */
    private record Budget(double fraction, BudgetUnit unit, double spend) {
        /**
         * Whether {@code w} fits next to {@code promoted} parameters already at {@link #HIGH_BITS}, among candidates
         * of {@code total} parameters storing {@code storedBits} bits (each at its current bits).
         */
        boolean fits(LayerSensitivity.Weight w, long promoted, long total, long storedBits) {
            if (unit == BudgetUnit.PARAMETERS) {
                return promoted + w.parameters() <= (long) Math.floor(spend * fraction * total);
            }
            long high = (promoted + w.parameters()) * (long) HIGH_BITS;
            long stored = storedBits + w.parameters() * (long) (HIGH_BITS - w.bits());
            return high <= spend * fraction * stored;
        }
    }

    /**
     * The greedy choice of one round: the weights {@code fixed} (promoted in earlier rounds, with their gains there)
     * first, then the others by gain per parameter in {@code r}, while the promoted weights stay within
     * {@code budget}.
     */
    private static Assignment choose(SensitivityReport r, Budget budget, Map<String, Choice> fixed, int rounds) {
        Map<String, LayerSensitivity.Weight> candidates = new LinkedHashMap<>();
        for (LayerSensitivity l : r.layers()) {
            LayerSensitivity.Weight w = l.weight();
            if (w.bits() < HIGH_BITS) {
                if (w.score() == null) {
                    throw new IllegalArgumentException(l.layer() + ": weights not analysed");
                }
                candidates.putIfAbsent(w.tensor(), w);
            }
        }
        List<LayerSensitivity.Weight> order = new ArrayList<>(candidates.values());
        order.sort(Comparator.comparing((LayerSensitivity.Weight w) -> !fixed.containsKey(w.tensor()))
                .thenComparingDouble(w -> -perParameter(w)).thenComparing(LayerSensitivity.Weight::tensor));
        long total = order.stream().mapToLong(LayerSensitivity.Weight::parameters).sum();
        long storedBits = order.stream().mapToLong(w -> w.parameters() * w.bits()).sum();
        long promoted = 0;
        List<Choice> choices = new ArrayList<>();
        for (LayerSensitivity.Weight w : order) {
            Choice earlier = fixed.get(w.tensor());
            double gain = earlier != null ? earlier.sensitivity() : w.score().lossChange();
            boolean fits = earlier != null || gain > 0 && budget.fits(w, promoted, total, storedBits);
            if (fits) {
                promoted += w.parameters();
                storedBits += w.parameters() * (long) (HIGH_BITS - w.bits());
            }
            choices.add(new Choice(w.tensor(), w.readers(), w.parameters(), gain, fits ? HIGH_BITS : w.bits()));
        }
        return new Assignment(budget.fraction(), budget.unit(), total, promoted, choices, r.rounding(), r.scoring(),
                rounds, r.scoreImages(), r.seconds());
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
     * How {@code c}'s method rounds the weights, so how they are scored: {@link WeightRounding#GPTQ} when its
     * rounding is GPTQ's ({@code --method gptq}) or starts from it ({@code --start gptq}, the default 4-bit
     * recipe), else {@link WeightRounding#NEAREST}.
     */
    public static WeightRounding roundingFor(QuantizationConfig c) {
        return c.runsGptq() ? WeightRounding.GPTQ : WeightRounding.NEAREST;
    }

    /**
     * Analyses the weights of {@code c}'s plan ({@link SensitivityAnalysis}, weights variant, on the request's scoring
     * images, rounded as {@link #roundingFor} says, scored at the request's operating point) and chooses their bits
     * within the request's budget (in its unit) in the request's greedy rounds: round {@code k} of {@code n} spends
     * up to {@code k / n} of the budget, and the weights promoted so far are float in the quantized model the next
     * round's marginal gains are measured in (the others are scored again; one scoring pass per round).
     */
    public static Assignment analyse(QuantizationConfig c, MixedRequest request, SensitivityAnalysis.Listener listener) {
        return analysis(c, request, listener).assignment();
    }

    /**
     * An assignment and the prepared model it was scored on.
     *
     * @param assignment the bits chosen
     * @param prepared   the model read, equalised and planned for {@code c}, and its calibration images: hand it to
     *                   {@link dev.inlierq.api.Quantization#run(QuantizationConfig, CalibrationStage.Prepared,
     *                   java.nio.file.Path, dev.inlierq.api.Quantization.Listener)} with the assigned bits, so the run
     *                   neither chooses the images nor equalises again
     */
    public record Analysis(Assignment assignment, CalibrationStage.Prepared prepared) {
    }

    /** {@link #analyse}, keeping the session's prepared model. */
    public static Analysis analysis(QuantizationConfig c, MixedRequest request, SensitivityAnalysis.Listener listener) {
        SensitivityOptions o = SensitivityOptions.builder().variants(EnumSet.of(Variant.WEIGHTS))
                .scoreImages(request.scoreImages()).rounding(roundingFor(c)).scoring(request.scoring())
                .measure(request.measureFor(c.spec())).build();
        try (SensitivitySession s = SensitivityAnalysis.open(c, o, listener)) {
            Map<String, Choice> fixed = Map.of();
            Assignment a = null;
            for (int k = 1; k <= request.rounds(); k++) {
                Budget budget = new Budget(request.fraction(), request.unit(), k / (double) request.rounds());
                a = choose(s.score(fixed.keySet()), budget, fixed, request.rounds());
                fixed = new LinkedHashMap<>();
                for (Choice ch : a.choices()) {
                    if (ch.bits() == HIGH_BITS) {
                        fixed.put(ch.weight(), ch);
                    }
                }
            }
            return new Analysis(a, s.prepared());
        }
    }
}
