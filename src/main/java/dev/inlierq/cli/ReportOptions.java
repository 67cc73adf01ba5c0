package dev.inlierq.cli;

import dev.inlierq.api.Evaluation;
import dev.inlierq.api.Method;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.api.SaliencyOutput;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.htmlreport.HtmlReport;
import dev.inlierq.htmlreport.Measurements;
import dev.inlierq.htmlreport.ReportModel;
import dev.inlierq.htmlreport.ReportModels;
import dev.inlierq.plan.Placement;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The HTML report options of {@code quantize} (issue 13 item 4, {@link dev.inlierq.htmlreport}), mixed into
 * {@link QuantizeCommand}: checked before any work, then the report is measured and written after the run.
 */
@Stage.Of(Stage.VERIFICATION)
final class ReportOptions {
    /** Overlay images per tensor drawn for the report when {@code --saliency-dir} does not ask for more. */
    static final int REPORT_OVERLAY_IMAGES = 2;

    @Option(names = "--report", description = "Write a self-contained HTML report (summary, ONNX Runtime latency, "
            + "per-layer table, plots) to this file.")
    Path report;

    @Option(names = "--report-annotations", description = "Report: COCO annotations JSON for --report-images, to "
            + "show AP of the float and the quantized file (ONNX Runtime), with the 95%% interval of the change from "
            + "1000 paired image resamples (seed: --seed).")
    Path annotations;

    @Option(names = "--report-images", description = "Report: folder of annotated images for the AP comparison.")
    Path images;

    @Option(names = "--report-limit", defaultValue = "0", description = "Report: evaluate only the first N images "
            + "(0 = all). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--report-runs", defaultValue = "10", description = "Report: timed ONNX Runtime runs per file "
            + "(batch 1, median reported). Default: ${DEFAULT-VALUE}.")
    int runs;

    /** Before any work: the report path is its own file, and the AP inputs exist and match. */
    void check(Path model, Path calib, Path out, Path json) {
        if (report == null) {
            if (annotations != null || images != null) {
                throw new UserError(ExitCode.USAGE, "--report-annotations and --report-images need --report");
            }
            return;
        }
        notSame(model, "--model");
        notSame(out, "--out");
        notSame(json, "--json");
        OutputGuard.checkFile("--report", report, model, calib, annotations, images);
        Cli.atLeast("--report-runs", runs, 1);
        Cli.atLeast("--report-limit", limit, 0);
        if ((annotations == null) != (images == null)) {
            throw new UserError(ExitCode.USAGE, "--report-annotations and --report-images go together");
        }
        if (annotations != null) {
            if (!Files.isDirectory(images)) {
                throw new UserError(ExitCode.MISSING_INPUT, "--report-images " + images + ": not a folder");
            }
            Evaluation.match(images, CocoDataset.load(annotations), limit);
        }
    }

    private void notSame(Path other, String option) {
        if (other != null && report.toAbsolutePath().normalize().equals(other.toAbsolutePath().normalize())) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "--report " + report + ": is the same file as " + option
                    + "; give the report its own path (e.g. report.html)");
        }
    }

    /** With InlierQ, thumbnails of its posterior overlays for the report (unless --saliency-dir draws them). */
    void apply(QuantizationConfig.Builder b, Method m, boolean saliencyDirGiven) {
        if (report != null && m.inlierCentric() && !saliencyDirGiven) {
            b.saliency(new SaliencyOutput(null, List.of(), REPORT_OVERLAY_IMAGES));
        }
    }

    /**
     * Measures latency (and AP when asked), writes the report and says so on {@code w}; {@code sensitivity} (layer
     * to the label-free sensitivity of its weights, from {@code --mixed-precision}) fills the sensitivity column.
     */
    void write(Quantization.Result r, QuantizationConfig c, Path out, Map<String, Double> sensitivity, PrintWriter w) {
        if (report == null) {
            return;
        }
        boolean inputs = c.plan().placement() == Placement.LAYER_INPUTS;
        ReportModel.Speed speed = Measurements.speed(c.model(), out, c.threads(), runs, inputs, c.calibration().seed());
        ReportModels b = ReportModels.builder(r, c.model(), out).spec(c.spec().name()).speed(speed)
                .sensitivity(sensitivity);
        if (annotations != null) {
            b.accuracy(Measurements.accuracy(c.model(), out, c.spec(), images, annotations, c.threads(), limit,
                    c.calibration().seed()));
        }
        long bytes = HtmlReport.write(report, b.build());
        w.printf(Locale.ROOT, "wrote report %s (%.1f MB): ONNX Runtime latency float %.1f ms, quantized %.1f ms%n",
                report, bytes / 1048576.0, speed.floatMs(), speed.quantMs());
    }
}
