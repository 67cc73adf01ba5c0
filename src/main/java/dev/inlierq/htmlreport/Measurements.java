package dev.inlierq.htmlreport;

import dev.inlierq.api.Benchmark;
import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.calib.Equalization;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.eval.CenterDistanceBootstrap;
import dev.inlierq.eval.CenterDistanceEvaluator;
import dev.inlierq.eval.CenterDistanceMetrics;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.ImageBootstrap;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.OrtFusion;
import dev.inlierq.tensor.ModelRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's measurements with ONNX Runtime (the deployment runtime) on the float model and the quantized file:
 * median latency at batch 1 ({@link Benchmark}, a seeded random input) with what ONNX Runtime fused and the
 * explanation of the comparison, and COCO AP on the user's annotated images ({@link Evaluation}), with the
 * centre-distance mAP of BEV maps ({@link CenterDistanceEvaluator}) when their annotation file records a cell size,
 * with the paired image bootstrap of the differences ({@link ImageBootstrap}, {@link CenterDistanceBootstrap}).
 */
public final class Measurements {
    /** Warm-up runs before the timed ones. */
    static final int WARMUP = 2;
    /** Image resamples of the paired bootstrap of the AP differences. */
    public static final int BOOTSTRAP_SAMPLES = 1000;
    /** What the report says about the bootstrap seed of {@code quantize --report}. */
    public static final String RUN_SEED = "the run's --seed";

    private Measurements() {
    }

    /**
     * Latency of both files and its explanation.
     *
     * @param runs            timed runs per file (their median is reported)
     * @param inputsPlacement the file was quantized with {@code --placement inputs}
     */
    public static ReportModel.Speed speed(Path floatModel, Path quantized, int threads, int runs,
            boolean inputsPlacement, long seed) {
        double floatMs = latency(floatModel, threads, runs, seed);
        double quantMs = latency(quantized, threads, runs, seed);
        OrtFusion fusion = OrtFusion.of(quantized);
        int floatLayers = fusion.floatLayers().values().stream().mapToInt(Integer::intValue).sum();
        int integer = fusion.integerKernels().values().stream().mapToInt(Integer::intValue).sum();
        double sizeRatio = (double) size(floatModel) / Math.max(1, size(quantized));
        var facts = new LatencyAdvice.Facts(floatMs, quantMs, CpuFeatures.host(), inputsPlacement, floatLayers, integer,
                sizeRatio, equalizationMuls(quantized));
        return new ReportModel.Speed(floatMs, quantMs, threads, runs, fusion.summary(), LatencyAdvice.of(facts));
    }

    /** The per-channel Mul nodes activation equalisation inserted ({@link Equalization#MUL_SUFFIX}). */
    static int equalizationMuls(Path model) {
        return (int) OnnxReader.read(model).nodes().stream()
                .filter(n -> n.op() == OpType.Mul && n.name().endsWith(Equalization.MUL_SUFFIX)).count();
    }

    /** Median ONNX Runtime latency of one model at batch 1, in milliseconds. */
    static double latency(Path model, int threads, int runs, long seed) {
        try (ModelRunner r = EngineKind.ORT.open(model, threads)) {
            return Benchmark.run(model.getFileName().toString(), r, 1, threads, WARMUP, runs, seed).latencyMs();
        }
    }

    /**
     * COCO AP of both files with ONNX Runtime on the images of {@code images} that {@code annotations} lists, and
     * their centre-distance mAP ({@link #bev(CocoDataset, Evaluation.Result, Evaluation.Result)}) when the
     * annotation file records the cell size of BEV maps, with the paired bootstrap of the differences
     * ({@link #bootstrap}, {@value #BOOTSTRAP_SAMPLES} resamples drawn with {@code seed}, {@value #RUN_SEED}).
     *
     * @param limit the first {@code limit} images by file name; 0 for all
     */
    public static ReportModel.Accuracy accuracy(Path floatModel, Path quantized, DetectorSpec spec, Path images,
            Path annotations, int threads, int limit, long seed) {
        CocoDataset gt = CocoDataset.load(annotations);
        Evaluation.Result f = evaluate(floatModel, spec, images, annotations, gt, threads, limit);
        Evaluation.Result q = evaluate(quantized, spec, images, annotations, gt, threads, limit);
        ReportModel.Bev bev = bev(gt, f, q);
        return new ReportModel.Accuracy(f.metrics().ap(), q.metrics().ap(), f.metrics().ap50(), q.metrics().ap50(),
                q.images(), bev, bootstrap(gt, f, q, bev == null ? Double.NaN : bev.cellSize(), seed, RUN_SEED));
    }

    /**
     * The paired image bootstrap of two evaluations on the same images of {@code gt} ({@link ImageBootstrap}, as
     * {@code eval --bootstrap N --baseline} runs it): {@value #BOOTSTRAP_SAMPLES} resamples, differences {@code q}
     * minus {@code f} of AP and AP50, and with a cell size ({@code bevCell} not NaN) of the centre-distance mAP on
     * the same resamples ({@link CenterDistanceBootstrap}).
     *
     * @param seedSource where {@code seed} came from, as the report says it
     * @throws IllegalStateException when the two were evaluated on other images
     */
    public static ReportModel.Bootstrap bootstrap(CocoDataset gt, Evaluation.Result f, Evaluation.Result q,
            double bevCell, long seed, String seedSource) {
        if (!f.imageIds().equals(q.imageIds())) {
            throw new IllegalStateException("the float model and the quantized file were evaluated on other images");
        }
        ImageBootstrap boot = new ImageBootstrap(gt, f.imageIds());
        ImageBootstrap.Paired p = boot.resamplePaired(boot.match(f.detections()), boot.match(q.detections()),
                BOOTSTRAP_SAMPLES, seed);
        ImageBootstrap.Difference bevMap = null;
        if (!Double.isNaN(bevCell)) {
            CenterDistanceBootstrap cb = new CenterDistanceBootstrap(boot, bevCell);
            bevMap = cb.resamplePaired(cb.match(f.detections()), cb.match(q.detections()), BOOTSTRAP_SAMPLES, seed)
                    .map();
        }
        return new ReportModel.Bootstrap(BOOTSTRAP_SAMPLES, seed, seedSource, p.ap(), p.ap50(), bevMap);
    }

    private static Evaluation.Result evaluate(Path model, DetectorSpec spec, Path images, Path annotations,
            CocoDataset gt, int threads, int limit) {
        return Evaluation.run(new Evaluation.Options(model, spec, images, annotations, EngineKind.ORT, 8, threads,
                limit), gt, Evaluation.Listener.onDone(n -> { }));
    }

    /**
     * The centre-distance mAP of two evaluations on {@code gt}'s images ({@link CenterDistanceEvaluator} at the cell
     * size that {@code gt} records in {@code info.settings}, as {@code eval --bev-distance} runs it); {@code null}
     * when {@code gt} records no cell size (a plain COCO file) or one that is not a positive number.
     */
    static ReportModel.Bev bev(CocoDataset gt, Evaluation.Result f, Evaluation.Result q) {
        return CenterDistanceEvaluator.recorded(gt).map(e -> bev(e.evaluate(f.detections(), f.imageIds()),
                e.evaluate(q.detections(), q.imageIds()))).orElse(null);
    }

    /**
     * The report's view of the centre-distance metrics of the float model and the quantized file on the same maps:
     * both mAPs, the AP of each class and the mAP at each distance; {@code null} when no class has ground truth
     * (the mAP is undefined) or the two were measured at different cell sizes or thresholds.
     */
    public static ReportModel.Bev bev(CenterDistanceMetrics f, CenterDistanceMetrics q) {
        if (f.classes().isEmpty() || q.classes().isEmpty() || f.cellSize() != q.cellSize()
                || !f.thresholds().equals(q.thresholds())) {
            return null;
        }
        Map<String, Double> quantByClass = q.apByClassName();
        List<ReportModel.BevRow> byClass = new ArrayList<>();
        f.apByClassName().forEach((name, ap) -> byClass.add(new ReportModel.BevRow(name, ap,
                quantByClass.getOrDefault(name, Double.NaN))));
        List<ReportModel.BevRow> byDistance = new ArrayList<>();
        for (int t = 0; t < f.thresholds().size(); t++) {
            byDistance.add(new ReportModel.BevRow(CenterDistanceMetrics.thresholdKey(f.thresholds().get(t)) + " m",
                    f.mapAt(t), q.mapAt(t)));
        }
        List<ReportModel.BevRow> errors = new ArrayList<>(List.of(
                new ReportModel.BevRow("mATE, translation (m)", f.mate(), q.mate()),
                new ReportModel.BevRow(aseLabel(f.aseForm(), q.aseForm()), f.mase(), q.mase())));
        if (!Double.isNaN(f.maoe()) && !Double.isNaN(q.maoe())) {
            errors.add(new ReportModel.BevRow("mAOE, orientation (rad)", f.maoe(), q.maoe()));
        }
        return new ReportModel.Bev(f.map(), q.map(), f.cellSize(), byClass, byDistance, errors);
    }

    /** The scale error's row: of the footprint hulls, of the rotated footprints or 3D, or both forms named. */
    private static String aseLabel(CenterDistanceMetrics.AseForm f, CenterDistanceMetrics.AseForm q) {
        if (f != q) {
            return "mASE, scale (1 - IoU; " + f.key() + " / " + q.key() + ")";
        }
        return switch (f) {
            case HULL -> "mASE, footprint scale (1 - IoU)";
            case FOOTPRINT -> "mASE, rotated footprint scale (1 - IoU)";
            case BOX_3D -> "mASE, 3D scale (1 - IoU)";
        };
    }

    /** A file's size in bytes. */
    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
