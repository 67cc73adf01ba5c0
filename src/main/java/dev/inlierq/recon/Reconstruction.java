package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.FakeQuant;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.rounding.ActivationSlopes;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Block (or layer) reconstruction, the recipe shared by AdaRound, BRECQ, QDrop and InlierQ.
 *
 * <p>For each {@link Units.Unit} in topological order: take its float inputs and outputs on the calibration
 * set (the float network, run unit by unit) and its inputs from the already-quantized network (BRECQ,
 * "asymmetric" reconstruction); swap in quantizers; minimise {@link ReconstructionLoss} between the quantized
 * unit's outputs and the float outputs with Adam; harden the rounding; run the hardened unit to produce the
 * quantized network's values for the next units; release what no later unit reads.
 *
 * <p>Quantizers inside a unit:
 * <ul>
 *   <li>weights, AdaRound (Nagel et al., "Up or Down? Adaptive Rounding for Post-Training Quantization",
 *       ICML 2020): {@code W_q = s (clamp(floor(W/s) + h(V) + z, qmin, qmax) - z)} with the rectified sigmoid
 *       {@code h(V) = clamp(sigmoid(V)(zeta - gamma) + gamma, 0, 1)}, zeta = 1.1, gamma = -0.1, V initialised
 *       so that h = frac(W/s); the regulariser {@code lambda sum(1 - |2h - 1|^beta)} with beta annealed
 *       linearly from {@code betaStart} to {@code betaEnd} after a warm-up fraction of the iterations (no
 *       regulariser during warm-up); hardened to {@code h = [V >= 0]}. The per-channel weight scales stay
 *       fixed (initialised by the caller, MSE in BRECQ and QDrop). A weight shared by layers of several
 *       units is rounded once, in the first of them, and used as rounded there by the later ones;
 *   <li>activations: the step size is learned (LSQ, Esser et al., ICLR 2020, as QDrop and BRECQ do), starting
 *       from the caller's encodings, as its logarithm (so the learning rate is relative to the scale, within
 *       a factor of 100 of the start); zero points stay fixed. A sharing group (Concat inputs and output) is
 *       learned in the first unit that produces one of its members and fixed afterwards;
 *   <li>QDrop (Wei et al., "QDrop: Randomly Dropping Quantization for Extremely Low-bit Post-Training
 *       Quantization", ICLR 2022): with {@code dropProb > 0}, every activation quantizer of the unit and the
 *       unit's inputs take, element by element, the float value with probability {@code dropProb} and the
 *       quantized one otherwise, during optimisation only.
 * </ul>
 * Defaults follow the papers where the budget allows (lambda 0.01, beta 20 to 2, warm-up 0.2, Adam, drop
 * probability 0.5); the papers run 20,000 iterations at batch 32 on a GPU with learning rates 1e-3 (V) and
 * 4e-5 (step sizes, absolute), this CPU tool defaults to 50 steps of 8 images with a ten times higher rate
 * for V and a relative rate of 1e-2 for step sizes ({@link ReconstructionOptions#DEFAULT_LR_ROUNDING},
 * {@link ReconstructionOptions#DEFAULT_LR_SCALE}).
 *
 * <p>With {@link ReconstructionOptions#window()}, a step runs the unit on crops instead of whole feature maps:
 * each sampled image contributes a random window of the unit's output, the unit sees the crop of its inputs
 * that the window needs (its receptive-field halo) and the loss counts only the window, inside the crop's
 * exact interior, against the same crop of the targets and weights ({@link Windows}, issue 12 "cheaper
 * steps"). Units that cannot be cropped, or are too small to gain, keep full maps ({@link UnitReport#window()}).
 *
 * <p>A unit keeps what it learned only if that does not raise its loss over all calibration samples (hard
 * rounding, no drop) above the loss of its initial state; otherwise it goes back to nearest rounding and its
 * initial step sizes ({@link UnitCheck}, {@link Result#keptInitialUnits()}).
 *
 * <p>With {@link EarlyStopSettings#holdout()}, some calibration images are never sampled by the steps; each
 * unit is checked on them as deployed, stops when its held-out loss no longer improves and keeps its best checked
 * state ({@link EarlyStopping}, issue 12 "a budget that means convergence").
 *
 * <p>With {@link ReconstructionOptions.Start#GPTAQ} each unit's start is GPTQ again on the quantized network's
 * inputs towards the float outputs ({@link SequentialGptq}), its Hessians weighted by the activation slopes that the
 * unit's float run gives ({@link ReconstructionOptions#hessianSlopes()}); with {@link ReconstructionOptions#biasCorrection()}
 * each kept unit's biases cancel its mean output error ({@link OutputBias}).
 *
 * <p>Deterministic for a seed: batch sampling and windows use seeded {@link Random}s, the drop masks libtorch's
 * seeded generator.
 */
public final class Reconstruction {
    static final float ZETA = 1.1f;
    static final float GAMMA = -0.1f;

    private Reconstruction() {
    }

    /**
     * Per-unit record for reports: mean reconstruction loss (without the regulariser) over the first and the
     * last tenth of the steps, fraction of weights rounded away from nearest, time, and with
     * {@link ReconstructionOptions#window()} the unit's crops or why it kept full maps ({@link Windows}; null
     * without windows). {@code iterations} is the planned budget; with {@link EarlyStopSettings#holdout()}
     * {@code earlyStop} says how many steps ran and which checked state the unit kept (null without held-out
     * images, or when the unit had nothing to learn); the loss curve covers the steps run.
     */
    public record UnitReport(String name, List<String> layers, int iterations, LossCurve losses,
            double flippedFraction, double seconds, UnitCheck check, String window, EarlyStop earlyStop) {
        /** Mean reconstruction loss over the first tenth of the steps. */
        public double firstLoss() {
            return losses.first();
        }

        /** Mean reconstruction loss over the last tenth of the steps. */
        public double lastLoss() {
            return losses.last();
        }
    }

    /**
     * The unit's reconstruction loss over all its calibration samples, with the quantizers as deployed (hard
     * rounding, no drop): before optimisation, with the learned state, and with the state kept (the lowest of
     * the candidates {@link Kept} names). With {@link ReconstructionOptions#biasCorrection()}: the loss with the
     * corrected biases ({@link OutputBias}; NaN when not tried) and whether the unit keeps them (then
     * {@code lossAfter} is that loss).
     */
    public record UnitCheck(double lossBefore, double lossLearned, double lossAfter, Kept kept,
            double lossBiasCorrected, boolean biasCorrected) {
        /** Without bias correction. */
        public UnitCheck(double lossBefore, double lossLearned, double lossAfter, Kept kept) {
            this(lossBefore, lossLearned, lossAfter, kept, Double.NaN, false);
        }

        /** With the loss of the corrected biases; {@code kept}: whether the unit keeps them. */
        UnitCheck withBias(double loss, boolean kept) {
            return new UnitCheck(lossBefore, lossLearned, kept ? loss : lossAfter, this.kept, loss, kept);
        }

        /** Whether the unit went back to its starting rounding and initial step sizes. */
        public boolean keptInitial() {
            return kept == Kept.INITIAL;
        }
    }

    /** Which state a unit keeps after optimisation: the one with the lowest loss over all its samples. */
    public enum Kept {
        /** The learned rounding and encodings. */
        LEARNED,
        /** The starting rounding with the learned step sizes and zero points (the rounding alone made it worse). */
        LEARNED_ENCODINGS,
        /** The starting rounding and the initial encodings. */
        INITIAL;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param graph     the input graph with every reconstructed weight replaced by its learned grid values
     *                  (exactly representable: the QDQ writer recovers the learned integers)
     * @param encodings the caller's encodings with learned activation step sizes
     */
    public record Result(Graph graph, Map<String, Encoding> encodings, List<UnitReport> units) {
        /** Units whose optimisation made them worse, so they kept their initial rounding and step sizes. */
        public int keptInitialUnits() {
            return (int) units.stream().filter(u -> u.check().keptInitial()).count();
        }
    }

    /** Receives (unit index, unit count, iteration) while reconstructing. */
    public interface Progress {
        void update(int unit, int units, int iteration);
    }

    /**
     * Reconstructs every unit of {@code units} on the calibration samples {@code samples} (one tensor, all
     * images stacked: {@code [N, C, H, W]}).
     *
     * @param encodings initial encodings of every planned weight and activation
     */
    public static Result run(Graph g, QuantPlan plan, Map<String, Encoding> encodings, List<Units.Unit> units,
            FloatTensor samples, ReconstructionLoss loss, ReconstructionOptions o, Progress progress) {
        return run(g, plan, encodings, units, samples, loss, o, StartingRounding.Start.NEAREST, progress);
    }

    /**
     * As {@link #run(Graph, QuantPlan, Map, List, FloatTensor, ReconstructionLoss, ReconstructionOptions,
     * Progress)}, with the rounding starting from another method's ({@link StartingRounding}); {@code g} keeps
     * the float weights and biases, whose outputs are the targets.
     */
    public static Result run(Graph g, QuantPlan plan, Map<String, Encoding> encodings, List<Units.Unit> units,
            FloatTensor samples, ReconstructionLoss loss, ReconstructionOptions o, StartingRounding.Start start,
            Progress progress) {
        Map<String, Encoding> enc = new LinkedHashMap<>(encodings);
        Map<String, ConstTensor> newWeights = new LinkedHashMap<>();
        List<UnitReport> reports = new ArrayList<>();
        Map<String, String> groupOf = new HashMap<>();
        plan.activationGroups().forEach((group, points) -> points.forEach(p -> groupOf.put(p.tensor(), group)));
        Map<String, QuantPoint> weightOfLayer = new HashMap<>();
        for (String layer : plan.layers()) {
            QuantPoint p = plan.weightOf(layer);
            if (p != null) {
                weightOfLayer.put(layer, p);
            }
        }
        Map<String, Integer> lastReader = new HashMap<>();
        for (Units.Unit u : units) {
            u.inputs().forEach(v -> lastReader.put(v, u.index()));
        }
        Set<String> learnedGroups = new HashSet<>();
        EarlyStopping.split((int) samples.shape()[0], o); // a holdout that leaves no image fails before any work
        DjlRuntime.engine().setRandomSeed((int) o.seed());
        try (NDManager store = DjlRuntime.newManager()) {
            Env env = new Env();
            NDArray x = DjlRuntime.create(store, samples.data(), new ai.djl.ndarray.types.Shape(samples.shape()));
            String in = g.inputs().get(0).name();
            // the network input is quantized once with its calibrated encoding (not learned)
            Encoding inputEnc = groupOf.containsKey(in) ? enc.get(in) : null;
            env.put(in, x, inputEnc == null ? x : FakeQuant.fakeQuant(x, inputEnc));
            if (inputEnc != null) {
                learnedGroups.add(groupOf.get(in));
            }
            int n = (int) samples.shape()[0];
            for (Units.Unit u : units) {
                long t0 = System.nanoTime();
                Graph sub = Units.subgraph(g, u);
                Windows.Choice windows = Windows.choose(g, u, o);
                try (GraphExecutor exec = new GraphExecutor(sub); NDManager unitScope = store.newSubManager();
                        Windows win = windows.windows()) {
                    boolean perUnit = o.start().perUnit();
                    List<String> rounded = perUnit ? SequentialGptq.layers(u, env.fp) : List.of();
                    ActivationSlopes slopes = perUnit && o.hessianSlopes() ? new ActivationSlopes(g, u.nodes(), rounded)
                            : null;
                    // float targets of this unit (and, with slopes, the activations' slopes on the way)
                    Map<String, NDArray> targets = runAll(exec, env.fp, u, n, o.batch(),
                            slopes == null ? ValueHook.NONE : slopes, Map.of(), store);
                    StartingRounding.Start unitStart = !perUnit ? start : SequentialGptq.start(g, plan, enc, rounded,
                            o.start() == ReconstructionOptions.Start.GPTAQ ? env.fp : env.q, env.q, n, o.batch(),
                            o.seed(), start, slopes == null ? Map.of() : slopes.weights());
                    UnitState st = new UnitState(u, exec, unitScope, enc, weightOfLayer, groupOf, learnedGroups,
                            newWeights, unitStart, o);
                    Outcome r = learnOrKeep(st, env, targets, loss, o, n, win, store, (i, it) -> progress.update(i,
                            units.size(), it));
                    double flipped = st.flippedFraction();
                    st.commit(enc, learnedGroups);
                    if (o.biasCorrection()) {
                        r = correctBiases(g, st, env, targets, loss, r, o, n, store);
                    }
                    Map<String, NDArray> hard = r.hard();
                    Map<String, NDArray> quantOut = r.outputs();
                    for (var e : hard.entrySet()) {
                        ConstTensor w = g.constant(e.getKey());
                        newWeights.put(e.getKey(), ConstTensor.ofFloats(w.shape(), e.getValue().toFloatArray()));
                    }
                    for (String v : u.outputs()) {
                        env.put(v, targets.get(v), quantOut.get(v));
                    }
                    reports.add(new UnitReport(u.name(), u.layers(), o.iterations(), r.losses(),
                            flipped, (System.nanoTime() - t0) / 1e9, r.check(), windows.description(), r.stop()));
                }
                for (String v : u.outputs()) {
                    loss.release(v);
                }
                env.releaseAfter(u.index(), lastReader);
            }
        }
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        inits.putAll(newWeights);
        return new Result(g.withNodes(g.nodes(), inits, g.shapes()), enc, reports);
    }

    /** Float and quantized values of the network on the calibration set, keyed by value name. */
    private static final class Env {
        final Map<String, NDArray> fp = new HashMap<>();
        final Map<String, NDArray> q = new HashMap<>();

        void put(String name, NDArray floatValue, NDArray quantValue) {
            fp.put(name, floatValue);
            q.put(name, quantValue);
        }

        /** Closes every value no unit after {@code unit} reads. */
        void releaseAfter(int unit, Map<String, Integer> lastReader) {
            for (String name : new ArrayList<>(fp.keySet())) {
                if (lastReader.getOrDefault(name, -1) <= unit) {
                    NDArray f = fp.remove(name);
                    NDArray qv = q.remove(name);
                    if (qv != null && qv != f) {
                        qv.close();
                    }
                    f.close();
                }
            }
        }
    }

    /** Runs the unit on all samples in batches without gradients; outputs concatenated, owned by store. */
    private static Map<String, NDArray> runAll(GraphExecutor exec, Map<String, NDArray> env, Units.Unit u, int n,
            int batch, ValueHook hook, Map<String, NDArray> overrides, NDManager store) {
        Map<String, List<NDArray>> parts = new LinkedHashMap<>();
        for (int s = 0; s < n; s += batch) {
            int e = Math.min(n, s + batch);
            try (NDManager scope = store.newSubManager()) {
                Map<String, NDArray> ins = new HashMap<>(overrides);
                for (String v : u.inputs()) {
                    ins.put(v, env.get(v).get(s + ":" + e));
                }
                Map<String, NDArray> outs = exec.forward(scope, ins, hook);
                for (String v : u.outputs()) {
                    NDArray o = outs.get(v);
                    o.attach(store);
                    parts.computeIfAbsent(v, k -> new ArrayList<>()).add(o);
                }
                for (String v : u.inputs()) {
                    ins.get(v).close();
                }
            }
        }
        return TaskGradients.concat(parts, store);
    }

    /**
     * A unit's quantized outputs and hardened weights as kept, the optimisation's losses, the check and its early
     * stopping (null without).
     */
    private record Outcome(Map<String, NDArray> outputs, Map<String, NDArray> hard, LossCurve losses, UnitCheck check,
            EarlyStop stop) {
    }

    /**
     * Optimises the unit, then keeps the state with the lowest loss over all calibration samples among the
     * learned one, the starting rounding with the learned encodings (when the unit learns encodings) and the
     * initial one ({@link Kept}). The outputs are the kept state's, for the next units.
     */
    private static Outcome learnOrKeep(UnitState st, Env env, Map<String, NDArray> targets, ReconstructionLoss loss,
            ReconstructionOptions o, int n, Windows windows, NDManager store,
            java.util.function.ObjIntConsumer<Integer> progress) {
        Units.Unit u = st.unit;
        boolean learns = UnitOptimiser.learns(st, o);
        Map<String, NDArray> initialHard = st.hardWeights();
        Map<String, NDArray> before = null;
        double lossBefore = Double.NaN;
        if (learns) {
            before = runAll(st.exec, env.q, u, n, o.batch(), st.fixedHook(st.enc), initialHard, store);
            lossBefore = unitLoss(loss, u, before, targets, n, o.batch(), store);
        }
        UnitOptimiser opt = new UnitOptimiser(st, env.q, env.fp, targets, loss, o, n, windows);
        LossCurve losses = LossCurve.of(opt.run(it -> progress.accept(u.index(), it)));
        EarlyStop stop = opt.earlyStop();
        Map<String, Encoding> learned = new HashMap<>(st.enc);
        st.commit(learned, new HashSet<>());
        Map<String, NDArray> hard = st.hardWeights();
        Map<String, NDArray> after = runAll(st.exec, env.q, u, n, o.batch(), st.fixedHook(learned), hard, store);
        double lossAfter = unitLoss(loss, u, after, targets, n, o.batch(), store);
        if (!learns) {
            return new Outcome(after, hard, losses, new UnitCheck(lossAfter, lossAfter, lossAfter, Kept.LEARNED), stop);
        }
        if (lossAfter <= lossBefore) {
            before.values().forEach(NDArray::close);
            return new Outcome(after, hard, losses, new UnitCheck(lossBefore, lossAfter, lossAfter, Kept.LEARNED),
                    stop);
        }
        after.values().forEach(NDArray::close);
        if (!st.roundingVars.isEmpty() && st.learnsEncodings()) {
            Map<String, NDArray> mixed = runAll(st.exec, env.q, u, n, o.batch(), st.fixedHook(learned), initialHard,
                    store);
            double lossMixed = unitLoss(loss, u, mixed, targets, n, o.batch(), store);
            if (lossMixed < lossBefore) {
                st.restoreRounding();
                before.values().forEach(NDArray::close);
                return new Outcome(mixed, initialHard, losses,
                        new UnitCheck(lossBefore, lossAfter, lossMixed, Kept.LEARNED_ENCODINGS), stop);
            }
            mixed.values().forEach(NDArray::close);
        }
        st.restoreInitial();
        return new Outcome(before, initialHard, losses,
                new UnitCheck(lossBefore, lossAfter, lossBefore, Kept.INITIAL), stop);
    }

    /**
     * {@link OutputBias}: the unit's biases corrected for the mean output error its kept state leaves on the
     * quantized network's inputs, kept if the unit's loss over all samples does not rise; the check records the
     * corrected loss either way.
     */
    private static Outcome correctBiases(Graph g, UnitState st, Env env, Map<String, NDArray> targets,
            ReconstructionLoss loss, Outcome r, ReconstructionOptions o, int n, NDManager store) {
        List<OutputBias.Target> t = OutputBias.targets(g, st.unit);
        if (t.isEmpty()) {
            return r;
        }
        ValueHook deployed = st.fixedHook(st.enc);
        Map<String, NDArray> corrected = OutputBias.correct(st.exec, st.unit, t, env.fp, env.q, r.hard(), deployed,
                n, o.batch(), st.scope);
        Map<String, NDArray> outs = runAll(st.exec, env.q, st.unit, n, o.batch(), deployed, corrected, store);
        double lossCorrected = unitLoss(loss, st.unit, outs, targets, n, o.batch(), store);
        boolean better = lossCorrected <= r.check().lossAfter();
        UnitCheck check = r.check().withBias(lossCorrected, better);
        if (!better) {
            outs.values().forEach(NDArray::close);
            return new Outcome(r.outputs(), r.hard(), r.losses(), check, r.stop());
        }
        r.outputs().values().forEach(NDArray::close);
        return new Outcome(outs, corrected, r.losses(), check, r.stop());
    }

    /** The unit's loss over all samples: batch losses weighted by batch size. */
    private static double unitLoss(ReconstructionLoss loss, Units.Unit u, Map<String, NDArray> outputs,
            Map<String, NDArray> targets, int n, int batch, NDManager store) {
        double total = 0;
        for (int s = 0; s < n; s += batch) {
            int e = Math.min(n, s + batch);
            int[] idx = java.util.stream.IntStream.range(s, e).toArray();
            try (NDManager scope = store.newSubManager()) {
                for (String v : u.outputs()) {
                    NDArray p = ReconstructionLoss.rows(outputs.get(v), idx);
                    NDArray t = ReconstructionLoss.rows(targets.get(v), idx);
                    p.attach(scope);
                    t.attach(scope);
                    NDArray err = loss.error(v, p, t, idx);
                    err.attach(scope);
                    total += err.getFloat() * (e - s) / n;
                }
            }
        }
        return total;
    }

    /** QDrop: the float value with probability p, the quantized one otherwise (element-wise). */
    static NDArray drop(NDArray quantized, NDArray floatValue, float p) {
        try (NDArray u = quantized.getManager().randomUniform(0f, 1f, quantized.getShape());
                NDArray keepFloat = u.lt(p)) {
            return NDArrays.where(keepFloat, floatValue, quantized);
        }
    }

}
