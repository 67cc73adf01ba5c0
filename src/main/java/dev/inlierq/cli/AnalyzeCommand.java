package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.calib.CalibrationSelection;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.sensitivity.SensitivityAnalysis;
import dev.inlierq.sensitivity.SensitivityOptions;
import dev.inlierq.sensitivity.SensitivityReport;
import dev.inlierq.sensitivity.Variant;
import dev.inlierq.sensitivity.WeightRounding;
import dev.inlierq.sensitivity.WeightScoring;
import dev.inlierq.sensitivity.Measure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inlierq analyze}: label-free per-layer sensitivity ({@link SensitivityAnalysis}), a table worst first, all
 * rows in {@code --json}, and with {@code --annotations} the AP change per layer and the rank correlation.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Per-layer quantization sensitivity, label-free: each planned layer's weights, then its input, "
                + "quantized alone and scored by the change of the top-K heatmap loss and the output SQNR "
                + "(with --annotations also the AP change).")
@Stage.Of(Stage.INPUT_OUTPUT)
final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Float ONNX model.")
    Path model;

    @Option(names = "--spec", required = true, description = "Built-in spec (yolox, picodet, fastestdet) or a spec file.")
    String detectorSpec;

    @Option(names = "--calib", required = true, description = "Folder of calibration images (labels are never read).")
    Path calib;

    @Option(names = "--top", defaultValue = "25", description = "Rows printed (0 = all). Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--json", description = "Write every row as JSON.")
    Path json;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the calibration images' choice. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Mixin
    Bits bits = new Bits();
    @Mixin
    Calibration calibration = new Calibration();
    @Mixin
    Plan plan = new Plan();
    @Mixin
    Equalisation equalisation = new Equalisation();
    @Mixin
    Scoring scoring = new Scoring();

    /** The bit widths analysed. */
    @Stage.Of(Stage.METHOD)
    static final class Bits {
        @Option(names = "--w-bits", defaultValue = "4", description = "Weight bits (2-8). Default: ${DEFAULT-VALUE}.")
        int wBits;

        @Option(names = "--a-bits", defaultValue = "8", description = "Activation bits (2-8). Default: ${DEFAULT-VALUE}.")
        int aBits;
    }

    /** The calibration images of the activation ranges. */
    @Stage.Of(Stage.CALIBRATION)
    static final class Calibration {
        @Option(names = "--num-calib", defaultValue = "64",
                description = "Calibration images for the activation ranges, chosen by --seed (as quantize). Default: ${DEFAULT-VALUE}.")
        int numCalib;

        @Option(names = "--calib-select", paramLabel = "random|dense",
                converter = CalibrationOptions.SelectionConverter.class, defaultValue = "random",
                description = CalibrationOptions.SELECT_HELP + " Default: ${DEFAULT-VALUE}.")
        CalibrationSelection selection;

        @Option(names = "--batch", defaultValue = "8", description = "Images per engine run. Default: ${DEFAULT-VALUE}.")
        int batch;
    }

    /** Which layers and activations are quantized. */
    @Stage.Of(Stage.PLACEMENT)
    static final class Plan {
        @Option(names = "--no-first-last-8bit", description = "Analyse the first and last layers at --w-bits/--a-bits too.")
        boolean noFirstLast;

        @Option(names = "--placement", converter = Cli.PlacementConverter.class,
                description = "all or inputs, as for quantize (it decides which activations share a range). Default: "
                        + "that of quantize's default method (inputs).")
        Placement placement;
    }

    /** Equalisation as quantize's. */
    @Stage.Of(Stage.EQUALISATION)
    static final class Equalisation {
        @Option(names = "--equalize", negatable = true, description = "Equalise as quantize does; --no-equalize turns "
                + "it off. Default: as quantize's default method (on).")
        Boolean equalize;
    }

    /** What is measured per layer, and on which images. */
    @Stage.Of(Stage.SENSITIVITY)
    static final class Scoring {
        @Option(names = "--score-images", defaultValue = "" + SensitivityOptions.DEFAULT_SCORE_IMAGES,
                description = "The first N calibration images score every layer. Default: ${DEFAULT-VALUE}.")
        int scoreImages;

        @Option(names = "--variants", defaultValue = "weights,activations", split = ",",
                converter = VariantConverter.class,
                description = "What is quantized per layer: weights, activations or both. Default: ${DEFAULT-VALUE}.")
        List<Variant> variants = new ArrayList<>();

        @Option(names = "--weight-rounding", defaultValue = "nearest", converter = WeightRoundingConverter.class,
                description = "How each layer's weights are rounded when scored alone: nearest, or gptq (the codes "
                        + "GPTQ gives them, as quantize --start gptq does, the default at 4 bits: one GPTQ run over "
                        + "the calibration images first). Default: ${DEFAULT-VALUE}.")
        WeightRounding weightRounding;

        @Option(names = "--weight-scoring", defaultValue = "alone", converter = WeightScoringConverter.class,
                description = "Where each layer's weights are scored: alone (the rest float), or marginal (every "
                        + "planned weight quantized; the score is how much the loss change falls when this one is "
                        + "restored to float, as quantize --mixed-scoring marginal). Default: ${DEFAULT-VALUE}.")
        WeightScoring weightScoring;

        @Option(names = "--measure", defaultValue = "heatmap", converter = MeasureConverter.class,
                description = "What each quantized layer is scored by against the float model: heatmap (the shift "
                        + "of the top-K score heatmap's terms), boxes (that shift plus how far the box values move at "
                        + "the top-K locations; yolox, center_offset and box_score heads) or detections (1 - the AP of "
                        + "its detections against the float model's detections scoring at least "
                        + Detection.CONFIDENT_SCORE + ": boxes count too). Default: ${DEFAULT-VALUE}.")
        Measure measure;

        @Option(names = "--layers", defaultValue = "0",
                description = "Analyse only the N layers with the most weights (0 = all). Default: ${DEFAULT-VALUE}.")
        int layers;

        @Option(names = "--topk", defaultValue = "100", description = "K of the top-K heatmap loss. Default: ${DEFAULT-VALUE}.")
        int topK;

        @Option(names = "--topk-scope", defaultValue = "class", converter = Cli.TopKScopeConverter.class,
                description = "Top-K per class (Eq. 7) or over all classes together (joint). Default: ${DEFAULT-VALUE}.")
        TopKHeatmapLoss.Scope topKScope;

        @Option(names = "--annotations", description = "COCO instances JSON: also measure the AP change per layer.")
        Path annotations;

        @Option(names = "--images", description = "Folder of the labelled images (with --annotations).")
        Path images;

        @Option(names = "--num-images", defaultValue = "" + SensitivityOptions.DEFAULT_AP_IMAGES,
                description = "Labelled images for the AP change (the first N by file name). Default: ${DEFAULT-VALUE}.")
        int numImages;
    }

    /** A usage error when {@code option} asks for the boxes measure on a head without box values. */
    static void checkMeasure(String option, Measure m, DetectorSpec spec) {
        if (m != null && !m.fits(spec)) {
            throw new UserError(ExitCode.USAGE, option + " boxes needs a head with box values (yolox, center_offset, "
                    + "box_score); this spec's head has none");
        }
    }

    /** {@code --measure} and {@code --mixed-measure}: heatmap, boxes or detections. */
    static final class MeasureConverter extends Cli.LowerCaseEnum<Measure> {
        MeasureConverter() {
            super(Measure.class, "measure");
        }
    }

    /** {@code --variants}: weights or activations. */
    static final class VariantConverter extends Cli.LowerCaseEnum<Variant> {
        VariantConverter() {
            super(Variant.class, "variant");
        }
    }

    @Override
    public Integer call() {
        checkCounts();
        Set<Variant> measured = parseVariants();
        Cli.modelFile("--model", model);
        SensitivityOptions.Labelled labelled = labelled();
        OutputGuard.checkFile("--json", json, model, calib, scoring.annotations, scoring.images);
        DetectorSpec ds = DetectorSpecs.resolve(detectorSpec);
        checkMeasure("--measure", scoring.measure, ds);
        QuantizationConfig config = config(ds);
        SensitivityOptions options = SensitivityOptions.builder().variants(measured).scoreImages(scoring.scoreImages)
                .maxLayers(scoring.layers).labelled(labelled).rounding(scoring.weightRounding)
                .scoring(scoring.weightScoring).measure(scoring.measure).build();
        SensitivityReport r;
        try (Bars bars = new Bars(calibration.numCalib)) {
            r = SensitivityAnalysis.run(config, options, bars);
        }
        spec.commandLine().getOut().print(r.table(top));
        if (json != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("spec", ds.name());
            m.put("w_bits", bits.wBits);
            m.put("a_bits", bits.aBits);
            m.put("placement", config.plan().placement().name());
            m.put("equalize_alpha", config.equalization().effectiveAlpha());
            m.put("seed", seed);
            m.put("variants", measured.stream().map(Variant::cliName).toList());
            m.put("measure", scoring.measure.cliName());
            m.putAll(r.toJsonMap());
            JsonFiles.write(json, m);
        }
        return 0;
    }

    private void checkCounts() {
        Cli.checkBits("--w-bits", bits.wBits);
        Cli.checkBits("--a-bits", bits.aBits);
        Cli.atLeast("--num-calib", calibration.numCalib, 1);
        Cli.atLeast("--score-images", scoring.scoreImages, 1);
        Cli.atLeast("--num-images", scoring.numImages, 1);
        Cli.atLeast("--layers", scoring.layers, 0);
        Cli.atLeast("--top", top, 0);
        Cli.atLeast("--topk", scoring.topK, 1);
        Cli.atLeast("--batch", calibration.batch, 1);
        Cli.atLeast("--threads", threads, 1);
    }

    private Set<Variant> parseVariants() {
        Set<Variant> out = EnumSet.noneOf(Variant.class);
        out.addAll(scoring.variants);
        if (out.isEmpty()) {
            throw new UserError(ExitCode.USAGE, "--variants: expected weights, activations or both");
        }
        return out;
    }

    /** The labelled subset, when asked for: both options, existing files. */
    private SensitivityOptions.Labelled labelled() {
        if ((scoring.annotations == null) != (scoring.images == null)) {
            throw new UserError(ExitCode.USAGE, "--annotations and --images go together (the AP change needs both)");
        }
        if (scoring.annotations == null) {
            return null;
        }
        if (!Files.isRegularFile(scoring.annotations)) {
            throw new UserError(ExitCode.MISSING_INPUT, "--annotations " + scoring.annotations + ": file not found");
        }
        if (!Files.isDirectory(scoring.images)) {
            throw new UserError(ExitCode.MISSING_INPUT, "--images " + scoring.images + ": no such folder");
        }
        return new SensitivityOptions.Labelled(scoring.annotations, scoring.images, scoring.numImages);
    }

    /** The quantize command's settings for these bits (its default method's ranges, placement, equalisation). */
    private QuantizationConfig config(DetectorSpec ds) {
        Method m = Method.defaultFor(bits.wBits);
        PlanOptions p = PlanOptions.builder().weightBits(bits.wBits).activationBits(bits.aBits)
                .firstLastAt8Bit(!plan.noFirstLast).placement(plan.placement == null ? m.placement() : plan.placement)
                .build();
        QuantizationConfig.Builder b = QuantizationConfig.builder(model, ds, calib).calibImages(calibration.numCalib)
                .calibSelection(calibration.selection).seed(seed).batch(calibration.batch).threads(threads).plan(p).topK(scoring.topK)
                .topKScope(scoring.topKScope);
        if (equalisation.equalize != null) {
            b.equalize(equalisation.equalize);
        }
        return b.build();
    }

    /** {@code --weight-rounding}: nearest or gptq. */
    static final class WeightRoundingConverter extends Cli.LowerCaseEnum<WeightRounding> {
        WeightRoundingConverter() {
            super(WeightRounding.class, "weight rounding");
        }
    }

    /** {@code --weight-scoring}: alone or marginal. */
    static final class WeightScoringConverter extends Cli.LowerCaseEnum<WeightScoring> {
        WeightScoringConverter() {
            super(WeightScoring.class, "weight scoring");
        }
    }

    /** A bar for the calibration pass, then one per phase, the layers with their count. */
    private static final class Bars implements SensitivityAnalysis.Listener, AutoCloseable {
        private final ProgressBar calibration;
        private ProgressBar phase;

        Bars(int images) {
            calibration = Cli.progressBar("calibrate", images);
        }

        @Override
        public void calibrated(int images) {
            calibration.stepTo(images);
        }

        @Override
        public void phase(String name) {
            close();
            phase = Cli.progressBar(name, -1);
        }

        @Override
        public void layers(int done, int total) {
            phase.maxHint(total);
            phase.stepTo(done);
        }

        @Override
        public void close() {
            calibration.close();
            if (phase != null) {
                phase.close();
            }
        }
    }
}
