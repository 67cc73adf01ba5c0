package dev.inlierq.cli;

import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CenterDistanceEvaluator;
import dev.inlierq.eval.CenterDistanceMetrics;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoResults;
import dev.inlierq.report.JsonFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inlierq eval}: COCO bbox metrics of a detector on a folder of images, and with {@code --bev-distance} the
 * nuScenes centre-distance mAP of a bird's-eye-view detector ({@link CenterDistanceEvaluator}); with
 * {@code --bootstrap} intervals of AP, AP50 and AP75 (and of the centre-distance mAP) from resampled images, paired
 * with {@code --baseline} ({@link BootstrapOptions}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a detector on COCO images (pycocotools bbox metrics).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX model file (float or QDQ).")
    Path model;

    @Option(names = "--spec", required = true, description = "Built-in spec (yolox, picodet, fastestdet) or a spec file.")
    String detectorSpec;

    @Option(names = "--images", required = true, description = "Folder of images.")
    Path images;

    @Option(names = "--annotations", required = true, description = "COCO instances JSON for those images.")
    Path annotations;

    @Option(names = "--engine", defaultValue = "ort", converter = Cli.EngineConverter.class,
            description = "ort or djl. Default: ${DEFAULT-VALUE}.")
    EngineKind engine;

    @Option(names = "--batch", defaultValue = "8", description = "Images per run. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N images (0 = all).")
    int limit;

    @Option(names = "--json", description = "Write the metrics as JSON.")
    Path json;

    @Option(names = "--detections", description = "Write the detections as a COCO results JSON.")
    Path detections;

    @Option(names = "--bev-distance", arity = "0..1", paramLabel = "CELL_METRES",
            description = "Also report the nuScenes centre-distance mAP of a bird's-eye-view detector (thresholds "
                    + "0.5, 1, 2, 4 m). CELL_METRES: metres per pixel; default: the annotation file's "
                    + "info.settings.cell_size, which synth-lidar writes.")
    String bevDistance;

    @Mixin
    BootstrapOptions bootstrap;

    @Override
    public Integer call() {
        Cli.atLeast("--batch", batch, 1);
        Cli.atLeast("--threads", threads, 1);
        Cli.atLeast("--limit", limit, 0);
        Double cellMetres = bevCellArgument();
        bootstrap.validate();
        Cli.modelFile("--model", model);
        OutputGuard.checkFile("--json", json, model, images, annotations, bootstrap.baseline);
        OutputGuard.checkFile("--detections", detections, model, images, annotations, bootstrap.baseline);
        if (json != null && detections != null && json.toAbsolutePath().normalize().equals(detections.toAbsolutePath().normalize())) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json and --detections must differ");
        }
        DetectorSpec ds = DetectorSpecs.resolve(detectorSpec);
        CocoDataset gt = CocoDataset.load(annotations);
        CenterDistanceEvaluator bev = cellMetres == null ? null : bevEvaluator(gt, cellMetres);
        Evaluation.Result r = evaluate(model, ds, gt, "eval " + engine.cliName());
        Evaluation.Result base = bootstrap.baseline == null ? null
                : evaluate(bootstrap.baseline, ds, gt, "eval baseline " + engine.cliName());
        var out = spec.commandLine().getOut();
        if (!r.skipped().isEmpty()) {
            spec.commandLine().getErr().println("note: skipped " + r.skipped().size()
                    + " file(s) that are not images or not in the annotation file (first: " + r.skipped().get(0).getFileName() + ")");
        }
        out.print(r.metrics().summaryText());
        CenterDistanceMetrics bevMetrics = bev == null ? null
                : bev.evaluate(r.detections(), r.imageIds());
        if (bevMetrics != null) {
            out.print(bevMetrics.summaryText());
        }
        out.printf("images: %d, engine: %s, seconds: %.1f%n", r.images(), r.engine(), r.seconds());
        BootstrapOptions.Result boot = bootstrap.enabled() ? bootstrap.resample(gt, r, base,
                bevMetrics == null ? Double.NaN : bevMetrics.cellSize()) : null;
        if (boot != null) {
            bootstrap.print(out, boot);
        }
        if (json != null) {
            Map<String, Object> m = new LinkedHashMap<>(r.metrics().toJsonMap());
            if (bevMetrics != null) {
                m.putAll(bevMetrics.toJsonMap());
            }
            m.put("images", r.images());
            m.put("seconds", r.seconds());
            m.put("engine", r.engine());
            m.put("model", model.toString());
            m.put("spec", ds.name());
            if (boot != null) {
                m.putAll(bootstrap.json(boot));
            }
            JsonFiles.write(json, m);
        }
        if (detections != null) {
            CocoResults.write(detections, r.detections());
        }
        return 0;
    }

    /** One model on the images, with a progress bar named {@code task}. */
    private Evaluation.Result evaluate(Path onnx, DetectorSpec ds, CocoDataset gt, String task) {
        Evaluation.Options opts = new Evaluation.Options(onnx, ds, images, annotations, engine, batch, threads, limit);
        try (ProgressBar pb = Cli.progressBar(task, -1)) {
            return Evaluation.run(opts, gt, new Evaluation.Listener() {
                @Override
                public void total(int images) {
                    pb.maxHint(images);
                }

                @Override
                public void done(int images) {
                    pb.stepTo(images);
                }
            });
        }
    }

    /**
     * {@code --bev-distance}: null when absent, {@code NaN} without a value (take the annotation file's), else the
     * metres per pixel given, which must be positive.
     */
    private Double bevCellArgument() {
        if (bevDistance == null) {
            return null;
        }
        if (bevDistance.isEmpty()) {
            return Double.NaN;
        }
        double v;
        try {
            v = Double.parseDouble(bevDistance.strip());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(Double.isFinite(v) && v > 0)) {
            throw new UserError(ExitCode.USAGE, "--bev-distance must be a positive number of metres per pixel, got '"
                    + bevDistance + "'");
        }
        return v;
    }

    /** The centre-distance evaluator, before the run: the cell size given, else the annotation file's. */
    private CenterDistanceEvaluator bevEvaluator(CocoDataset gt, double cellMetres) {
        double cell = cellMetres;
        if (Double.isNaN(cell)) {
            var recorded = CenterDistanceEvaluator.cellSizeOf(gt);
            if (recorded.isEmpty()) {
                throw new UserError(ExitCode.BAD_ANNOTATIONS, "annotation file " + annotations + " records no cell "
                        + "size (info.settings." + CenterDistanceEvaluator.CELL_SIZE_SETTING
                        + "); give it: --bev-distance CELL_METRES");
            }
            cell = recorded.getAsDouble();
            if (!(Double.isFinite(cell) && cell > 0)) {
                throw new UserError(ExitCode.BAD_ANNOTATIONS, "annotation file " + annotations + " records an invalid"
                        + " cell size " + cell + " (info.settings." + CenterDistanceEvaluator.CELL_SIZE_SETTING
                        + "); give it: --bev-distance CELL_METRES");
            }
        }
        return new CenterDistanceEvaluator(gt, cell);
    }
}
