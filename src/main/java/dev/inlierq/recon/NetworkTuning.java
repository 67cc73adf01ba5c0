package dev.inlierq.recon;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.tensor.FloatTensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end tuning of the step sizes after reconstruction or GPTQ (experiment switch
 * {@code -Dinlierq.tune.iters=N}): the whole quantized core is one unit whose integer weight codes stay fixed, and
 * only the step sizes are learned, the activations' (LSQ) and the weights' per channel ({@link WeightScales}),
 * against the float network's outputs over the calibration images.
 *
 * <p>This is the second phase of EfficientQAT (Chen et al., "EfficientQAT: Efficient Quantization-Aware Training
 * for Large Language Models", 2024, its "E2E-QP" phase: after block-wise training, the quantization parameters
 * alone are trained end to end with the integer weights frozen), here on the 64 calibration images and with the
 * reconstruction loss: {@code min over s of || f(x) - f_q(x; W_int, s) ||^2}, {@code W_int} the codes the units
 * chose and {@code s} every step size. Block-wise reconstruction fits each unit to the float network's output
 * given its own (already quantized) inputs; errors that the later layers amplify or cancel are invisible there.
 * The end-to-end pass sees them, and it learns one step size per weight channel and per activation instead of
 * every weight's rounding, few enough parameters for 64 images.
 *
 * <p>The codes are pinned by taking each weight's rounding around an anchor a hundredth of a step from its code
 * ({@link StartingRounding#anchor(float[], float[], float[], long[], Encoding, float)}) with no rounding rate,
 * so every step computes with the deployed codes ({@link UnitState}: with a rate of 0 the rounding is fixed). As
 * for every unit, the tuned state is kept only when it lowers the loss over all calibration images
 * ({@link Reconstruction}).
 */
public final class NetworkTuning {
    /**
     * Distance of each pinned anchor from its code, in steps: the anchor's hard rounding is the code, which every
     * step computes with (a rounding rate of 0 fixes the rounding, {@link UnitState}).
     */
    private static final float PIN = StartingRounding.MARGIN;

    /**
     * The tuning's settings.
     *
     * @param iterations Adam steps (0: off)
     * @param batch      calibration images per step
     * @param lr         Adam learning rate of the activations' log step sizes
     * @param fisher     whether the loss weights the outputs' errors by Fisher weights (else plain MSE)
     * @param lrWeights  Adam learning rate of the weights' log step sizes (0: the weights' steps stay)
     */
    public record Settings(int iterations, int batch, float lr, boolean fisher, float lrWeights) {
        /**
         * From the experiment switches {@code inlierq.tune.iters} (0), {@code .batch} (4), {@code .lr} (1e-3),
         * {@code .lr.weights} ({@code .lr}'s value) and {@code .loss} ({@code mse}, or {@code fisher}: BRECQ's
         * Fisher weights of the top-K heatmap loss on the network's outputs, {@link FisherWeights}).
         */
        public static Settings fromProperties() {
            String lr = System.getProperty("inlierq.tune.lr", "1e-3");
            return new Settings(Integer.getInteger("inlierq.tune.iters", 0),
                    Integer.getInteger("inlierq.tune.batch", 4), Float.parseFloat(lr),
                    "fisher".equals(System.getProperty("inlierq.tune.loss", "mse")),
                    Float.parseFloat(System.getProperty("inlierq.tune.lr.weights", lr)));
        }

        public boolean on() {
            return iterations > 0;
        }
    }

    private NetworkTuning() {
    }

    /** The one unit of the tuning: the whole quantized core. */
    public static List<Units.Unit> units(Graph floatGraph, QuantPlan plan) {
        return Units.find(floatGraph, plan, Units.Kind.BLOCK, wholeCore(plan));
    }

    /** A block size no cut can beat: every planned weight's layer in one block. */
    private static int wholeCore(QuantPlan plan) {
        return Math.max(1, plan.weights().size());
    }

    /**
     * Tunes the step sizes of the reconstructed network.
     *
     * @param floatGraph the float graph reconstruction started from (its outputs are the targets)
     * @param rounded    reconstruction's graph: the quantized weights and the corrected biases
     * @param enc        reconstruction's encodings
     * @param units      {@link #units}
     * @param samples    the calibration images, stacked
     */
    public static Reconstruction.Result tune(Graph floatGraph, Graph rounded, QuantPlan plan, Map<String, Encoding> enc,
            List<Units.Unit> units, FloatTensor samples, ReconstructionLoss loss, Settings s, long seed,
            Reconstruction.Progress progress) {
        ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.BLOCK).blockSize(wholeCore(plan))
                .iterations(s.iterations()).batch(s.batch())
                .lrRounding(0).lambda(0).lrScale(s.lr()).lrWeightScale(s.lrWeights()).seed(seed).build();
        StartingRounding.Start start = pinned(floatGraph, rounded, plan, enc);
        return Reconstruction.run(floatGraph, plan, enc, units, samples, loss, o, start, progress);
    }

    /** The start that pins every weight to its code in {@code rounded} and keeps its changed constants. */
    static StartingRounding.Start pinned(Graph floatGraph, Graph rounded, QuantPlan plan, Map<String, Encoding> enc) {
        Map<String, float[]> anchors = new LinkedHashMap<>();
        for (QuantPoint p : plan.weights()) {
            if (anchors.containsKey(p.tensor()) || !rounded.isConstant(p.tensor())) {
                continue;
            }
            ConstTensor w = floatGraph.constant(p.tensor());
            float[] q = rounded.constant(p.tensor()).floats();
            anchors.put(p.tensor(), StartingRounding.anchor(w.floats(), q, q, w.shape(), enc.get(p.tensor()), PIN));
        }
        Map<String, float[]> constants = new LinkedHashMap<>();
        for (var e : rounded.initializers().entrySet()) {
            ConstTensor before = floatGraph.initializers().get(e.getKey());
            if (!anchors.containsKey(e.getKey()) && before != null && before.isFloating() && e.getValue().isFloating()
                    && !Arrays.equals(before.floats(), e.getValue().floats())) {
                constants.put(e.getKey(), e.getValue().floats());
            }
        }
        return new StartingRounding.Start(anchors, constants);
    }
}
