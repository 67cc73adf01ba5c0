package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.Scalars;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Adam over one unit's rounding variables and step sizes ({@link Reconstruction}'s inner loop), one step at a
 * time. A step draws a batch of calibration samples (a seeded shuffle, epoch by epoch), feeds the unit their
 * quantized-network inputs (QDrop: mixed element-wise with the float ones), runs it with the learning
 * quantizers, and descends the reconstruction loss against the float targets plus the rounding regulariser.
 *
 * <p>With {@link Windows} (issue 12, "cheaper steps"), a step runs the unit on a crop of each sampled image
 * instead of its full maps, and the loss counts only a window of the output inside the crop's exact interior;
 * the batch is then {@link ReconstructionOptions#windowBatch()} images, one window each. Without, the step is
 * BRECQ's: whole feature maps of {@link ReconstructionOptions#batch()} images.
 *
 * <p>With {@link EarlyStopSettings#holdout()} (issue 12, "a budget that means convergence"), steps sample only
 * the images not held out, and {@link EarlyStopping} checks the unit on the held-out ones, may end it before its
 * budget and leaves it in its best checked state ({@link #earlyStop()}). The regulariser's and the rates'
 * schedules stay those of the planned steps: stopping early just ends them.
 */
final class UnitOptimiser {
    private final UnitState st;
    private final Map<String, NDArray> quantValues;
    private final Map<String, NDArray> floatValues;
    private final Map<String, NDArray> targets;
    private final ReconstructionLoss loss;
    private final ReconstructionOptions o;
    private final Windows windows;
    private final UnitState.Optimisers optimisers;
    private final Random rng;
    private final Random windowRng;
    private final int[] train;
    private final int[] heldOut;
    private final int[] order;
    private final int batch;
    private EarlyStop earlyStop;
    private int pos;
    private StepProfile profile;

    /**
     * @param quantValues the quantized network's values on all calibration samples, by name (the unit's inputs)
     * @param floatValues the float network's values, by name (QDrop's float inputs)
     * @param targets     the float network's unit outputs on all samples
     * @param windows     the unit's crops, or null for full maps
     */
    UnitOptimiser(UnitState st, Map<String, NDArray> quantValues, Map<String, NDArray> floatValues,
            Map<String, NDArray> targets, ReconstructionLoss loss, ReconstructionOptions o, int n, Windows windows) {
        this.st = st;
        this.quantValues = quantValues;
        this.floatValues = floatValues;
        this.targets = targets;
        this.loss = loss;
        this.o = o;
        this.windows = windows;
        this.optimisers = UnitState.Optimisers.of(o);
        this.rng = new Random(o.seed() * 1_000_003L + st.unit.index());
        // windows have their own generator: the images a step draws are the same with and without them
        this.windowRng = new Random((o.seed() * 1_000_003L + st.unit.index()) * 31 + 17);
        EarlyStopping.Split split = EarlyStopping.split(n, o);
        this.train = split.train();
        this.heldOut = split.heldOut();
        this.order = new int[train.length];
        this.pos = train.length;
        this.batch = Math.min(windows == null ? o.batch() : o.windowBatch(), train.length);
    }

    /** Times every following step into {@code p} (null: no timing). */
    void profile(StepProfile p) {
        this.profile = p;
    }

    /** Whether the unit has anything to learn. */
    static boolean learns(UnitState st, ReconstructionOptions o) {
        return o.iterations() > 0 && !(st.roundingVars.isEmpty() && st.scales.isEmpty());
    }

    /**
     * The {@link ReconstructionOptions#iterations()} steps, or fewer when early stopping ends the unit; returns the
     * reconstruction loss of each step run.
     */
    double[] run(java.util.function.IntConsumer progress) {
        if (!learns(st, o)) {
            return new double[0];
        }
        double[] recs = new double[o.iterations()];
        int steps = 0;
        try (EarlyStopping es = heldOut.length == 0 ? null
                : new EarlyStopping(st, quantValues, targets, loss, o, heldOut, windows)) {
            boolean stop = es != null && es.check(0);
            while (steps < o.iterations() && !stop) {
                recs[steps] = step(steps);
                steps++;
                progress.accept(steps);
                stop = es != null && es.due(steps) && es.check(steps);
            }
            if (es != null) {
                earlyStop = es.finish(steps);
            }
        }
        return steps == recs.length ? recs : java.util.Arrays.copyOf(recs, steps);
    }

    /** After {@link #run}: how early stopping went, or null without held-out images (or nothing to learn). */
    EarlyStop earlyStop() {
        return earlyStop;
    }

    /**
     * The next batch of sample indices: consecutive draws from a seeded shuffle of the images not held out,
     * reshuffled when exhausted.
     */
    private int[] nextBatch() {
        int n = order.length;
        if (pos + batch > n) {
            System.arraycopy(train, 0, order, 0, n);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            pos = 0;
        }
        int[] idx = java.util.Arrays.copyOfRange(order, pos, pos + batch);
        pos += batch;
        return idx;
    }

    /** The regulariser's exponent at iteration {@code it} (0 during warm-up: no regulariser). */
    private float beta(int it) {
        int warm = (int) (o.warmup() * o.iterations());
        if (it < warm || o.lambda() <= 0) {
            return 0;
        }
        float rel = o.iterations() - warm <= 1 ? 1f : (float) (it - warm) / (o.iterations() - warm - 1);
        return o.betaEnd() + (o.betaStart() - o.betaEnd()) * Math.max(0f, 1f - rel);
    }

    /**
     * The factor of the learning rates of step sizes (of activations and weights) and zero points at iteration
     * {@code it}: 1 throughout, or with
     * {@link Decay#COSINE} the cosine annealing BRECQ and QDrop apply to their activation
     * step sizes (Loshchilov and Hutter, ICLR 2017, without restarts): {@code (1 + cos(pi t / T)) / 2}, from 1 at
     * the first step to 0 after the last. The rounding variables keep a constant rate, as in AdaRound, whose
     * regulariser's annealed exponent hardens them instead.
     */
    private float encodingRate(int it) {
        if (o.activationDecay() == Decay.CONSTANT) {
            return 1f;
        }
        return (float) (0.5 * (1 + Math.cos(Math.PI * it / o.iterations())));
    }

    /** One optimisation step at iteration {@code it}; returns its reconstruction loss (without regulariser). */
    double step(int it) {
        int[] idx = nextBatch();
        float beta = beta(it);
        Windows.Draw draw = windows == null ? null : windows.draw(windowRng, idx);
        StepProfile p = profile != null ? profile : new StepProfile();
        p.start();
        double rec;
        try (NDManager step = st.scope.newSubManager();
                GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            st.requireGradients();
            Map<String, NDArray> ins = inputs(step, idx, draw);
            Map<String, NDArray> tgt = new HashMap<>();
            for (String v : st.unit.outputs()) {
                NDArray all = targets.get(v);
                NDArray t = draw == null ? ReconstructionLoss.rows(all, idx) : draw.output(v, all);
                t.attach(step);
                tgt.put(v, t);
            }
            p.lap(StepProfile.Phase.DATA);
            ins.putAll(st.softWeights(step));
            p.lap(StepProfile.Phase.WEIGHTS);
            GraphExecutor exec = draw == null ? st.exec : windows.executor();
            Map<String, NDArray> outs = exec.forward(step, ins, st.learningHook(o.dropProb()));
            NDArray reg = null;
            if (beta > 0 && !st.roundingVars.isEmpty()) {
                reg = st.regulariser(beta);
                reg.attach(step);
            }
            p.lap(StepProfile.Phase.FORWARD);
            NDArray total = null;
            for (String v : st.unit.outputs()) {
                NDArray e = loss.error(v, outs.get(v), tgt.get(v), idx, draw == null ? null : draw.crop(v, step));
                e.attach(step);
                total = total == null ? e : total.add(e);
            }
            rec = total.getFloat();
            if (!Double.isFinite(rec)) {
                throw new IllegalStateException(st.unit.name() + ": reconstruction loss is " + rec
                        + " at iteration " + it + " (lower --lr-round/--lr-scale)");
            }
            if (reg != null) {
                total = total.add(Scalars.mul(reg, o.lambda()));
            }
            p.lap(StepProfile.Phase.LOSS);
            gc.backward(total);
        }
        p.lap(StepProfile.Phase.BACKWARD);
        st.step(optimisers, encodingRate(it));
        p.lap(StepProfile.Phase.OPTIMIZER);
        p.stepDone();
        return rec;
    }

    /** The batch's unit inputs (cropped with windows), QDrop-mixed with the float ones, owned by {@code step}. */
    private Map<String, NDArray> inputs(NDManager step, int[] idx, Windows.Draw draw) {
        Map<String, NDArray> ins = new HashMap<>();
        for (String v : st.unit.inputs()) {
            NDArray all = quantValues.get(v);
            NDArray xq = draw == null ? ReconstructionLoss.rows(all, idx) : draw.input(v, all);
            xq.attach(step);
            if (o.dropProb() > 0 && all != floatValues.get(v)) {
                NDArray xf = draw == null ? ReconstructionLoss.rows(floatValues.get(v), idx)
                        : draw.input(v, floatValues.get(v));
                xf.attach(step);
                xq = Reconstruction.drop(xq, xf, o.dropProb());
            }
            ins.put(v, xq);
        }
        return ins;
    }
}
