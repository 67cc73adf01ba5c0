package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.quant.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Early stopping of one unit's optimisation on held-out calibration images (issue 12, "a budget that means
 * convergence"). {@link EarlyStopSettings#holdout()} images, chosen by the seed ({@link #split}), are never
 * sampled by a step. Before the first step, every {@link EarlyStopSettings#checkEvery(int)} steps and after the
 * last, the unit's deployed state (hard rounding {@code h = [V >= 0]}, the learned encodings, no drop: what
 * {@link Reconstruction} would keep) is run on the held-out images and its reconstruction loss taken. The state of
 * the check with the lowest loss is copied ({@link UnitSnapshot}) and restored when the unit ends; the unit stops
 * once {@link EarlyStopSettings#patience()} checks in a row have not lowered the loss by more than
 * {@link EarlyStopSettings#TOLERANCE} of the best so far. Checks during AdaRound's warm-up
 * ({@link ReconstructionOptions#warmup()} of the planned steps, before the rounding regulariser starts to push
 * the rounding variables to 0 or 1) are taken and may be the best, but do not count towards the patience: the
 * hard rounding often gets worse while the soft one learns freely, which says nothing about convergence. This is
 * early stopping on a validation set (Prechelt, "Early Stopping - But When?", 1998) applied per reconstruction
 * unit.
 *
 * <p>Without windows a check runs the held-out images' full maps in batches of {@link ReconstructionOptions#batch()};
 * with {@link Windows}, one window per held-out image, drawn once per unit (so every check sees the same windows),
 * in batches of {@link ReconstructionOptions#windowBatch()}. Checks draw no random numbers: the steps are the same
 * with and without them.
 */
final class EarlyStopping implements AutoCloseable {
    /** Calibration images for the steps and those held out, each in increasing order. */
    record Split(int[] train, int[] heldOut) {
    }

    /** One batch of held-out images; with windows its crops, cut once, else null maps. */
    private record Batch(int[] samples, Map<String, NDArray> inputs, Map<String, NDArray> targets,
            Map<String, ReconstructionLoss.Crop> crops) {
    }

    private final UnitState st;
    private final Map<String, NDArray> quantValues;
    private final Map<String, NDArray> targets;
    private final ReconstructionLoss loss;
    private final ReconstructionOptions o;
    private final Windows windows;
    private final NDManager keep;
    private final int heldOut;
    /** Steps of the regulariser's warm-up, whose checks do not count towards the patience. */
    private final int warmup;
    private final List<Batch> batches = new ArrayList<>();
    private final List<EarlyStop.Check> checks = new ArrayList<>();
    private UnitSnapshot best;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestStep;
    /** The loss of the last check that counted as an improvement. */
    private double mark = Double.POSITIVE_INFINITY;
    private int sinceImprovement;
    private boolean stopped;

    /**
     * @param quantValues the quantized network's values on all calibration samples (the unit's inputs)
     * @param targets     the float network's unit outputs on all samples
     * @param heldOut     the held-out samples ({@link #split})
     * @param windows     the unit's crops, or null for full maps
     */
    EarlyStopping(UnitState st, Map<String, NDArray> quantValues, Map<String, NDArray> targets,
            ReconstructionLoss loss, ReconstructionOptions o, int[] heldOut, Windows windows) {
        this.st = st;
        this.quantValues = quantValues;
        this.targets = targets;
        this.loss = loss;
        this.o = o;
        this.windows = windows;
        this.heldOut = heldOut.length;
        this.warmup = o.lambda() > 0 && !st.roundingVars.isEmpty() ? (int) (o.warmup() * o.iterations()) : 0;
        this.keep = st.scope.newSubManager();
        int size = windows == null ? o.batch() : o.windowBatch();
        Random rng = new Random((o.seed() * 1_000_003L + st.unit.index()) * 31 + 29);
        for (int s = 0; s < heldOut.length; s += size) {
            int[] idx = Arrays.copyOfRange(heldOut, s, Math.min(heldOut.length, s + size));
            batches.add(windows == null ? new Batch(idx, null, null, null) : cut(windows.draw(rng, idx), idx));
        }
    }

    /**
     * The images for the steps and the {@code o.earlyStop().holdoutFor(n)} held out, drawn by a seeded shuffle; with
     * no holdout all images train, in order.
     *
     * @throws IllegalArgumentException when the holdout leaves no image for the steps
     */
    static Split split(int n, ReconstructionOptions o) {
        int k = o.earlyStop().holdoutFor(n);
        if (k == 0) {
            return new Split(java.util.stream.IntStream.range(0, n).toArray(), new int[0]);
        }
        if (k >= n) {
            throw new IllegalArgumentException("holdout " + k + " leaves none of the " + n
                    + " calibration images for the steps");
        }
        int[] p = java.util.stream.IntStream.range(0, n).toArray();
        Random r = new Random(o.seed() * 1_000_003L - 0x486f6c644f7574L); // "HoldOut": apart from the units' seeds
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        int[] held = Arrays.copyOfRange(p, 0, k);
        int[] train = Arrays.copyOfRange(p, k, n);
        Arrays.sort(held);
        Arrays.sort(train);
        return new Split(train, held);
    }

    /** The crops of a batch's inputs and targets, kept for every check. */
    private Batch cut(Windows.Draw d, int[] idx) {
        Map<String, NDArray> ins = new HashMap<>();
        for (String v : st.unit.inputs()) {
            NDArray x = d.input(v, quantValues.get(v));
            x.attach(keep);
            ins.put(v, x);
        }
        Map<String, NDArray> tgt = new HashMap<>();
        Map<String, ReconstructionLoss.Crop> crops = new HashMap<>();
        for (String v : st.unit.outputs()) {
            NDArray t = d.output(v, targets.get(v));
            t.attach(keep);
            tgt.put(v, t);
            crops.put(v, d.crop(v, keep));
        }
        return new Batch(idx, ins, tgt, crops);
    }

    /** Whether a check falls after {@code steps} steps: every {@code checkEvery} steps, and after the last. */
    boolean due(int steps) {
        return steps % o.earlyStop().checkEvery(o.iterations()) == 0 || steps == o.iterations();
    }

    /**
     * Checks the state after {@code steps} steps on the held-out images, copies it when it is the best so far;
     * returns whether the unit should stop ({@code patience} checks without improvement).
     */
    boolean check(int steps) {
        double l = heldOutLoss();
        checks.add(new EarlyStop.Check(steps, l));
        if (l < bestLoss) {
            bestLoss = l;
            bestStep = steps;
            best = UnitSnapshot.of(st);
        }
        if (l < mark * (1 - EarlyStopSettings.TOLERANCE)) {
            mark = l;
            sinceImprovement = 0;
        } else if (steps > warmup) {
            sinceImprovement++;
        }
        stopped = sinceImprovement >= o.earlyStop().patience() && steps < o.iterations();
        return stopped;
    }

    /** After {@code steps} steps (the last one checked): back to the best checked state; the report. */
    EarlyStop finish(int steps) {
        if (best != null && bestStep != steps) {
            best.restore(st);
        }
        return new EarlyStop(steps, bestStep, stopped, checks);
    }

    /** The deployed state's loss over the held-out images (batch losses weighted by batch size). */
    private double heldOutLoss() {
        Map<String, Encoding> deployed = new HashMap<>(st.enc);
        st.commit(deployed, new HashSet<>());
        ValueHook hook = st.fixedHook(deployed);
        double total = 0;
        try (NDManager m = keep.newSubManager()) {
            Map<String, NDArray> hard = st.hardWeights(m);
            for (Batch b : batches) {
                try (NDManager scope = m.newSubManager()) {
                    total += batchLoss(scope, b, hard, hook) * b.samples().length / heldOut;
                }
            }
        }
        return total;
    }

    /** The loss of one batch, summed over the unit's outputs; arrays owned by {@code scope}. */
    private double batchLoss(NDManager scope, Batch b, Map<String, NDArray> hard, ValueHook hook) {
        Map<String, NDArray> ins = new HashMap<>(hard);
        for (String v : st.unit.inputs()) {
            NDArray x = b.inputs() != null ? b.inputs().get(v) : null;
            if (x == null) {
                x = ReconstructionLoss.rows(quantValues.get(v), b.samples());
                x.attach(scope);
            }
            ins.put(v, x);
        }
        GraphExecutor exec = windows == null ? st.exec : windows.executor();
        Map<String, NDArray> outs = exec.forward(scope, ins, hook);
        double total = 0;
        for (String v : st.unit.outputs()) {
            NDArray t = b.targets() != null ? b.targets().get(v) : null;
            if (t == null) {
                t = ReconstructionLoss.rows(targets.get(v), b.samples());
                t.attach(scope);
            }
            NDArray e = loss.error(v, outs.get(v), t, b.samples(), b.crops() == null ? null : b.crops().get(v));
            e.attach(scope);
            total += e.getFloat();
        }
        return total;
    }

    @Override
    public void close() {
        keep.close();
    }
}
