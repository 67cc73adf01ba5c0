package dev.inlierq.demo;

import dev.inlierq.api.Benchmark;
import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.api.Method;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.api.SaliencyOutput;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CenterDistanceEvaluator;
import dev.inlierq.eval.CenterDistanceMetrics;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.htmlreport.HtmlReport;
import dev.inlierq.htmlreport.Measurements;
import dev.inlierq.htmlreport.ReportModel;
import dev.inlierq.htmlreport.ReportModels;
import dev.inlierq.plan.Placement;
import dev.inlierq.tensor.ModelRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The measured part of a {@link Demo}, all through the library API: {@link Evaluation#run} with ONNX Runtime
 * (on the LiDAR maps followed by {@link CenterDistanceEvaluator}, as {@code eval --bev-distance} runs it),
 * {@link Quantization#run} with a {@link QuantizationConfig} per {@link Plan}, {@link Benchmark#run} for latency and
 * {@link HtmlReport#write} for the reports.
 */
final class DemoRuns {
    /** Images per ONNX Runtime evaluation batch. */
    static final int EVAL_BATCH = 8;
    /** Warm-up runs before the timed ones. */
    static final int WARMUP = 2;
    /** Overlay thumbnails per tensor drawn for InlierQ's report. */
    static final int REPORT_OVERLAY_IMAGES = 2;

    private final DemoConfig config;
    private final Demo.Model model;
    private final DemoData.Prepared data;
    private final DemoOutputs outputs;
    private final Demo.Phases phases;
    private final CocoDataset groundTruth;
    /** The centre-distance evaluator on the LiDAR maps; null on the shapes benchmark. */
    private final CenterDistanceEvaluator bev;

    DemoRuns(DemoConfig config, Demo.Model model, DemoData.Prepared data, DemoOutputs outputs, Demo.Phases phases) {
        this.config = config;
        this.model = model;
        this.data = data;
        this.outputs = outputs;
        this.phases = phases;
        this.groundTruth = CocoDataset.load(data.valAnnotations());
        this.bev = config.data().bev() ? bevEvaluator(groundTruth, data.valAnnotations()) : null;
    }

    /** The centre-distance evaluator at the cell size the annotation file records ({@code info.settings}). */
    private static CenterDistanceEvaluator bevEvaluator(CocoDataset gt, Path annotations) {
        return CenterDistanceEvaluator.recorded(gt).orElseThrow(() -> new UserError(ExitCode.BAD_ANNOTATIONS,
                "annotation file " + annotations + " records no valid cell size (info.settings."
                + CenterDistanceEvaluator.CELL_SIZE_SETTING + ")"));
    }

    /**
     * One quantized file to make.
     *
     * @param tag    the file's suffix ({@code w8a8}: {@code NAME-w8a8.onnx})
     * @param method the method, or {@code null} for the default recipe of the weight bits
     */
    record Plan(String tag, Method method, int weightBits, int activationBits) {
        String fileName(String name) {
            return name + "-" + tag + ".onnx";
        }

        String reportName(String name) {
            return name + "-" + tag + ".html";
        }
    }

    /** The demo's two files: W8A8 with the default recipe, W4A8 with InlierQ at the configured budget. */
    static List<Plan> plans() {
        return List.of(new Plan("w8a8", null, 8, 8), new Plan("w4a8-inlierq", Method.INLIERQ, 4, 8));
    }

    /**
     * Accuracy and size of one file; {@code bev} (the centre-distance metrics) is null on the shapes benchmark;
     * {@code run} the evaluation (its detections, for the paired bootstrap).
     */
    record Measured(double ap, double ap50, CenterDistanceMetrics bev, int images, long sizeBytes,
            Evaluation.Result run) {
        /** The centre-distance mAP; empty on the shapes benchmark. */
        OptionalDouble bevMap() {
            return bev == null ? OptionalDouble.empty() : OptionalDouble.of(bev.map());
        }

        DemoResult.Measurement with(double latencyMs) {
            return new DemoResult.Measurement(ap, ap50, bevMap(), images, sizeBytes, latencyMs);
        }
    }

    /** A quantized file made and evaluated. */
    record Done(Plan plan, QuantizationConfig config, Quantization.Result result, Path file, Measured measured) {
    }

    /** Median latencies of the float model and of each quantized file, in milliseconds. */
    record Latencies(double floatMs, List<Double> quantMs) {
    }

    /** Phase 3: the float model on the validation images. */
    Measured evaluateFloat() {
        phases.next("evaluating the float model (ONNX Runtime)");
        return evaluate(model.onnx());
    }

    /** Two phases: quantize to the plan's file, then evaluate it. */
    Done quantizeAndEvaluate(Plan p) {
        String name = model.name();
        QuantizationConfig qc = quantizationConfig(p);
        String how = p.method() == null ? "the default recipe (" + qc.method().cliName() + ")"
                : qc.method().cliName() + ", " + steps(qc.reconstruction().iterations(), "optimisation step")
                        + " per block";
        phases.next(String.format(Locale.ROOT, "quantizing to W%dA%d with %s", p.weightBits(), p.activationBits(),
                how));
        Path file = outputs.file(p.fileName(name));
        Quantization.Result r = Quantization.run(qc, file, phases.listener().quantization());
        outputs.written(p.fileName(name));
        phases.listener().result(String.format(Locale.ROOT, "wrote %s (%.2f MB) in %.1f s", file,
                size(file) / 1048576.0, r.seconds()));
        phases.next(String.format(Locale.ROOT, "evaluating W%dA%d (ONNX Runtime)", p.weightBits(),
                p.activationBits()));
        return new Done(p, qc, r, file, evaluate(file));
    }

    /** The settings of one plan: the defaults of the library but for the plan's bits and the demo's counts. */
    private QuantizationConfig quantizationConfig(Plan p) {
        QuantizationConfig.Builder b = QuantizationConfig.builder(model.onnx(), model.spec(), data.calibImages())
                .weightBits(p.weightBits()).activationBits(p.activationBits()).calibImages(config.calibImages())
                .seed(config.seed()).threads(config.threads());
        if (p.method() != null) {
            b.method(p.method());
            if (p.method().reconstructs()) {
                b.reconstruction(p.method().reconstructionDefaults(config.seed()).toBuilder()
                        .iterations(config.iterations()).build());
            }
            if (config.reports() && p.method().inlierCentric()) {
                b.saliency(new SaliencyOutput(null, List.of(), REPORT_OVERLAY_IMAGES));
            }
        }
        return b.build();
    }

    private Measured evaluate(Path onnx) {
        Evaluation.Options o = new Evaluation.Options(onnx, model.spec(), data.valImages(), data.valAnnotations(),
                EngineKind.ORT, EVAL_BATCH, config.threads(), 0);
        int[] total = {-1};
        Evaluation.Result r = Evaluation.run(o, groundTruth, new Evaluation.Listener() {
            @Override
            public void total(int images) {
                total[0] = images;
            }

            @Override
            public void done(int images) {
                phases.listener().progress(images, total[0]);
            }
        });
        CenterDistanceMetrics bevMetrics = bev == null ? null : bev.evaluate(r.detections(), r.imageIds());
        String bevText = bevMetrics == null ? ""
                : String.format(Locale.ROOT, ", BEV mAP %.2f", 100 * bevMetrics.map());
        phases.listener().result(String.format(Locale.ROOT, "AP %.2f, AP50 %.2f%s on %d %s in %.1f s",
                100 * r.metrics().ap(), 100 * r.metrics().ap50(), bevText, r.images(), config.data().noun(),
                r.seconds()));
        return new Measured(r.metrics().ap(), r.metrics().ap50(), bevMetrics, r.images(), size(onnx), r);
    }

    /** The latency phase: every file with ONNX Runtime at batch 1, the same seeded input. */
    Latencies latency(List<Done> done) {
        phases.next(String.format(Locale.ROOT, "measuring latency (ONNX Runtime, batch 1, median of %d runs)",
                config.latencyRuns()));
        double floatMs = latencyOf(model.onnx());
        List<Double> quant = new ArrayList<>();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "float %.2f ms", floatMs));
        for (Done d : done) {
            double ms = latencyOf(d.file());
            quant.add(ms);
            line.append(String.format(Locale.ROOT, ", W%dA%d %.2f ms", d.plan().weightBits(),
                    d.plan().activationBits(), ms));
        }
        phases.listener().result(line.toString());
        return new Latencies(floatMs, quant);
    }

    private double latencyOf(Path onnx) {
        try (ModelRunner r = EngineKind.ORT.open(onnx, config.threads())) {
            return Benchmark.run(onnx.getFileName().toString(), r, 1, config.threads(), WARMUP, config.latencyRuns(),
                    config.seed()).latencyMs();
        }
    }

    /** The reports phase (when asked for), and the runs as the result reports them. */
    List<DemoResult.Run> reports(Measured floatRun, List<Done> done, Latencies latency) {
        if (config.reports()) {
            phases.next("writing the HTML reports");
        }
        List<DemoResult.Run> runs = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            Done d = done.get(i);
            ReportModel.Bootstrap boot = bootstrap(floatRun, d.measured());
            Path report = config.reports() ? report(d, floatRun, boot) : null;
            String recipe = d.plan().method() == null ? "default"
                    : d.config().reconstruction() == null ? "method defaults"
                    : steps(d.config().reconstruction().iterations(), "step") + " per block";
            runs.add(new DemoResult.Run(d.config().method().cliName(), recipe, d.plan().weightBits(),
                    d.plan().activationBits(), d.file(), report, d.result().seconds(),
                    d.measured().with(latency.quantMs().get(i)), boot));
        }
        return runs;
    }

    /**
     * The paired image bootstrap of a quantized file against the float model on the val images
     * ({@link Measurements#bootstrap}: {@value Measurements#BOOTSTRAP_SAMPLES} resamples drawn with the demo's seed),
     * on the LiDAR maps of the centre-distance mAP too.
     */
    private ReportModel.Bootstrap bootstrap(Measured floatRun, Measured quantized) {
        double cell = floatRun.bev() == null || quantized.bev() == null ? Double.NaN : floatRun.bev().cellSize();
        return Measurements.bootstrap(groundTruth, floatRun.run(), quantized.run(), cell, config.seed(),
                "the demo's --seed");
    }

    /**
     * The HTML report of one file, with the AP of both models measured above ({@link HtmlReport}), on the LiDAR
     * maps their centre-distance mAP with its breakdown ({@link Measurements#bev}), and the paired bootstrap.
     */
    private Path report(Done d, Measured floatRun, ReportModel.Bootstrap boot) {
        String name = d.plan().reportName(model.name());
        Path file = outputs.file(name);
        QuantizationConfig qc = d.config();
        boolean inputs = qc.plan().placement() == Placement.LAYER_INPUTS;
        ReportModel.Speed speed = Measurements.speed(model.onnx(), d.file(), config.threads(), config.latencyRuns(),
                inputs, config.seed());
        ReportModel.Bev bevMaps = floatRun.bev() == null || d.measured().bev() == null ? null
                : Measurements.bev(floatRun.bev(), d.measured().bev());
        ReportModel.Accuracy accuracy = new ReportModel.Accuracy(floatRun.ap(), d.measured().ap(), floatRun.ap50(),
                d.measured().ap50(), d.measured().images(), bevMaps, boot);
        ReportModel m = ReportModels.builder(d.result(), model.onnx(), d.file()).spec(model.spec().name())
                .speed(speed).accuracy(accuracy).build();
        long bytes = HtmlReport.write(file, m);
        outputs.written(name);
        phases.listener().result(String.format(Locale.ROOT, "wrote %s (%.1f MB)", file, bytes / 1048576.0));
        return file;
    }

    /** "1 step", "20 steps". */
    private static String steps(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
