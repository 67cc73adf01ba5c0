package dev.inlierq.cli;

import dev.inlierq.api.CalibrationStage;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.mixed.BudgetUnit;
import dev.inlierq.mixed.MixedPrecision;
import dev.inlierq.mixed.MixedRequest;
import dev.inlierq.sensitivity.SensitivityAnalysis;
import dev.inlierq.sensitivity.SensitivityOptions;
import dev.inlierq.sensitivity.Measure;
import dev.inlierq.sensitivity.WeightScoring;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Option;

/**
 * The automatic mixed precision option of {@code quantize} (issue 13 item 2, {@link MixedPrecision}), mixed into
 * {@link QuantizeCommand}: a label-free sensitivity pass over the weights before quantizing, whose choice reaches the
 * plan as per-layer weight bits (and so the file's {@code inlierq.layer_bits}).
 */
@Stage.Of(Stage.MIXED_PRECISION)
final class MixedPrecisionOptions {
    @Option(names = "--mixed-precision", paramLabel = "FRACTION",
            description = "With --w-bits below 8: keep at 8 bit the weights most sensitive per byte (label-free, as "
                    + "inlierq analyze measures them), at most FRACTION (0..1) of the parameters of the layers at "
                    + "--w-bits (their bytes at 8 bit; the first and last layers, at 8 bit already, not counted); the "
                    + "others at --w-bits; with --mixed-budget bytes, at most FRACTION of their stored bytes. Both "
                    + "shares are printed (15%% of parameters: 26%% of the packed 4/8-bit bytes). "
                    + "Each weight is scored as the method rounds it: with GPTQ's codes when it starts from GPTQ "
                    + "(the default at 4 bits, --start gptq, --method gptq), else to nearest.")
    Double fraction;

    @Option(names = "--mixed-budget", paramLabel = "parameters|bytes", converter = BudgetConverter.class,
            description = "With --mixed-precision: what FRACTION counts. parameters (default): the promoted weights' "
                    + "parameters; bytes: their stored bytes against all candidates' stored bytes, each at its bits "
                    + "(15%% of the bytes is about 8%% of the parameters at 4/8 bit).")
    BudgetUnit unit;

    @Option(names = "--mixed-scoring", paramLabel = "alone|marginal", converter = ScoringConverter.class,
            description = "With --mixed-precision: how each weight's gain is measured. alone (default): the measure's "
                    + "shift of quantizing it with the rest of the model float; marginal: with every weight "
                    + "quantized, how much the shift falls when it alone is restored to float (leave-one-out; one "
                    + "pass more than alone).")
    WeightScoring scoring;

    @Option(names = "--mixed-measure", paramLabel = "heatmap|boxes|detections",
            converter = AnalyzeCommand.MeasureConverter.class,
            description = "With --mixed-precision: what each weight's gain is measured by. heatmap: the shift of "
                    + "the top-K score heatmap; boxes: that shift plus the box values' at the top-K locations; "
                    + "detections: 1 - the AP of the detections against the float model's (boxes count too); as "
                    + "inlierq analyze --measure. Default: boxes for heads with box values (yolox, center_offset, "
                    + "box_score), else heatmap.")
    Measure measure;

    @Option(names = "--mixed-rounds", paramLabel = "N",
            description = "With --mixed-scoring marginal: choose in N greedy rounds (default 1); round k spends up to "
                    + "k/N of the budget, and the weights promoted so far stay float while the others are scored "
                    + "again (one more scoring pass per round).")
    Integer rounds;

    @Option(names = "--mixed-images", paramLabel = "N", defaultValue = "" + SensitivityOptions.DEFAULT_SCORE_IMAGES,
            description = "With --mixed-precision: the first N calibration images score the weights (each scoring "
                    + "pass costs N images). Default: ${DEFAULT-VALUE}.")
    int images;

    private MixedPrecision.Assignment assignment;
    private CalibrationStage.Prepared prepared;
    private Measure resolved;

    /**
     * The config with per-layer weight bits chosen by a sensitivity pass; {@code c} itself without the option.
     *
     * @throws UserError USAGE for a fraction outside [0, 1], 8-bit weights, rounds or images that do not fit, or
     *                   --mixed-scoring or --mixed-rounds without --mixed-precision
     */
    QuantizationConfig apply(QuantizationConfig c) {
        if (fraction == null) {
            String stray = scoring != null ? "--mixed-scoring" : rounds != null ? "--mixed-rounds"
                    : unit != null ? "--mixed-budget" : measure != null ? "--mixed-measure" : null;
            if (stray != null) {
                throw new UserError(ExitCode.USAGE, stray + " needs --mixed-precision");
            }
            return c;
        }
        WeightScoring how = scoring == null ? WeightScoring.ALONE : scoring;
        int n = rounds == null ? 1 : rounds;
        if (n < 1 || n > 1 && how != WeightScoring.MARGINAL) {
            throw new UserError(ExitCode.USAGE, "--mixed-rounds must be 1, or more with --mixed-scoring marginal, got "
                    + n);
        }
        Cli.atLeast("--mixed-images", images, 1);
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new UserError(ExitCode.USAGE, "--mixed-precision must be in [0, 1], got " + fraction);
        }
        if (c.plan().weightBits() >= MixedPrecision.HIGH_BITS) {
            throw new UserError(ExitCode.USAGE, "--mixed-precision needs --w-bits below 8, got "
                    + c.plan().weightBits());
        }
        AnalyzeCommand.checkMeasure("--mixed-measure", measure, c.spec());
        MixedRequest request = MixedRequest.builder(fraction).unit(unit == null ? BudgetUnit.PARAMETERS : unit)
                .scoring(how).rounds(n).scoreImages(images).measure(measure).build();
        resolved = request.measureFor(c.spec());
        try (ProgressBar bar = Cli.progressBar("sensitivity", -1)) {
            MixedPrecision.Analysis analysis = MixedPrecision.analysis(c, request, new SensitivityAnalysis.Listener() {
                @Override
                public void phase(String name) {
                    bar.setExtraMessage(name);
                }

                @Override
                public void layers(int done, int total) {
                    bar.maxHint(total);
                    bar.stepTo(done);
                }
            });
            assignment = analysis.assignment();
            prepared = analysis.prepared();
        }
        return c.toBuilder().plan(c.plan().withLayerWeightBits(assignment.layerBits())).build();
    }

    /**
     * The model the scoring prepared (read, equalised, planned, its calibration images chosen), for the run of the
     * config {@link #apply} returned; null without the option, when the run prepares its own.
     */
    CalibrationStage.Prepared prepared() {
        return prepared;
    }

    /** One line with the budget and the promoted layers (nothing without the option). */
    void print(PrintWriter out) {
        if (assignment != null) {
            List<String> promoted = assignment.promotedLayers();
            out.printf(Locale.ROOT, "mixed precision: %d of %d weights at 8 bit (%.1f%% of %d parameters, "
                    + "%.1f%% of their stored bytes; budget %.1f%% of the %s; scored %s%s by %s with %s rounding in "
                    + "%.1f s): "
                    + "%s%n",
                    assignment.choices().stream().filter(c -> c.bits() == MixedPrecision.HIGH_BITS).count(),
                    assignment.choices().size(),
                    100.0 * assignment.promotedParameters() / Math.max(1, assignment.candidateParameters()),
                    assignment.candidateParameters(), 100 * assignment.promotedByteShare(),
                    100 * assignment.fraction(), assignment.unit().cliName(), assignment.scoring().cliName(),
                    assignment.rounds() > 1 ? " in " + assignment.rounds() + " rounds" : "",
                    resolved.cliName(), assignment.rounding().cliName(), assignment.seconds(),
                    promoted.isEmpty() ? "none" : String.join(", ", promoted));
        }
    }

    /** Layer name to the label-free sensitivity of its weights (empty without the option), for the report. */
    Map<String, Double> sensitivity() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (assignment != null) {
            for (MixedPrecision.Choice c : assignment.choices()) {
                c.layers().forEach(layer -> m.put(layer, c.sensitivity()));
            }
        }
        return m;
    }

    /** The assignment under {@code mixed_precision} (nothing without the option). */
    void addTo(Map<String, Object> json) {
        if (assignment == null) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fraction", assignment.fraction());
        m.put("budget_unit", assignment.unit().cliName());
        m.put("rounding", assignment.rounding().cliName());
        m.put("scoring", assignment.scoring().cliName());
        m.put("measure", resolved.cliName());
        m.put("rounds", assignment.rounds());
        m.put("score_images", assignment.scoreImages());
        m.put("scoring_seconds", assignment.seconds());
        m.put("candidate_parameters", assignment.candidateParameters());
        m.put("promoted_parameters", assignment.promotedParameters());
        m.put("promoted_byte_share", assignment.promotedByteShare());
        List<Map<String, Object>> choices = new ArrayList<>();
        for (MixedPrecision.Choice c : assignment.choices()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("weight", c.weight());
            e.put("layers", c.layers());
            e.put("parameters", c.parameters());
            e.put("loss_change", c.sensitivity());
            e.put("bits", c.bits());
            choices.add(e);
        }
        m.put("choices", choices);
        m.put("layer_bits", assignment.layerBits());
        json.put("mixed_precision", m);
    }

    /** {@code --mixed-budget}: parameters or bytes. */
    static final class BudgetConverter extends Cli.LowerCaseEnum<BudgetUnit> {
        BudgetConverter() {
            super(BudgetUnit.class, "mixed-precision budget");
        }
    }

    /** {@code --mixed-scoring}: alone or marginal. */
    static final class ScoringConverter extends Cli.LowerCaseEnum<WeightScoring> {
        ScoringConverter() {
            super(WeightScoring.class, "mixed-precision scoring");
        }
    }
}
