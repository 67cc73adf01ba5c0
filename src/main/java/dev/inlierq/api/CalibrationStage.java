package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSelection;
import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.calib.DenseSelection;
import dev.inlierq.calib.Equalization;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.WeightGrid;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * What {@link Quantization} does before rounding, for the features that need the same starting point without
 * writing a file (per-layer sensitivity, mixed precision): the model read, prepared and checked against its spec,
 * the calibration images chosen (drawn by the seed, or the densest for the float model), equalisation when the
 * config asks for it, the quantizer plan, then the encodings: activation ranges from one float pass
 * ({@link Calibrator#activations}) with the method's range estimation, and per-channel weight scales
 * ({@link Calibrator#weights}).
 */
public final class CalibrationStage {
    private CalibrationStage() {
    }

    /**
     * The float model as the quantizer sees it.
     *
     * @param graph       the prepared (and, when configured, equalised) float graph
     * @param plan        the quantizer plan of that graph ({@link Planner})
     * @param calibration the calibration images chosen by the config's seed
     * @param equalized   number of activations equalised
     * @param basis       what of the config the preparation read ({@link #replanned})
     */
    public record Prepared(Graph graph, QuantPlan plan, CalibrationSet calibration, int equalized, Basis basis) {

        /**
         * The same prepared graph and calibration images planned for {@code c}, which may differ from the config
         * this was prepared for only in per-layer weight bits ({@link PlanOptions#layerWeightBits()}): what mixed
         * precision's scoring session prepared, handed to the run of the bits it chose, so that the images are not
         * chosen and the model not equalised a second time (equalisation's searched strengths read the plan's
         * uniform bits, not per-layer ones, so they come out the same).
         *
         * @throws IllegalArgumentException when {@code c} differs in anything the preparation read
         */
        public Prepared replanned(QuantizationConfig c) {
            Basis wanted = Basis.of(c);
            if (!basis.equals(wanted)) {
                throw new IllegalArgumentException("the prepared model was prepared for another configuration: its "
                        + basis.difference(wanted) + " differs");
            }
            checkHoldout(c, calibration);
            return new Prepared(graph, Planner.plan(graph, c.plan()), calibration, equalized, basis);
        }
    }

    /**
     * What of a config {@link #prepare} reads: the model, spec, image folder, calibration options, equalisation, weight
     * grid, threads and the plan options other than per-layer weight bits.
     */
    public record Basis(Path model, DetectorSpec spec, Path calib, CalibrationOptions calibration,
            EqualizationOptions equalization, WeightGrid grid, int threads, PlanOptions plan) {

        static Basis of(QuantizationConfig c) {
            return new Basis(c.model(), c.spec(), c.calib(), c.calibration(), c.equalization(), c.weights().grid(),
                    c.threads(), c.plan().withLayerWeightBits(Map.of()));
        }

        /**
         * For the message when {@code o} is not equal to this (the record's equality decides): the name of the first
         * part in which they differ, or "configuration" for a part not named here.
         */
        String difference(Basis o) {
            Map<String, Boolean> same = new LinkedHashMap<>();
            same.put("model", model.equals(o.model));
            same.put("spec", spec.equals(o.spec));
            same.put("image folder", calib.equals(o.calib));
            same.put("calibration options", calibration.equals(o.calibration));
            same.put("equalisation", equalization.equals(o.equalization));
            same.put("weight grid", grid == o.grid);
            same.put("threads", threads == o.threads);
            same.put("plan (other than per-layer weight bits)", plan.equals(o.plan));
            return same.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).findFirst()
                    .orElse("configuration");
        }
    }

    /**
     * Reads, prepares and checks the model, chooses the calibration images, equalises (one float pass) when the
     * config asks for it, and plans.
     *
     * @throws UserError BAD_SPEC when the spec does not fit the model or no layer is left to quantize
     */
    public static Prepared prepare(QuantizationConfig c) {
        return prepare(c, phase -> { });
    }

    /** {@link #prepare(QuantizationConfig)}, naming its phases ("equalising") to {@code phase} as they begin. */
    public static Prepared prepare(QuantizationConfig c, java.util.function.Consumer<String> phase) {
        DjlRuntime.setThreads(c.threads());
        Graph g = Quantization.prepare(c.model());
        ModelCheck.check(g, c.model(), c.spec());
        CalibrationSet calib = chooseImages(g, c, phase);
        checkHoldout(c, calib);
        int equalized = 0;
        if (c.equalization().effectiveAlpha() > 0) {
            phase.accept("equalising");
            Equalization.Result eq = equalize(g, c, calib);
            g = eq.graph();
            equalized = eq.equalized();
        }
        QuantPlan plan = Planner.plan(g, c.plan());
        if (plan.layers().isEmpty()) {
            throw new UserError(ExitCode.BAD_SPEC, c.model() + ": no layer to quantize (all excluded?)");
        }
        return new Prepared(g, plan, calib, equalized, Basis.of(c));
    }

    /** Reconstruction's held-out images must leave some to train on. */
    private static void checkHoldout(QuantizationConfig c, CalibrationSet calib) {
        int n = calib.files().size();
        if (c.reconstruction() != null && c.reconstruction().earlyStop().holdoutFor(n) >= n) {
            throw new UserError(ExitCode.USAGE, "--holdout " + c.reconstruction().earlyStop().holdout()
                    + ": must be less than "
                    + "the number of calibration images (" + calib.files().size() + ")");
        }
    }

    /** The calibration images, drawn by the seed or the densest of the folder ({@link DenseSelection}). */
    private static CalibrationSet chooseImages(Graph g, QuantizationConfig c,
            java.util.function.Consumer<String> phase) {
        CalibrationOptions o = c.calibration();
        if (o.selection() == CalibrationSelection.RANDOM) {
            return CalibrationSet.choose(c.calib(), o.images(), o.seed());
        }
        phase.accept("choosing calibration images");
        try (GraphExecutor floatEngine = new GraphExecutor(g)) {
            return DenseSelection.choose(floatEngine, c.spec(), c.calib(), o.images(), o.seed(), o.batch());
        }
    }

    /**
     * Equalisation with one float pass for the per-channel ranges. With {@code --placement all} only where the
     * factors fold into convolutions ({@link Equalization.Mode#FOLDED}), so the file keeps its integer chains; with
     * {@code --search-alpha} each activation's strength is searched at the plan's bits.
     */
    private static Equalization.Result equalize(Graph g, QuantizationConfig c, CalibrationSet calib) {
        Equalization.Mode mode = c.plan().placement() == Placement.ALL_ACTIVATIONS
                ? Equalization.Mode.FOLDED : Equalization.Mode.MULS;
        try (GraphExecutor floatEngine = new GraphExecutor(g)) {
            boolean search = c.equalization().searched();
            return Equalization.apply(floatEngine, g, c.spec().preprocessor(), calib.files(), c.calibration().batch(),
                    c.equalization().effectiveAlpha(), mode, search ? c.plan().weightBits() : 0,
                    search ? c.plan().activationBits() : 0, c.weights().grid());
        }
    }

    /**
     * Checks the spec's {@code decoded} flag against the scores of the float model on the first batch of
     * calibration images.
     *
     * @param floatEngine an engine of {@code p.graph()}
     * @throws UserError BAD_SPEC when the flag contradicts the range
     */
    public static void checkScores(GraphExecutor floatEngine, Prepared p, QuantizationConfig c) {
        ModelCheck.checkScores(floatEngine, c.spec(), c.spec().preprocessor(), p.calibration().files(),
                c.calibration().batch());
    }

    /**
     * The encodings of the plan's activations, by tensor (members of a sharing group share one): one float pass
     * over the calibration images with the method's range estimation.
     *
     * @param floatEngine an engine of {@code p.graph()}
     * @param progress    receives the number of calibration images processed
     */
    public static Map<String, Encoding> activations(GraphExecutor floatEngine, Prepared p, QuantizationConfig c,
            IntConsumer progress) {
        return Calibrator.activations(floatEngine, p.plan(), c.spec().preprocessor(), p.calibration().files(),
                c.calibration().batch(), c.method().rangeEstimation(c.calibration().percentile()), progress);
    }

    /**
     * The encodings of the plan's weights, by tensor: per output channel, MSE or min/max as the method says, on
     * the configured grid ({@link dev.inlierq.quant.WeightGrid}).
     */
    public static Map<String, Encoding> weights(Prepared p, QuantizationConfig c) {
        return Calibrator.weights(p.graph(), p.plan(), c.method().mseWeightScales(), c.resolvedWeightType(),
                c.weights().grid());
    }
}
