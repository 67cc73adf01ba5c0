package dev.inlierq.api;

import ai.djl.ndarray.NDManager;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.SimulatedRunner;
import dev.inlierq.graph.Graph;
import dev.inlierq.inlier.InlierQ;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.recon.StartingRounding;
import dev.inlierq.recon.TaskGradients;
import dev.inlierq.rounding.GptqRounding;
import dev.inlierq.rounding.GptqScales;
import dev.inlierq.rounding.LayerHessians;
import dev.inlierq.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GPTQ rounding of the weights ({@link Method#GPTQ}, and the start of reconstruction with
 * {@code --start gptq}), with the Hessians of the layer inputs from the float network.
 *
 * <p>With {@code --hessian inlier} ({@link dev.inlierq.rounding.HessianWeighting#INLIER}) each sampled patch
 * counts with InlierQ's weight of the volume it produces, {@code H = sum_p w_p x_p x_p^T}: the inlier-centric
 * objective of InlierQ (Kim et al., ICLR 2026, docs/inlierq.md step 4) in GPTQ's second-order form (Frantar et
 * al., ICLR 2023). The weights are the objective multipliers ({@link InlierQ.Split#multipliers}) of the split of
 * each layer's output: from InlierQ's own pass for {@code --method inlierq --start gptq}, else from a saliency
 * pass of the top-K heatmap loss ({@link #inlierSplits}) with {@link InlierQ.Options#defaults()}.
 */
final class GptqStage {
    private GptqStage() {
    }

    /**
     * GPTQ rounding with the Hessians of the layer inputs from the float network, each input through its own
     * quantizer. The system property {@code inlierq.gptq.inputs=quantized} (an experiment, docs/methods.md) takes
     * them again from the network quantized by that first rounding and rounds the float weights anew.
     *
     * @param weights per layer, the weight of each output position ({@link #positionWeights}); empty: plain
     * @param scales  the calibrated per-channel scales, or each searched for GPTQ's error
     */
    static GptqRounding.Result round(GraphExecutor floatEngine, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            List<FloatTensor> batches, long seed, Map<String, float[]> weights, GptqScales scales) {
        GptqRounding.Result first = GptqRounding.apply(LayerHessians.floatNetwork(floatEngine, enc, plan), g, plan, enc,
                batches, seed, weights, scales);
        if (!System.getProperty("inlierq.gptq.inputs", "float").equals("quantized")) {
            return first;
        }
        Map<String, Encoding> grids = new LinkedHashMap<>(enc);
        grids.putAll(first.encodings()); // the first rounding's grids (searched scales differ from enc's)
        try (SimulatedRunner sim = new SimulatedRunner(Calibrator.withQuantizedWeights(first.graph(), plan, grids),
                Quantization.activationEncodings(plan, enc))) {
            return GptqRounding.apply(LayerHessians.quantizedNetwork(sim), g, plan, enc, batches, seed, weights,
                    scales);
        }
    }

    /** The output tensors of the layers GPTQ rounds: the tensors whose splits weight its Hessians. */
    static Set<String> layerOutputs(Graph g, QuantPlan plan) {
        Set<String> out = new LinkedHashSet<>();
        LayerHessians.layers(g, plan).values().forEach(l -> out.add(l.node().output()));
        return out;
    }

    /**
     * For GPTQ alone ({@code --method gptq --hessian inlier}, or a GPTQ start without InlierQ's loss): one float
     * pass of the top-K heatmap loss (K and scope of {@link QuantizationConfig#loss()}) for the volume saliency
     * of every rounded layer's output, split with {@link InlierQ.Options#defaults()}.
     */
    static Map<String, InlierQ.Split> inlierSplits(GraphExecutor floatEngine, Graph g, QuantPlan plan,
            QuantizationConfig c, List<FloatTensor> batches) {
        TopKHeatmapLoss task = c.loss().loss(c.spec());
        try (NDManager keep = DjlRuntime.newManager()) {
            TaskGradients.Result grads = TaskGradients.compute(floatEngine, batches, Set.of(), layerOutputs(g, plan),
                    task, keep, done -> { });
            return InlierQ.split(grads, InlierQ.Options.defaults());
        }
    }

    /**
     * The Hessian weights of each rounded layer, by layer name: the objective multipliers of the split of its
     * output ({@code [N, outH, outW]}: 1 or lambda_A by the inlier set, or the posterior, as {@code o} says). A
     * layer whose output has no split (no volumes) stays unweighted.
     */
    static Map<String, float[]> positionWeights(Graph g, QuantPlan plan, Map<String, InlierQ.Split> splits,
            InlierQ.Options o) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (LayerHessians.Layer l : LayerHessians.layers(g, plan).values()) {
            InlierQ.Split s = splits.get(l.node().output());
            if (s == null) {
                continue;
            }
            if (s.volumeShape().length != 3) {
                throw new IllegalStateException(l.node().name() + ": the split of its output has volumes "
                        + java.util.Arrays.toString(s.volumeShape()) + ", not [N, H, W]");
            }
            out.put(l.node().name(), s.multipliers(o.weighting(), o.lambdaAnomaly()));
        }
        return out;
    }

    /** The start of reconstruction at GPTQ's rounding (and its corrected biases), from {@link #round}'s result. */
    static StartingRounding.Start start(Graph g, QuantPlan plan, Map<String, Encoding> enc, GptqRounding.Result r) {
        return StartingRounding.fromGptq(g, plan, enc, r);
    }
}
