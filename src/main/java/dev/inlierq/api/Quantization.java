package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.SimulatedRunner;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.inlier.InlierMixture;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.onnx.QdqWriter;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Histogram;
import dev.inlierq.recon.NetworkTuning;
import dev.inlierq.recon.Reconstruction;
import dev.inlierq.recon.StartingRounding;
import dev.inlierq.report.OutputFile;
import dev.inlierq.rounding.GptqRounding;
import dev.inlierq.rounding.HessianWeighting;
import dev.inlierq.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Post-training quantization of a detector, end to end: prepare the graph, equalise, place quantizers
 * (detection-aware {@link Planner}), choose calibration images, collect statistics in one float pass, encode
 * (these steps are {@link CalibrationStage}), round (GPTQ, {@link GptqStage}) or reconstruct ({@link ReconstructionStage}) as the {@link Method} says, write
 * the QDQ model with its {@link Provenance}, and check that ONNX Runtime's integer run of the file agrees with the
 * engine's simulation on a few calibration images ({@link Verification}, which also measures, per quantized
 * tensor, the clipping rate and the SQNR of fake quantization on calibration data). The settings are one
 * {@link QuantizationConfig}.
 */
public final class Quantization {
    /** Tool version written into the model's provenance. */
    public static final String TOOL_VERSION = "0.1.0";

    private Quantization() {
    }

    /**
     * Per-tensor analysis for the JSON summary and the HTML report.
     *
     * @param values the float values of an activation on the statistics images ({@link Verification#HISTOGRAM_BINS}
     *               bins); {@code null} for weights
     */
    public record TensorReport(String tensor, Role role, int bits, float[] scale, int[] zeroPoint, double clipRate,
            double sqnrDb, String group, Histogram values) {
    }

    /**
     * A thumbnail of InlierQ's posterior overlay ({@link dev.inlierq.report.SaliencyOverlay}) of one tensor on one
     * calibration image, at most {@link SaliencyOverlays#THUMBNAIL} pixels on a side.
     */
    public record Overlay(String tensor, String image, BufferedImage thumbnail) {
    }

    /** Output agreement between the simulation and ONNX Runtime's integer run of the exported file. */
    public record Agreement(Map<String, Double> simVsOrtSqnrDb, Map<String, Double> simVsOrtMaxRelError,
            Map<String, Double> floatVsSimSqnrDb, int images) {
    }

    /**
     * What the rounding stages report (each empty when the method has no such stage).
     *
     * @param gptq    per-layer errors of GPTQ's rounding
     * @param units   per-unit losses and time of reconstruction
     * @param inliers InlierQ's split of every salient tensor
     * @param overlays thumbnails of the posterior overlays asked for ({@link QuantizationConfig#saliency()})
     */
    public record StageReports(List<GptqRounding.LayerReport> gptq, List<Reconstruction.UnitReport> units,
            List<InlierReport> inliers, List<Overlay> overlays) {
    }

    /**
     * The outcome of a run.
     *
     * @param tensors      per-tensor clipping rate and SQNR
     * @param agreement    simulation against ONNX Runtime on the written file
     * @param provenance   the metadata written into the file
     * @param stages       the reports of GPTQ, reconstruction and InlierQ's split
     * @param seconds      wall time of the run
     * @param peakRssBytes peak resident set size of the process ({@link #peakRss()})
     */
    public record Result(QuantPlan plan, Map<String, Encoding> encodings, CalibrationSet calibration,
            List<TensorReport> tensors, Agreement agreement, Map<String, String> provenance, StageReports stages,
            double seconds, long peakRssBytes) {
        /** Per-unit losses and time of reconstruction (empty without). */
        public List<Reconstruction.UnitReport> units() {
            return stages.units();
        }

        /** InlierQ's split of every salient tensor (empty for the other methods). */
        public List<InlierReport> inliers() {
            return stages.inliers();
        }

        /** Thumbnails of InlierQ's posterior overlays (empty unless asked for). */
        public List<Overlay> overlays() {
            return stages.overlays();
        }

        /** Per-layer errors of GPTQ's rounding (empty without). */
        public List<GptqRounding.LayerReport> gptq() {
            return stages.gptq();
        }
    }

    /**
     * InlierQ's split of one tensor: the fitted mixture, the fraction of volumes in the inlier set (at tau), the
     * fraction set aside for zero saliency, and the activation range initialised on all volumes and on inliers
     * only ({@code null} when the tensor is not a quantized activation).
     */
    public record InlierReport(String tensor, InlierMixture.Fit fit, double inlierFraction, double zeroSaliencyFraction,
            float[] rangeAll, float[] rangeInliers) {
    }

    /**
     * Progress of a run: the phases as they begin (equalising, calibrating, rounding with GPTQ, reconstructing,
     * writing, checking with ONNX Runtime, measuring clipping and SQNR), calibration images done, and
     * reconstruction's (unit, units, iteration).
     */
    public interface Listener extends Reconstruction.Progress {
        void calibrated(int images);

        /** A phase begins ("equalising", "calibrating", "reconstructing", "writing", ...). */
        default void phase(String name) {
        }

        @Override
        default void update(int unit, int units, int iteration) {
        }
    }

    /** Reads and prepares the model and makes the plan (what {@code --dry-run} prints). */
    public static QuantPlan plan(Path model, PlanOptions options) {
        return Planner.plan(prepare(model), options);
    }

    /** {@link #plan(Path, PlanOptions)} after checking the detector spec against the model. */
    public static QuantPlan plan(Path model, DetectorSpec spec, PlanOptions options) {
        Graph g = prepare(model);
        ModelCheck.check(g, model, spec);
        return Planner.plan(g, options);
    }

    static Graph prepare(Path model) {
        return GraphPreparer.prepare(OnnxReader.read(model));
    }

    /**
     * Runs the whole flow and writes the QDQ model to {@code out} (atomically).
     *
     * @param progress receives the number of calibration images processed
     */
    public static Result run(QuantizationConfig config, Path out, IntConsumer progress) {
        return run(config, out, (Listener) progress::accept);
    }

    /** Runs the whole flow and writes the QDQ model to {@code out} (atomically), reporting to a listener. */
    public static Result run(QuantizationConfig c, Path out, Listener listener) {
        return run(c, null, out, listener);
    }

    /**
     * {@link #run(QuantizationConfig, Path, Listener)} from a model already prepared for {@code c} apart from
     * per-layer weight bits ({@link CalibrationStage.Prepared#replanned}), as mixed precision's scoring session
     * prepared it; {@code prepared} null prepares it here.
     *
     * @throws IllegalArgumentException when {@code prepared} was prepared for another configuration
     */
    public static Result run(QuantizationConfig c, CalibrationStage.Prepared prepared, Path out, Listener listener) {
        long t0 = System.nanoTime();
        CalibrationStage.Prepared p = prepared == null ? CalibrationStage.prepare(c, listener::phase)
                : prepared.replanned(c);
        QuantPlan plan = p.plan();
        CalibrationSet calib = p.calibration();
        try (GraphExecutor floatEngine = new GraphExecutor(p.graph())) {
            CalibrationStage.checkScores(floatEngine, p, c);
            Quantized q = quantize(floatEngine, p, c, listener);
            Map<String, String> provenance = Provenance.of(c, calib, p.equalized(), plan.layerBits(q.graph()));
            Checked checked = writeAndCheck(floatEngine, q, plan, c, calib, out, provenance, listener);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(plan, q.enc(), calib, checked.tensors(), checked.agreement(), provenance, q.stages(),
                    seconds, peakRss());
        }
    }

    /** The quantized graph (rounded weights, corrected biases) with its encodings and the stages' reports. */
    private record Quantized(Graph graph, Map<String, Encoding> enc, StageReports stages) {
    }

    /**
     * Calibration (activation ranges, weight scales), then the method's rounding: GPTQ, or reconstruction from
     * nearest or GPTQ rounding. With InlierQ's loss and the inlier-weighted Hessian, the pass of the top-K heatmap
     * loss runs before GPTQ's start, whose Hessians its splits weight, and is handed on to reconstruction.
     */
    private static Quantized quantize(GraphExecutor floatEngine, CalibrationStage.Prepared p, QuantizationConfig c,
            Listener listener) {
        Method m = c.method();
        int batch = c.calibration().batch();
        Graph g = p.graph();
        QuantPlan plan = p.plan();
        CalibrationSet calib = p.calibration();
        Map<String, Encoding> enc = new LinkedHashMap<>();
        listener.phase("calibrating");
        enc.putAll(CalibrationStage.activations(floatEngine, p, c, listener::calibrated));
        enc.putAll(CalibrationStage.weights(p, c));
        // the calibration images, preprocessed once for GPTQ, the task pass and reconstruction alike
        FloatTensor samples = m.gptqRounding() || m.reconstructs() ? Samples.of(c.spec(), calib) : null;
        List<FloatTensor> batches = samples == null ? List.of() : Samples.batches(samples, batch);
        GptqRounding.Result gptq = null;
        if (m.gptqRounding() && c.reconstruction() == null) {
            listener.phase("rounding with GPTQ");
            gptq = gptq(floatEngine, g, plan, enc, c, batches, null);
            g = gptq.graph();
            enc.putAll(gptq.encodings());
        }
        List<Reconstruction.UnitReport> units = List.of();
        List<InlierReport> inliers = List.of();
        List<Overlay> overlays = List.of();
        if (c.reconstruction() != null) { // a reconstruction method, or GPTQ on quantized inputs
            StartingRounding.Start start = StartingRounding.Start.NEAREST;
            ReconstructionStage.TaskPass pass = null;
            if (c.reconstruction().start().fromGptq()) {
                listener.phase("rounding with GPTQ (reconstruction's start)");
                if (c.hessian() == HessianWeighting.INLIER && c.inlier() != null) { // InlierQ's pass, run once
                    pass = ReconstructionStage.taskPass(floatEngine, g, plan, c, batches,
                            GptqStage.layerOutputs(g, plan));
                }
                try {
                    gptq = gptq(floatEngine, g, plan, enc, c, batches, pass);
                } catch (RuntimeException e) {
                    if (pass != null) {
                        pass.close();
                    }
                    throw e;
                }
                enc.putAll(gptq.encodings());
                start = GptqStage.start(g, plan, enc, gptq);
            }
            listener.phase("reconstructing");
            ReconstructionStage.Result rr = ReconstructionStage.run(floatEngine, g, plan, enc, c, calib, samples,
                    batches, start, pass, listener);
            g = rr.result().graph();
            enc.putAll(rr.result().encodings());
            units = rr.result().units();
            inliers = rr.inliers();
            overlays = rr.overlays();
        }
        return tunedEndToEnd(floatEngine, p, c, samples, batches, new Quantized(g, enc, new StageReports(
                gptq == null ? List.of() : gptq.layers(), units, inliers, overlays)), listener);
    }

    /**
     * Experiment switch {@code -Dinlierq.tune.iters=N} ({@link NetworkTuning}): the step sizes of the rounded
     * network {@code q} tuned end to end with every code pinned; {@code q} itself when off or nothing was rounded.
     */
    private static Quantized tunedEndToEnd(GraphExecutor floatEngine, CalibrationStage.Prepared p,
            QuantizationConfig c, FloatTensor samples, List<FloatTensor> batches, Quantized q, Listener listener) {
        NetworkTuning.Settings tuning = NetworkTuning.Settings.fromProperties();
        if (!tuning.on() || q.graph() == p.graph() || samples == null) {
            return q;
        }
        listener.phase("tuning step sizes end to end");
        Map<String, Encoding> enc = new LinkedHashMap<>(q.enc());
        Reconstruction.Result t = ReconstructionStage.tune(floatEngine, p.graph(), q.graph(), p.plan(), enc, c,
                samples, batches, tuning, listener);
        enc.putAll(t.encodings());
        StageReports r = q.stages();
        List<Reconstruction.UnitReport> units = new ArrayList<>(r.units());
        units.addAll(t.units());
        return new Quantized(t.graph(), enc, new StageReports(r.gptq(), units, r.inliers(), r.overlays()));
    }

    /**
     * GPTQ's rounding; with the inlier-weighted Hessian ({@link QuantizationConfig#hessian()}), weighted by the
     * splits of InlierQ's {@code pass} when given, else of a saliency pass of GPTQ's own. (The slope-weighted
     * Hessian is GPTAQ's per unit: this pass stays plain.)
     */
    static GptqRounding.Result gptq(GraphExecutor floatEngine, Graph g, QuantPlan plan,
            Map<String, Encoding> enc, QuantizationConfig c, List<FloatTensor> batches,
            ReconstructionStage.TaskPass pass) {
        Map<String, float[]> weights = Map.of();
        if (c.hessian() == HessianWeighting.INLIER) {
            weights = pass != null ? GptqStage.positionWeights(g, plan, pass.splits(), c.inlier())
                    : GptqStage.positionWeights(g, plan, GptqStage.inlierSplits(floatEngine, g, plan, c, batches),
                            InlierQ.Options.defaults());
        }
        return GptqStage.round(floatEngine, g, plan, enc, batches, c.calibration().seed(), weights, c.gptqScales());
    }

    /** The verification's results. */
    private record Checked(List<TensorReport> tensors, Agreement agreement) {
    }

    /**
     * Writes the QDQ file beside {@code out}, checks it with ONNX Runtime, measures clipping and SQNR, then renames
     * it over {@code out}: a failure leaves {@code out} as it was.
     */
    private static Checked writeAndCheck(GraphExecutor floatEngine, Quantized q, QuantPlan plan, QuantizationConfig c,
            CalibrationSet calib, Path out, Map<String, String> provenance, Listener listener) {
        Graph g = q.graph();
        Map<String, Encoding> enc = q.enc();
        Preprocessor pre = c.spec().preprocessor();
        Graph qg = Calibrator.withQuantizedWeights(g, plan, enc);
        List<Path> files = calib.files();
        try (OutputFile file = OutputFile.create(out);
                SimulatedRunner sim = new SimulatedRunner(qg, activationEncodings(plan, enc))) {
            listener.phase("writing");
            file.write(QdqWriter.write(g, plan, enc, c.weights().storage(), provenance).toByteArray());
            listener.phase("checking with ONNX Runtime");
            Agreement agreement = Verification.agree(floatEngine, sim, file.temp(), c.threads(), pre,
                    files.subList(0, Math.min(c.verification().checkImages(), files.size())));
            listener.phase("measuring clipping and SQNR");
            List<TensorReport> reports = Verification.analyse(floatEngine, g, plan, enc, pre,
                    files.subList(0, Math.min(c.verification().statsImages(), files.size())), c.calibration().batch());
            file.commit();
            return new Checked(reports, agreement);
        }
    }

    /** The encodings of the plan's activation quantizers, by tensor. */
    static Map<String, Encoding> activationEncodings(QuantPlan plan, Map<String, Encoding> enc) {
        Map<String, Encoding> m = new HashMap<>();
        for (QuantPoint p : plan.activations()) {
            m.put(p.tensor(), enc.get(p.tensor()));
        }
        return m;
    }

    /** Peak resident set size of this process (VmHWM), or -1 where /proc is not available. */
    public static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
