package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.rounding.GptqRounding;
import dev.inlierq.rounding.LayerHessians;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPTQ on the inputs of the already-quantized network, unit by unit as reconstruction goes, in two forms: towards
 * the float outputs ({@code --start gptaq}) or towards the layer's own weights ({@code --start sequential}, and
 * {@code --method gptq} at 4-bit weights). Issue 12 item 2: "the Hessian of each layer's input from the calibration
 * set, inputs from the already-quantized network, as asymmetric reconstruction does".
 *
 * <p>Plain GPTQ rounds every layer for the inputs the float network gives it, so each layer ignores the error the
 * layers before it leave. GPTAQ (Li, Yin, Lee, Xiao and Panda, "GPTAQ: Efficient Finetuning-Free Quantization for
 * Asymmetric Calibration", ICML 2025) rounds a layer for the inputs {@code x_q} it reads once the layers before it
 * are quantized, towards the float layer's output on the float inputs {@code x_f}:
 *
 * <pre>    min_Q  sum_p |W x_f,p - Q x_q,p|^2  =  tr((W* - Q) H (W* - Q)^T) + const,
 *     H = sum x_q x_q^T,   W* = W C H^-1,   C = sum x_f x_q^T,</pre>
 *
 * so GPTQ on the target {@code W*} with {@code H} solves it ({@link dev.inlierq.rounding.Gptq#asymmetricTarget},
 * damped towards {@code W}); the bias absorbs {@code W E[x_f] - Q E[x_q]}. This needs each layer's inputs from
 * the network as finally quantized up to it, which only a sequential pass has: {@link Reconstruction} holds the
 * float and the quantized network's values of every unit's inputs on all calibration images, so at each unit the
 * convolutions reading a unit input are rounded here, and the result is the unit's start (learned rounding starts
 * from it; with no steps it is the file's rounding). A two-pass form, taking {@code x_q} from the network quantized
 * by plain GPTQ and rounding every layer again at once, over-compensates (each layer undoes an error its
 * predecessors, rounded again, no longer make) and collapsed the detectors (docs/experiments.md, stop 25).
 *
 * <p>The sequential form is GPTQ as its reference code runs it (Frantar, Ashkboos, Hoefler and Alistarh, "GPTQ:
 * Accurate Post-Training Quantization for Generative Pre-trained Transformers", ICLR 2023, section 4: each layer's
 * inputs come from the layers before it as already quantized): with {@code x_f} replaced by {@code x_q} above,
 * {@code C = H} and {@code W* = W}, so it is GPTQ's own objective {@code sum_p |(W - Q) x_q,p|^2} on the inputs the
 * deployed layer reads. It does not ask the layer to undo its predecessors' error, only to be rounded for the
 * inputs it will see.
 *
 * <p>The grids are those of the whole-network GPTQ that runs first (searched or calibrated); layers the unit does
 * not read from a unit input keep that first rounding. Each sampled position may carry a weight
 * ({@link dev.inlierq.rounding.ActivationSlopes}: the squared slope of the activation after the layer), in
 * {@code H}, {@code C} and the means alike.
 */
final class SequentialGptq {
    private SequentialGptq() {
    }

    /**
     * The unit's start: {@code global} with the rounding, anchors and corrected biases of the unit's convolutions
     * that read a unit input replaced by their GPTQ rounding on the quantized network's inputs.
     *
     * @param names the unit's convolutions that read a unit input ({@link #layers})
     * @param target the values the layers' float outputs are taken on, by name, on all calibration images: the float
     *               network's (GPTAQ) or {@code q} itself (the sequential form)
     * @param q      the quantized network's values on all calibration images, by name
     * @param weights per layer, position weights of its Hessian ({@link ActivationSlopes}); empty: unweighted
     */
    static StartingRounding.Start start(Graph g, QuantPlan plan, Map<String, Encoding> enc, List<String> names,
            Map<String, NDArray> target, Map<String, NDArray> q, int n, int batch, long seed,
            StartingRounding.Start global, Map<String, float[]> weights) {
        Map<String, LayerHessians.Layer> layers = LayerHessians.layers(g, plan, names);
        if (layers.isEmpty()) {
            return global;
        }
        List<FloatTensor> batches = new ArrayList<>();
        for (int s = 0; s < n; s += batch) {
            int e = Math.min(n, s + batch);
            float[] idx = new float[e - s];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = s + i;
            }
            batches.add(new FloatTensor(new long[] {idx.length}, idx)); // a "batch" of image indices
        }
        LayerHessians.collect(LayerHessians.asymmetric(values(target), values(q)), layers, batches,
                GptqRounding.POSITIONS, seed, weights);
        StartingRounding.Start local = StartingRounding.fromGptq(g, plan, enc,
                GptqRounding.round(layers, g, plan, enc, false));
        Map<String, float[]> anchors = new LinkedHashMap<>(global.anchors());
        anchors.putAll(local.anchors());
        Map<String, float[]> constants = new LinkedHashMap<>(global.constants());
        constants.putAll(local.constants());
        return new StartingRounding.Start(anchors, constants);
    }

    /** The unit's convolutions that read a unit input (held in {@code fp}): the ones rounded here. */
    static List<String> layers(Units.Unit u, Map<String, NDArray> fp) {
        List<String> names = new ArrayList<>();
        for (String layer : u.layers()) {
            Node node = u.nodes().stream().filter(x -> x.name().equals(layer)).findFirst()
                    .orElse(null);
            if (node != null && u.inputs().contains(node.input(0)) && fp.containsKey(node.input(0))) {
                names.add(layer);
            }
        }
        return names;
    }

    /** The values of {@code env} for a "batch" of image indices (as {@link #start} makes them), as heap copies. */
    private static LayerHessians.Source values(Map<String, NDArray> env) {
        return (batch, names, sink) -> {
            int from = (int) batch.data()[0];
            int to = from + (int) batch.shape()[0];
            for (String name : names) {
                NDArray v = env.get(name);
                if (v != null) {
                    try (NDArray slice = v.get(from + ":" + to)) {
                        sink.accept(name, GraphExecutor.heapCopy(slice));
                    }
                }
            }
        };
    }
}
