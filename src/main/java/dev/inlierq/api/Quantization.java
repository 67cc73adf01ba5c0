package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.calib.Equalization;
import dev.inlierq.detect.DetectorSpec;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.SimulatedRunner;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.OrtRunner;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.onnx.QdqWriter;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightType;
import dev.inlierq.report.OutputFile;
import dev.inlierq.tensor.FloatTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.engine.TopKHeatmapLoss;
import dev.inlierq.inlier.InlierMixture;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.recon.FisherWeights;
import dev.inlierq.report.SaliencyOverlay;
import dev.inlierq.detect.DetectorSpec;
import dev.inlierq.recon.TaskGradients;
import dev.inlierq.recon.Reconstruction;
import dev.inlierq.rounding.GptqRounding;
import dev.inlierq.rounding.LayerHessians;
import dev.inlierq.recon.ReconstructionLoss;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.StartingRounding;
import dev.inlierq.recon.Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Post-training quantization of a detector with a classic calibrator, end to end: prepare the graph, place
 * quantizers (detection-aware {@link Planner}), choose calibration images, collect statistics in one float
 * pass, encode, write the QDQ model, and check that ONNX Runtime's integer run of the file agrees with the
 * engine's simulation on a few calibration images. Also measures, per quantized tensor, the clipping rate
 * and the SQNR of fake quantization on calibration data.
 */
public final class Quantization {
    /** Tool version written into the model's provenance. */
    public static final String TOOL_VERSION = "0.1.0";

    private Quantization() {
    }

    /**
     * Quantization methods: classic calibrators (how activation ranges are estimated), GPTQ (closed-form
     * second-order rounding of the weights, MSE ranges, see {@link GptqRounding}) and the reconstruction
     * methods (AdaRound, BRECQ, QDrop: learned rounding and step sizes, see {@link Reconstruction}).
     */
    public enum Method {
        MINMAX, PERCENTILE, ENTROPY, MSE, GPTQ, ADAROUND, BRECQ, QDROP, INLIERQ;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Whether the method learns rounding and step sizes by reconstruction. */
        public boolean reconstructs() {
            return ordinal() >= ADAROUND.ordinal();
        }

        /**
         * The reconstruction settings the method's paper uses, with this tool's iteration budget: AdaRound
         * layer by layer with plain MSE; BRECQ block by block with the Fisher-weighted loss; QDrop block by
         * block with plain MSE and drop probability 0.5; InlierQ as BRECQ, with its inlier-centric loss.
         */
        public ReconstructionOptions reconstructionDefaults(long seed) {
            return switch (this) {
                case ADAROUND -> ReconstructionOptions.builder(Units.Kind.LAYER).seed(seed).build();
                case BRECQ, INLIERQ -> ReconstructionOptions.builder(Units.Kind.BLOCK).seed(seed).build();
                case QDROP -> ReconstructionOptions.builder(Units.Kind.BLOCK).dropProb(0.5f).seed(seed).build();
                default -> throw new IllegalStateException(this + " does not reconstruct");
            };
        }

        /**
         * Whether equalisation is on unless the user says otherwise: for the reconstruction methods. Measured
         * at W4A4 (README): BRECQ on YOLOX-Nano goes from 0.01 to 2.1 AP with it, QDrop on PicoDet-XS from 0.02
         * to 0.5; FastestDet (ReLU) loses 1-3 AP, hence {@code --no-equalize}. Equalising before learned rounding
         * is also AIMET's recommended order (CLE, then AdaRound).
         */
        public boolean equalizesByDefault() {
            return onLayerInputsByDefault();
        }

        /**
         * Whether quantizers sit on layer inputs only unless the user says otherwise (the reconstruction papers'
         * setting; for GPTQ measured: YOLOX-Nano W4A8 22.43 AP on layer inputs with equalisation against 14.35 on
         * every activation without, PicoDet-XS 12.33 against 0.22, FastestDet 11.70 against 13.05; README).
         */
        public boolean onLayerInputsByDefault() {
            return reconstructs() || this == GPTQ;
        }

        /**
         * The method used when none is given: GPTQ (with its defaults: layer inputs, equalisation, bias
         * correction), the best measured within a few minutes. W8A8, ONNX Runtime AP on the 206 val2017 images
         * (float 28.71 / 25.26 / 16.97; docs/results.md): YOLOX-Nano 28.58, PicoDet-XS 25.07, FastestDet 16.55,
         * in 1-2 minutes each; W4A8: see GPTQ's rows there.
         */
        public static Method defaultFor(int weightBits) {
            return GPTQ;
        }

        /** Whether the reconstruction loss is weighted by the diagonal Fisher (BRECQ). */
        public boolean fisherWeighted() {
            return this == BRECQ || this == INLIERQ;
        }
    }

    /**
     * @param weightStorage how weights of 4 bits or fewer are written: INT8/UINT8 containers or INT4/UINT4
     *                    tensors (opset 21), see {@link WeightStorage}
     * @param checkImages calibration images used to compare simulation and ONNX Runtime
     * @param statsImages calibration images used for per-tensor clipping rate and SQNR
     * @param topKScope   top-K per class (Eq. 7, the default when null) or over all classes together
     * @param fisherLoss  reconstruction loss weighted by the diagonal Fisher of the top-K heatmap loss (null:
     *                    the method's default, on for BRECQ and InlierQ)
     * @param inlier      InlierQ's settings (null: defaults, for the inlierq method)
     * @param saliency    where to write InlierQ's posterior overlays (null: nowhere)
     */
    public record Options(Path model, DetectorSpec spec, Path calib, int numCalib, Method method, double percentile,
            PlanOptions plan, WeightType weightType, WeightStorage weightStorage, double equalizeAlpha, long seed,
            int batch, int threads, int checkImages, int statsImages, ReconstructionOptions reconstruction, int topK,
            TopKHeatmapLoss.Scope topKScope, Boolean fisherLoss, InlierQ.Options inlier, SaliencyOutput saliency) {
        public Options {
            if (topKScope == null) {
                topKScope = TopKHeatmapLoss.Scope.PER_CLASS;
            }
            if (method.reconstructs() && reconstruction == null) {
                reconstruction = method.reconstructionDefaults(seed);
            }
            if (method == Method.INLIERQ && inlier == null) {
                inlier = InlierQ.Options.defaults();
            }
            if (fisherLoss == null) {
                fisherLoss = method.fisherWeighted();
            }
            if (topK < 1) {
                throw new IllegalArgumentException("top-K must be at least 1, got " + topK);
            }
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(calib, "calib");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(weightType, "weightType");
            Objects.requireNonNull(weightStorage, "weightStorage");
            if (numCalib < 1 || batch < 1 || threads < 1 || checkImages < 0 || statsImages < 0) {
                throw new IllegalArgumentException("counts must be positive");
            }
            if (!(equalizeAlpha >= 0 && equalizeAlpha <= 1)) {
                throw new IllegalArgumentException("equalisation alpha must be in [0, 1] (0 = off), got " + equalizeAlpha);
            }
            if (!(percentile > 0 && percentile <= 100)) {
                throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
            }
        }

        /** The weight type for this host and placement ({@link WeightType#AUTO} resolved). */
        public WeightType resolvedWeightType() {
            return weightType.resolve(plan.placement());
        }
    }

    /**
     * PNG overlays of InlierQ's inlier posterior: for each tensor in {@code tensors} (empty: the first, middle
     * and last quantized activation whose split did not fall back), on the first {@code images} calibration
     * images, written to {@code dir} as {@code <tensor>_<image>.png}.
     */
    public record SaliencyOutput(Path dir, List<String> tensors, int images) {
        public SaliencyOutput {
            Objects.requireNonNull(dir, "dir");
            tensors = List.copyOf(tensors);
            if (images < 1) {
                throw new IllegalArgumentException("saliency images must be at least 1, got " + images);
            }
        }
    }

    /** Per-tensor analysis for the JSON summary. */
    public record TensorReport(String tensor, Role role, int bits, float[] scale, int[] zeroPoint, double clipRate,
            double sqnrDb, String group) {
    }

    /** Output agreement between the simulation and ONNX Runtime's integer run of the exported file. */
    public record Agreement(Map<String, Double> simVsOrtSqnrDb, Map<String, Double> simVsOrtMaxRelError,
            Map<String, Double> floatVsSimSqnrDb, int images) {
    }

    public record Result(QuantPlan plan, Map<String, Encoding> encodings, List<TensorReport> tensors,
            Agreement agreement, CalibrationSet calibration, double seconds, long peakRssBytes,
            Map<String, String> provenance, List<Reconstruction.UnitReport> units, List<InlierReport> inliers,
            List<GptqRounding.LayerReport> gptq) {
    }

    /**
     * InlierQ's split of one tensor: the fitted mixture, the fraction of volumes in the inlier set (at tau), the
     * fraction set aside for zero saliency, and the activation range initialised on all volumes and on inliers
     * only ({@code null} when the tensor is not a quantized activation).
     */
    public record InlierReport(String tensor, InlierMixture.Fit fit, double inlierFraction, double zeroSaliencyFraction,
            float[] rangeAll, float[] rangeInliers) {
    }

    /** Progress of a run: calibration images done, then reconstruction (unit, units, iteration). */
    public interface Listener extends Reconstruction.Progress {
        void calibrated(int images);

        /** A phase after calibration and reconstruction begins ("writing", "checking with ONNX Runtime", ...). */
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

    public static RangeEstimation estimation(Method m, double percentile) {
        return switch (m) {
            case MINMAX -> RangeEstimation.MIN_MAX;
            case PERCENTILE -> RangeEstimation.percentile(percentile);
            case ENTROPY -> RangeEstimation.ENTROPY;
            case MSE, GPTQ, ADAROUND, BRECQ, QDROP, INLIERQ -> RangeEstimation.MSE;
        };
    }

    /**
     * Runs the whole flow and writes the QDQ model to {@code out} (atomically).
     *
     * @param progress receives (stage, done) updates: stage 0 = calibration images processed
     */
    public static Result run(Options o, Path out, IntConsumer progress) {
        return run(o, out, (Listener) progress::accept);
    }

    /** Runs the whole flow and writes the QDQ model to {@code out} (atomically), reporting to a listener. */
    public static Result run(Options o, Path out, Listener listener) {
        IntConsumer progress = listener::calibrated;
        long t0 = System.nanoTime();
        DjlRuntime.setThreads(o.threads());
        Graph g = prepare(o.model());
        ModelCheck.check(g, o.model(), o.spec());
        CalibrationSet calib = CalibrationSet.choose(o.calib(), o.numCalib(), o.seed());
        Preprocessor pre = o.spec().preprocessor();
        int equalized = 0;
        if (o.equalizeAlpha() > 0) {
            try (GraphExecutor floatEngine = new GraphExecutor(g)) {
                Equalization.Result eq = Equalization.apply(floatEngine, g, pre, calib.files(), o.batch(), o.equalizeAlpha());
                g = eq.graph();
                equalized = eq.equalized();
            }
        }
        QuantPlan plan = Planner.plan(g, o.plan());
        if (plan.layers().isEmpty()) {
            throw new UserError(ExitCode.BAD_SPEC, o.model() + ": no layer to quantize (all excluded?)");
        }
        Map<String, Encoding> enc = new LinkedHashMap<>();
        List<Reconstruction.UnitReport> unitReports = List.of();
        List<InlierReport> inlierReports = List.of();
        GptqRounding.Result gptq = null;
        try (GraphExecutor floatEngine = new GraphExecutor(g)) {
            ModelCheck.checkScores(floatEngine, o.spec(), pre, calib.files(), o.batch());
            boolean recon = o.method().reconstructs();
            // reconstruction starts from MSE ranges and MSE weight scales, as BRECQ and QDrop do
            enc.putAll(Calibrator.activations(floatEngine, plan, pre, calib.files(), o.batch(),
                    recon ? RangeEstimation.MSE : estimation(o.method(), o.percentile()), progress));
            boolean mseWeights = recon || o.method() == Method.MSE || o.method() == Method.GPTQ;
            enc.putAll(Calibrator.weights(g, plan, mseWeights, o.resolvedWeightType()));
            if (o.method() == Method.GPTQ) {
                gptq = gptq(floatEngine, g, plan, enc, batches(calibrationSamples(o, calib), o.batch()), o.seed());
                g = gptq.graph();
            }
            StartingRounding.Start start = StartingRounding.Start.NEAREST;
            if (recon && o.reconstruction().start() == ReconstructionOptions.Start.GPTQ) {
                gptq = gptq(floatEngine, g, plan, enc, batches(calibrationSamples(o, calib), o.batch()), o.seed());
                start = new StartingRounding.Start(StartingRounding.anchors(g, plan, enc, gptqWeights(gptq),
                        gptq.updated()), gptq.biases());
            }
            if (recon) {
                Reconstructed rr = reconstruct(floatEngine, g, plan, enc, o, calib, start, listener);
                g = rr.result().graph();
                enc.putAll(rr.result().encodings());
                unitReports = rr.result().units();
                inlierReports = rr.inliers();
            }
            Graph qg = Calibrator.withQuantizedWeights(g, plan, enc);
            Map<String, String> provenance = provenance(o, calib);
            provenance.put("inlierq.equalized_activations", Integer.toString(equalized));
            provenance.put("inlierq.layer_bits", plan.layerBits(g));
            List<TensorReport> reports;
            Agreement agreement;
            // written beside --out, checked with ONNX Runtime, then renamed over it: a failure leaves --out as it was
            try (OutputFile file = OutputFile.create(out);
                    SimulatedRunner sim = new SimulatedRunner(qg, activationEncodings(plan, enc))) {
                listener.phase("writing");
                file.write(QdqWriter.write(g, plan, enc, o.weightStorage(), provenance).toByteArray());
                listener.phase("checking with ONNX Runtime");
                agreement = agree(floatEngine, sim, file.temp(), o.threads(), pre,
                        calib.files().subList(0, Math.min(o.checkImages(), calib.files().size())));
                listener.phase("measuring clipping and SQNR");
                reports = analyse(floatEngine, g, plan, enc, pre, calib.files().subList(0,
                        Math.min(o.statsImages(), calib.files().size())), o.batch());
                file.commit();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(plan, enc, reports, agreement, calib, seconds, peakRss(), provenance, unitReports, inlierReports,
                    gptq == null ? List.of() : gptq.layers());
        }
    }

    private record Reconstructed(Reconstruction.Result result, List<InlierReport> inliers) {
    }

    /**
     * Reconstruction of every unit with the method's loss. With the Fisher loss, one float pass of the top-K
     * heatmap loss gives the gradients at every unit output; InlierQ also takes the volume saliency of every
     * quantized activation from that pass, splits volumes by EM, re-estimates activation ranges on inliers only
     * and restricts (or weights) the objective to inliers.
     */
    static Reconstructed reconstruct(GraphExecutor floatEngine, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            Options o, CalibrationSet calib, StartingRounding.Start start, Listener listener) {
        ReconstructionOptions ro = o.reconstruction();
        List<Units.Unit> units = Units.find(g, plan, ro.unit(), ro.blockSize());
        FloatTensor samples = calibrationSamples(o, calib);
        List<FloatTensor> batches = batches(samples, o.batch());
        ReconstructionLoss loss = ReconstructionLoss.mse();
        List<InlierReport> inliers = new ArrayList<>();
        if (o.fisherLoss() || o.inlier() != null) {
            java.util.Set<String> outputs = new java.util.LinkedHashSet<>();
            units.forEach(u -> outputs.addAll(u.outputs()));
            java.util.Set<String> salient = new java.util.LinkedHashSet<>();
            if (o.inlier() != null) {
                plan.activations().forEach(p -> salient.add(p.tensor()));
                salient.addAll(outputs);
                salient.removeIf(v -> g.inputs().stream().anyMatch(i -> i.name().equals(v)));
            }
            int topK = o.inlier() != null ? o.inlier().topK() : o.topK();
            TopKHeatmapLoss task = new TopKHeatmapLoss(o.spec().heatmapRecipe(), topK, o.topKScope());
            NDManager keep = DjlRuntime.newManager();
            try {
                TaskGradients.Result grads = TaskGradients.compute(floatEngine, batches,
                        o.fisherLoss() ? outputs : java.util.Set.of(), salient, task, keep, done -> { });
                Map<String, NDArray> w = FisherWeights.fromGradients(grads.raw());
                String name = o.fisherLoss() ? "fisher" : "mse";
                if (o.inlier() != null) {
                    Map<String, InlierQ.Split> splits = InlierQ.split(grads, o.inlier());
                    Map<String, Encoding> before = new HashMap<>(enc);
                    if (o.inlier().inlierRanges()) {
                        enc.putAll(Calibrator.activations(floatEngine, plan, batches, RangeEstimation.MSE,
                                (tensor, value, first) -> InlierQ.inlierValues(splits, tensor, value, first)));
                    }
                    if (o.saliency() != null) {
                        writeOverlays(o.saliency(), splits, plan, samples, calib, o.spec());
                    }
                    for (InlierQ.Split sp : splits.values()) {
                        boolean act = plan.point(sp.tensor()) != null;
                        inliers.add(new InlierReport(sp.tensor(), sp.fit(), sp.inlierFraction(), sp.zeroFraction(),
                                act ? range(before.get(sp.tensor())) : null, act ? range(enc.get(sp.tensor())) : null));
                    }
                    if (!o.fisherLoss()) {
                        // inlier restriction of the plain squared error: multipliers on unit weights of 1
                        for (String v : outputs) {
                            InlierQ.Split sp = splits.get(v);
                            if (sp != null) {
                                long[] vs = sp.volumeShape();
                                long[] shape = g.shape(v).clone();
                                shape[0] = vs[0];
                                w.put(v, keep.ones(new ai.djl.ndarray.types.Shape(shape)));
                            }
                        }
                    }
                    w = InlierQ.objectiveWeights(w, splits, o.inlier());
                    name = "inlier-" + o.inlier().weighting().cliName() + (o.fisherLoss() ? "-fisher" : "-mse");
                }
                loss = new ClosingLoss(ReconstructionLoss.weighted(name, w), keep);
            } catch (RuntimeException e) {
                keep.close();
                throw e;
            }
        }
        try (ReconstructionLoss l = loss) {
            return new Reconstructed(Reconstruction.run(g, plan, enc, units, samples, l, ro, start, listener), inliers);
        }
    }

    /** Writes the posterior overlays {@link SaliencyOutput} asks for. */
    static void writeOverlays(SaliencyOutput out, Map<String, InlierQ.Split> splits, QuantPlan plan, FloatTensor samples,
            CalibrationSet calib, DetectorSpec spec) {
        List<String> tensors = new ArrayList<>(out.tensors());
        for (String t : tensors) {
            InlierQ.Split sp = splits.get(t);
            if (sp == null || sp.volumeShape().length != 3) {
                throw new UserError(ExitCode.USAGE, "--saliency-tensors: '" + t + "' is not a quantized 2-D feature map "
                        + "of this model (see the tensors of --json or --dry-run)");
            }
        }
        if (tensors.isEmpty()) {
            List<String> candidates = new ArrayList<>();
            for (QuantPoint p : plan.activations()) {
                InlierQ.Split sp = splits.get(p.tensor());
                if (sp != null && !sp.allInliers() && sp.volumeShape().length == 3) {
                    candidates.add(p.tensor());
                }
            }
            if (!candidates.isEmpty()) {
                for (int i : new int[] {0, candidates.size() / 2, candidates.size() - 1}) {
                    if (!tensors.contains(candidates.get(i))) {
                        tensors.add(candidates.get(i));
                    }
                }
            }
        }
        try {
            Files.createDirectories(out.dir());
        } catch (java.io.IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, out.dir() + ": cannot create the folder (" + e.getMessage() + ")");
        }
        int images = Math.min(out.images(), calib.files().size());
        for (String t : tensors) {
            InlierQ.Split sp = splits.get(t);
            int h = (int) sp.volumeShape()[1];
            int w = (int) sp.volumeShape()[2];
            for (int i = 0; i < images; i++) {
                float[] p = java.util.Arrays.copyOfRange(sp.posterior(), i * h * w, (i + 1) * h * w);
                String stem = calib.files().get(i).getFileName().toString().replaceFirst("\\.[^.]*$", "");
                Path file = out.dir().resolve(t.replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + stem + ".png");
                SaliencyOverlay.write(file, SaliencyOverlay.render(samples.sample(i), spec.input(), p, h, w));
            }
        }
    }

    /** The real range an activation encoding represents: {(qmin - z) s, (qmax - z) s}. */
    static float[] range(Encoding e) {
        if (e == null) {
            return null;
        }
        return new float[] {(e.qmin() - e.zeroPoint(0)) * e.scale(0), (e.qmax() - e.zeroPoint(0)) * e.scale(0)};
    }

    /** A loss that also closes the manager its weights live in. */
    private record ClosingLoss(ReconstructionLoss inner, NDManager manager) implements ReconstructionLoss {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public NDArray error(String value, NDArray pred, NDArray target, int[] samples) {
            return inner.error(value, pred, target, samples);
        }

        @Override
        public NDArray error(String value, NDArray pred, NDArray target, int[] samples, Crop crop) {
            return inner.error(value, pred, target, samples, crop);
        }

        @Override
        public void release(String value) {
            inner.release(value);
        }

        @Override
        public void close() {
            inner.close();
            manager.close();
        }
    }

    /** Consecutive batches of a stacked tensor along axis 0. */
    /**
     * GPTQ rounding with the Hessians of the layer inputs from the float network, each input through its own
     * quantizer. The system property {@code inlierq.gptq.inputs=quantized} (an experiment, README) takes them
     * again from the network quantized by that first rounding and rounds the float weights anew.
     */
    static GptqRounding.Result gptq(GraphExecutor floatEngine, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            List<FloatTensor> batches, long seed) {
        GptqRounding.Result first = GptqRounding.apply(LayerHessians.floatNetwork(floatEngine, enc, plan), g, plan, enc,
                batches, seed);
        if (!System.getProperty("inlierq.gptq.inputs", "float").equals("quantized")) {
            return first;
        }
        try (SimulatedRunner sim = new SimulatedRunner(Calibrator.withQuantizedWeights(first.graph(), plan, enc),
                activationEncodings(plan, enc))) {
            return GptqRounding.apply(LayerHessians.quantizedNetwork(sim), g, plan, enc, batches, seed);
        }
    }

    /** The rounded weights GPTQ wrote into its graph, by tensor name. */
    static Map<String, float[]> gptqWeights(GptqRounding.Result r) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String t : r.updated().keySet()) {
            m.put(t, r.graph().constant(t).floats());
        }
        return m;
    }

    /** The calibration images, preprocessed and stacked. */
    static FloatTensor calibrationSamples(Options o, CalibrationSet calib) {
        Preprocessor pre = o.spec().preprocessor();
        List<PreparedImage> images = new ArrayList<>();
        for (Path p : calib.files()) {
            images.add(pre.prepare(p));
        }
        return Preprocessor.stack(images);
    }

    static List<FloatTensor> batches(FloatTensor all, int batch) {
        long[] shape = all.shape();
        int n = (int) shape[0];
        int per = all.data().length / Math.max(1, n);
        List<FloatTensor> out = new ArrayList<>();
        for (int s = 0; s < n; s += batch) {
            int e = Math.min(n, s + batch);
            long[] sh = shape.clone();
            sh[0] = e - s;
            out.add(new FloatTensor(sh, java.util.Arrays.copyOfRange(all.data(), s * per, e * per)));
        }
        return out;
    }

    static Map<String, Encoding> activationEncodings(QuantPlan plan, Map<String, Encoding> enc) {
        Map<String, Encoding> m = new HashMap<>();
        for (QuantPoint p : plan.activations()) {
            m.put(p.tensor(), enc.get(p.tensor()));
        }
        return m;
    }

    static Map<String, String> provenance(Options o, CalibrationSet calib) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inlierq.version", TOOL_VERSION);
        m.put("inlierq.method", o.method().cliName() + (o.method() == Method.PERCENTILE ? " " + o.percentile() : ""));
        if (o.reconstruction() != null) {
            m.put("inlierq.reconstruction", o.reconstruction().describe() + " top_k=" + o.topK() + " top_k_scope="
                    + o.topKScope().name().toLowerCase(java.util.Locale.ROOT));
        }
        m.put("inlierq.weight_bits", Integer.toString(o.plan().weightBits()));
        m.put("inlierq.activation_bits", Integer.toString(o.plan().activationBits()));
        m.put("inlierq.first_last_8bit", Boolean.toString(o.plan().firstLastAt8Bit()));
        m.put("inlierq.placement", o.plan().placement().name());
        m.put("inlierq.weight_type", o.resolvedWeightType().name());
        m.put("inlierq.weight_storage", o.weightStorage().cliName());
        m.put("inlierq.equalize_alpha", Double.toString(o.equalizeAlpha()));
        m.put("inlierq.seed", Long.toString(o.seed()));
        m.put("inlierq.spec", o.spec().name());
        m.put("inlierq.source_model_sha256", CalibrationSet.sha256(o.model()));
        m.put("inlierq.calibration_images", Integer.toString(calib.files().size()));
        m.put("inlierq.calibration_sha256", calib.digest());
        StringBuilder files = new StringBuilder();
        for (int i = 0; i < calib.files().size(); i++) {
            if (i > 0) {
                files.append(',');
            }
            files.append(calib.files().get(i).getFileName()).append(':').append(calib.sha256().get(i), 0, 16);
        }
        m.put("inlierq.calibration_files", files.toString());
        return m;
    }

    /** Clipping rate and SQNR of fake quantization per planned tensor, on a few calibration images. */
    static List<TensorReport> analyse(GraphExecutor floatEngine, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            Preprocessor pre, List<Path> images, int batch) {
        Map<String, double[]> acc = new HashMap<>(); // signal, noise, clipped, count
        java.util.Set<String> observed = new java.util.HashSet<>();
        for (QuantPoint p : plan.activations()) {
            observed.add(p.tensor());
        }
        Calibrator.observe(floatEngine, pre, images, batch, observed, (name, t) ->
                accumulate(acc.computeIfAbsent(name, k -> new double[4]), t.data(), enc.get(name), t.shape(), -1),
                done -> { });
        List<TensorReport> out = new ArrayList<>();
        for (QuantPoint p : plan.points()) {
            if (p.role() == Role.BIAS) {
                continue;
            }
            Encoding e = enc.get(p.tensor());
            double[] a;
            if (p.role() == Role.WEIGHT) {
                ConstTensor w = g.constant(p.tensor());
                a = new double[4];
                accumulate(a, w.floats(), e, w.shape(), p.channelAxis());
            } else {
                a = acc.getOrDefault(p.tensor(), new double[4]);
            }
            double sqnr = a[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(a[0] / a[1]);
            out.add(new TensorReport(p.tensor(), p.role(), p.bits(), e.scale(), e.zeroPoint(),
                    a[3] == 0 ? 0 : a[2] / a[3], sqnr, p.group()));
        }
        return out;
    }

    /** Adds signal energy, noise energy, clipped count and count of fake-quantizing x (channels on axis). */
    private static void accumulate(double[] a, float[] x, Encoding e, long[] shape, int axis) {
        float[] q = e.fakeQuantize(x, shape);
        int channels = e.size();
        float[] lo = new float[channels];
        float[] hi = new float[channels];
        for (int i = 0; i < channels; i++) {
            // a value is clipped when it lies more than half a step beyond the grid's end points
            lo[i] = (e.qmin() - e.zeroPoint(i) - 0.5f) * e.scale(i);
            hi[i] = (e.qmax() - e.zeroPoint(i) + 0.5f) * e.scale(i);
        }
        long inner = 1;
        long dim = 1;
        if (channels > 1) {
            for (int i = axis + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            dim = shape[axis];
        }
        double s = 0;
        double n = 0;
        long clipped = 0;
        for (int i = 0; i < x.length; i++) {
            int c = channels == 1 ? 0 : (int) ((i / inner) % dim);
            s += (double) x[i] * x[i];
            double d = x[i] - q[i];
            n += d * d;
            if (x[i] < lo[c] || x[i] > hi[c]) {
                clipped++;
            }
        }
        a[0] += s;
        a[1] += n;
        a[2] += clipped;
        a[3] += x.length;
    }

    /** Runs float, simulation and ONNX Runtime (the exported file) on the same images; compares outputs. */
    static Agreement agree(GraphExecutor floatEngine, SimulatedRunner sim, Path qdq, int threads, Preprocessor pre,
            List<Path> images) {
        Map<String, double[]> simOrt = new LinkedHashMap<>();
        Map<String, double[]> floatSim = new LinkedHashMap<>();
        Map<String, Double> maxRel = new LinkedHashMap<>();
        try (OrtRunner ort = new OrtRunner(qdq, threads)) { // opened also without images: ONNX Runtime accepts the file
            if (images.isEmpty()) {
                return new Agreement(Map.of(), Map.of(), Map.of(), 0);
            }
            for (Path p : images) {
                FloatTensor x = pre.prepare(p).tensor();
                Map<String, FloatTensor> f = floatEngine.run(x);
                Map<String, FloatTensor> s = sim.run(x);
                Map<String, FloatTensor> r = ort.run(x);
                for (String name : s.keySet()) {
                    float[] sv = s.get(name).data();
                    float[] rv = r.get(name).data();
                    float[] fv = f.get(name).data();
                    add(simOrt.computeIfAbsent(name, k -> new double[2]), sv, rv);
                    add(floatSim.computeIfAbsent(name, k -> new double[2]), fv, sv);
                    double maxAbs = 0;
                    double maxDiff = 0;
                    for (int i = 0; i < sv.length; i++) {
                        maxAbs = Math.max(maxAbs, Math.abs(sv[i]));
                        maxDiff = Math.max(maxDiff, Math.abs(sv[i] - rv[i]));
                    }
                    maxRel.merge(name, maxDiff / (maxAbs + 1e-6), Math::max);
                }
            }
        }
        return new Agreement(toDb(simOrt), maxRel, toDb(floatSim), images.size());
    }

    private static void add(double[] acc, float[] ref, float[] other) {
        for (int i = 0; i < ref.length; i++) {
            acc[0] += (double) ref[i] * ref[i];
            double d = ref[i] - other[i];
            acc[1] += d * d;
        }
    }

    private static Map<String, Double> toDb(Map<String, double[]> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(v[0] / v[1])));
        return out;
    }

    /** Peak resident set size of this process (VmHWM), or -1 where /proc is not available. */
    public static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
