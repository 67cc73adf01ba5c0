package dev.inlierq.api;

import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.quant.Encoding;
import dev.inlierq.rounding.GptqRounding;
import dev.inlierq.rounding.HessianWeighting;
import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * GPTQ's rounding of a plan as {@code quantize} computes it for {@code --method gptq} or {@code --start gptq}
 * ({@link GptqStage}), for the features that score it without writing a file (per-layer sensitivity with GPTQ
 * rounding, mixed precision): the same calibration samples and batches, the same Hessians (the float network,
 * each layer input through its activation quantizer; weighted by InlierQ's splits when the config resolves to the
 * inlier-weighted Hessian) and the same seed. With Hessians from the float network a layer's rounding depends on
 * its own grid and input only, so the codes are those {@code quantize} gives the layer whatever bits the other
 * layers get.
 */
public final class GptqPreview {
    private GptqPreview() {
    }

    /**
     * Rounds the weights of {@code p}'s plan with GPTQ. {@code p.graph()} and {@code floatEngine} are not changed.
     *
     * @param floatEngine an engine of {@code p.graph()}
     * @param enc         the encodings of the plan's weights and activations
     *                    ({@link CalibrationStage#weights}, {@link CalibrationStage#activations})
     * @return the graph with GPTQ's rounded weights and corrected biases, per-layer errors, compensated weights
     */
    public static GptqRounding.Result round(GraphExecutor floatEngine, CalibrationStage.Prepared p,
            QuantizationConfig c, Map<String, Encoding> enc) {
        List<FloatTensor> batches = Samples.batches(Samples.of(c.spec(), p.calibration()), c.calibration().batch());
        ReconstructionStage.TaskPass pass = null;
        if (c.hessian() == HessianWeighting.INLIER && c.inlier() != null) { // InlierQ's own pass, as quantize
            pass = ReconstructionStage.taskPass(floatEngine, p.graph(), p.plan(), c, batches,
                    GptqStage.layerOutputs(p.graph(), p.plan()));
        }
        try {
            return Quantization.gptq(floatEngine, p.graph(), p.plan(), enc, c, batches, pass);
        } finally {
            if (pass != null) {
                pass.close();
            }
        }
    }
}
