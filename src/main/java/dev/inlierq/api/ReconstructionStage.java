package dev.inlierq.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.recon.FisherWeights;
import dev.inlierq.recon.NetworkTuning;
import dev.inlierq.recon.Reconstruction;
import dev.inlierq.recon.ReconstructionLoss;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.StartingRounding;
import dev.inlierq.recon.TaskGradients;
import dev.inlierq.recon.Units;
import dev.inlierq.rounding.HessianWeighting;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reconstruction of every unit with the method's loss ({@link Method#reconstructs()}). With the Fisher loss, one
 * float pass of the top-K heatmap loss gives the gradients at every unit output; InlierQ also takes the volume
 * saliency of every quantized activation from that pass, splits volumes by EM, re-estimates activation ranges on
 * inliers only and restricts (or weights) the objective to inliers. With {@code --start gptq} and the
 * inlier-weighted Hessian the pass runs before GPTQ ({@link #taskPass}), which weights its Hessians by the same
 * splits, and is handed to {@link #run}: one pass for both.
 */
final class ReconstructionStage {
    private ReconstructionStage() {
    }

    /**
     * The reconstructed graph and encodings, InlierQ's split of every tensor and the thumbnails of its posterior
     * overlays (both empty for the other methods).
     */
    record Result(Reconstruction.Result result, List<Quantization.InlierReport> inliers,
            List<Quantization.Overlay> overlays) {
    }

    /** What the loss wiring reads: the float network, the plan and encodings so far, the calibration samples. */
    private record Inputs(GraphExecutor floatEngine, Graph graph, QuantPlan plan, Map<String, Encoding> enc,
            QuantizationConfig config, CalibrationSet calib, FloatTensor samples, List<FloatTensor> batches) {
    }

    /**
     * {@link NetworkTuning}: the step sizes of the reconstructed network {@code rounded} tuned end to end against
     * {@code floatGraph}'s outputs, with plain MSE or with the Fisher weights of the top-K heatmap loss on them.
     */
    static Reconstruction.Result tune(GraphExecutor floatEngine, Graph floatGraph, Graph rounded, QuantPlan plan,
            Map<String, Encoding> enc, QuantizationConfig c, FloatTensor samples, List<FloatTensor> batches,
            NetworkTuning.Settings s, Reconstruction.Progress progress) {
        List<Units.Unit> units = NetworkTuning.units(floatGraph, plan);
        ReconstructionLoss loss = ReconstructionLoss.mse();
        if (s.fisher()) {
            TopKHeatmapLoss task = c.loss().loss(c.spec());
            TaskPass pass = gradientPass(floatEngine, batches, outputs(units), Set.of(), task, Set.of(),
                    grads -> Map.of());
            try {
                loss = new ClosingLoss(ReconstructionLoss.weighted("fisher",
                        FisherWeights.fromGradients(pass.grads().raw())), pass.keep());
            } catch (RuntimeException e) {
                pass.close();
                throw e;
            }
        }
        try (ReconstructionLoss l = loss) {
            return NetworkTuning.tune(floatGraph, rounded, plan, enc, units, samples, l, s, c.calibration().seed(),
                    progress);
        }
    }

    /**
     * The float pass of the top-K heatmap loss ({@link TaskGradients}) and InlierQ's split of every salient tensor
     * (none without InlierQ), its arrays kept in {@code keep}, which the loss built from it closes.
     *
     * @param salient the tensors InlierQ's stage splits (its reports and ranges); {@code splits} may hold more
     */
    record TaskPass(TaskGradients.Result grads, Set<String> salient, Map<String, InlierQ.Split> splits, NDManager keep)
            implements AutoCloseable {
        @Override
        public void close() {
            keep.close();
        }
    }

    /**
     * Reconstructs every unit. InlierQ's inlier-only ranges are written into {@code enc} before the units are
     * optimised.
     *
     * @param samples the calibration images, preprocessed and stacked ({@link Samples#of}); {@code batches} the same
     *                in batches of the calibration batch size
     * @param pass the task pass when it ran already ({@link #taskPass}, for GPTQ's inlier-weighted start; this
     *             stage closes it), else {@code null}
     */
    static Result run(GraphExecutor floatEngine, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            QuantizationConfig c, CalibrationSet calib, FloatTensor samples, List<FloatTensor> batches,
            StartingRounding.Start start, TaskPass pass, Reconstruction.Progress progress) {
        ReconstructionOptions ro = c.reconstruction().toBuilder()
                .hessianSlopes(c.hessian() == HessianWeighting.SLOPES).build();
        List<Units.Unit> units = Units.find(g, plan, ro.unit(), ro.blockSize());
        Inputs in = new Inputs(floatEngine, g, plan, enc, c, calib, samples, batches);
        List<Quantization.InlierReport> inliers = new ArrayList<>();
        List<Quantization.Overlay> overlays = new ArrayList<>();
        ReconstructionLoss loss;
        if (c.loss().fisher() || c.inlier() != null) {
            loss = taskLoss(in, units, pass != null ? pass : taskPass(floatEngine, g, plan, c, in.batches(), Set.of()),
                    inliers, overlays);
        } else {
            loss = ReconstructionLoss.mse();
            if (pass != null) {
                pass.close();
            }
        }
        try (ReconstructionLoss l = loss) {
            return new Result(Reconstruction.run(g, plan, enc, units, samples, l, ro, start, progress), inliers,
                    overlays);
        }
    }

    /**
     * One float pass of the top-K heatmap loss: the raw gradients at every unit output (with the Fisher loss) and
     * InlierQ's split of every salient tensor and of {@code alsoSplit} (with InlierQ's loss). Depends on the float
     * network only, so it may run before GPTQ's start.
     */
    static TaskPass taskPass(GraphExecutor floatEngine, Graph g, QuantPlan plan, QuantizationConfig c,
            List<FloatTensor> batches, Set<String> alsoSplit) {
        ReconstructionOptions ro = c.reconstruction();
        Set<String> outputs = outputs(Units.find(g, plan, ro.unit(), ro.blockSize()));
        InlierQ.Options inlier = c.inlier();
        int topK = inlier != null ? inlier.topK() : c.loss().topK();
        TopKHeatmapLoss task = c.loss().loss(c.spec(), topK);
        Set<String> salient = salientTensors(g, plan, c, outputs);
        Set<String> probed = new LinkedHashSet<>(salient);
        if (inlier != null) {
            probed.addAll(alsoSplit);
        }
        return gradientPass(floatEngine, batches, c.loss().fisher() ? outputs : Set.of(), probed, task, salient,
                grads -> inlier != null ? InlierQ.split(grads, inlier) : Map.of());
    }

    /** Every output of {@code units}, in order. */
    private static Set<String> outputs(List<Units.Unit> units) {
        Set<String> outputs = new LinkedHashSet<>();
        units.forEach(u -> outputs.addAll(u.outputs()));
        return outputs;
    }

    /**
     * One float pass of {@code task} ({@link TaskGradients}): the raw gradients at {@code fisherOutputs} and the
     * saliency of {@code probed}, split by {@code splitter} ({@code salient}: the tensors InlierQ's stage reports);
     * its arrays kept in the returned pass's manager.
     */
    private static TaskPass gradientPass(GraphExecutor floatEngine, List<FloatTensor> batches,
            Set<String> fisherOutputs, Set<String> probed, TopKHeatmapLoss task, Set<String> salient,
            Function<TaskGradients.Result, Map<String, InlierQ.Split>> splitter) {
        NDManager keep = DjlRuntime.newManager();
        try {
            TaskGradients.Result grads = TaskGradients.compute(floatEngine, batches, fisherOutputs, probed, task, keep,
                    done -> { });
            return new TaskPass(grads, salient, splitter.apply(grads), keep);
        } catch (RuntimeException e) {
            keep.close();
            throw e;
        }
    }

    /**
     * The loss from the pass of the top-K heatmap loss: Fisher-weighted, InlierQ's inlier-centric weights, or
     * both; InlierQ's splits are reported into {@code inliers}, the thumbnails of its overlays into {@code overlays}.
     */
    private static ReconstructionLoss taskLoss(Inputs in, List<Units.Unit> units, TaskPass pass,
            List<Quantization.InlierReport> inliers, List<Quantization.Overlay> overlays) {
        QuantizationConfig c = in.config();
        boolean fisher = c.loss().fisher();
        InlierQ.Options inlier = c.inlier();
        Set<String> outputs = outputs(units);
        NDManager keep = pass.keep();
        try {
            Map<String, NDArray> w = FisherWeights.fromGradients(pass.grads().raw());
            String name = fisher ? "fisher" : "mse";
            if (inlier != null) {
                Map<String, InlierQ.Split> splits = new LinkedHashMap<>(pass.splits());
                splits.keySet().retainAll(pass.salient());
                split(in, splits, inliers, overlays);
                if (!fisher) {
                    unitWeights(in.graph(), outputs, splits, w, keep);
                }
                w = InlierQ.objectiveWeights(w, splits, inlier);
                name = "inlier-" + inlier.weighting().cliName() + (fisher ? "-fisher" : "-mse");
            }
            return new ClosingLoss(ReconstructionLoss.weighted(name, w), keep);
        } catch (RuntimeException e) {
            keep.close();
            throw e;
        }
    }

    /** The tensors whose saliency InlierQ splits: every quantized activation and unit output but graph inputs. */
    private static Set<String> salientTensors(Graph g, QuantPlan plan, QuantizationConfig c, Set<String> outputs) {
        Set<String> salient = new LinkedHashSet<>();
        if (c.inlier() != null) {
            plan.activations().forEach(p -> salient.add(p.tensor()));
            salient.addAll(outputs);
            salient.removeIf(v -> g.inputs().stream().anyMatch(i -> i.name().equals(v)));
        }
        return salient;
    }

    /**
     * With InlierQ's {@code splits} of every salient tensor: re-estimates activation ranges on inliers only
     * (unless turned off), draws the overlays asked for and reports every split.
     */
    private static void split(Inputs in, Map<String, InlierQ.Split> splits, List<Quantization.InlierReport> inliers,
            List<Quantization.Overlay> overlays) {
        QuantizationConfig c = in.config();
        Map<String, Encoding> enc = in.enc();
        Map<String, Encoding> before = new HashMap<>(enc);
        if (c.inlier().inlierRanges()) {
            enc.putAll(Calibrator.activations(in.floatEngine(), in.plan(), in.batches(), RangeEstimation.MSE,
                    (tensor, value, first) -> InlierQ.inlierValues(splits, tensor, value, first)));
        }
        if (c.saliency() != null) {
            overlays.addAll(SaliencyOverlays.write(c.saliency(), splits, in.plan(), in.samples(), in.calib(), c.spec()));
        }
        for (InlierQ.Split sp : splits.values()) {
            boolean act = in.plan().point(sp.tensor()) != null;
            inliers.add(new Quantization.InlierReport(sp.tensor(), sp.fit(), sp.inlierFraction(), sp.zeroFraction(),
                    act ? range(before.get(sp.tensor())) : null, act ? range(enc.get(sp.tensor())) : null));
        }
    }

    /** Inlier restriction of the plain squared error: multipliers on unit weights of 1 at every split output. */
    private static void unitWeights(Graph g, Set<String> outputs, Map<String, InlierQ.Split> splits,
            Map<String, NDArray> w, NDManager keep) {
        for (String v : outputs) {
            InlierQ.Split sp = splits.get(v);
            if (sp != null) {
                long[] vs = sp.volumeShape();
                long[] shape = g.shape(v).clone();
                shape[0] = vs[0];
                w.put(v, keep.ones(new Shape(shape)));
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
}
