package dev.inlierq.api;

import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.SimulatedRunner;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.recon.StartingRounding;
import dev.inlierq.rounding.GptqRounding;
import dev.inlierq.rounding.LayerHessians;
import dev.inlierq.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPTQ rounding of the weights ({@link Method#GPTQ}, and the start of reconstruction with
 * {@code --start gptq}), with the Hessians of the layer inputs from the float network.
 */
final class GptqStage {
    private GptqStage() {
    }

    /**
     * GPTQ rounding with the Hessians of the layer inputs from the float network, each input through its own
     * quantizer. The system property {@code inlierq.gptq.inputs=quantized} (an experiment, README) takes them
     * again from the network quantized by that first rounding and rounds the float weights anew.
     */
    static GptqRounding.Result round(GraphExecutor floatEngine, Graph g, QuantPlan plan, Map<String, Encoding> enc,
            List<FloatTensor> batches, long seed) {
        GptqRounding.Result first = GptqRounding.apply(LayerHessians.floatNetwork(floatEngine, enc, plan), g, plan, enc,
                batches, seed);
        if (!System.getProperty("inlierq.gptq.inputs", "float").equals("quantized")) {
            return first;
        }
        try (SimulatedRunner sim = new SimulatedRunner(Calibrator.withQuantizedWeights(first.graph(), plan, enc),
                Quantization.activationEncodings(plan, enc))) {
            return GptqRounding.apply(LayerHessians.quantizedNetwork(sim), g, plan, enc, batches, seed);
        }
    }

    /** The start of reconstruction at GPTQ's rounding (and its corrected biases), from {@link #round}'s result. */
    static StartingRounding.Start start(Graph g, QuantPlan plan, Map<String, Encoding> enc, GptqRounding.Result r) {
        return new StartingRounding.Start(StartingRounding.anchors(g, plan, enc, weights(r), r.updated()), r.biases());
    }

    /** The rounded weights GPTQ wrote into its graph, by tensor name. */
    private static Map<String, float[]> weights(GptqRounding.Result r) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String t : r.updated().keySet()) {
            m.put(t, r.graph().constant(t).floats());
        }
        return m;
    }
}
