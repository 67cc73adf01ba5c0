package dev.inlierq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trains the detector of {@link TrainingOptions#architecture()} on the synthetic benchmark: the graph of
 * {@link CenterNetGraph} runs through the project's {@link GraphExecutor} with its convolution parameters fed as
 * constant overrides (fresh autograd leaves each step, so gradients start empty), the {@link CenterNetLoss} (with
 * CenterNet's or TTFNet's box term, {@link LossOptions}) is differentiated by DJL's {@link GradientCollector}, and
 * {@link AdamW} updates the parameters on the {@link LearningRate} schedule. With a heading output
 * ({@link Architecture#yaw()}) the loss adds CenterPoint's heading term ({@link CenterNetLoss#withYaw}) on the
 * batches' heading targets, and with 3D outputs ({@link Architecture#box3d()}) its size and height terms
 * ({@link CenterNetLoss#withBox3d}) on their 3D box targets. Batches come from a
 * {@link BatchPipeline} working ahead on other threads; with a crop ({@link Augmentation#crop()}) the graph trains
 * on windows of that side (the same weights: every layer is convolutional) and is written at the full input side.
 * With batch normalisation, the BN scales and shifts are parameters too, and the running statistics are fed the
 * same way and replaced after each step by the values the BN nodes give (read through a {@link ValueHook}); the
 * written model has them folded in ({@link CenterNetGraph#deployed}). With an EMA decay, the written weights are
 * the {@link WeightAverage} of every step's.
 * Deterministic: the same options give the same weights on the same machine and thread count.
 */
public final class Trainer {
    /** Receives a report after every step. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param step steps done
         * @param steps steps planned
         * @param loss mean total loss of the recent steps
         * @param imagesPerSecond training images per second since the start
         */
        void step(int step, int steps, double loss, double imagesPerSecond);

        Progress NONE = (step, steps, loss, ips) -> { };
    }

    /**
     * What a run gives.
     *
     * @param graph the detector to write, with its trained weights (unprepared, ready for the ONNX writer; with
     *              BN, the BN layers folded into the convolutions)
     * @param trained the graph as trained, with its trained weights (with BN, the training-mode BN nodes and their
     *                running statistics; without, {@code graph})
     * @param log the training log
     * @param steps steps done (fewer than planned only when {@code maxSeconds} stopped the run)
     * @param seconds wall time of the training loop
     */
    public record Result(Graph graph, Graph trained, List<TrainingLog> log, int steps, double seconds) {
    }

    private Trainer() {
    }

    /** Runs the training. */
    public static Result train(TrainingOptions o, Progress progress) {
        Architecture a = o.architecture();
        TrainingScenes.Draw draw = o.scenes().draw(a.numClasses());
        Preprocessor pre = DetectorSpecText.spec(a, NmsMode.NONE).preprocessor();
        SampleSource source = new SampleSource(draw, pre, o.augmentation(), o.seed());
        try (BatchPipeline data = new BatchPipeline(source, o.batch(), a.numClasses(), o.trainingSide(),
                o.dataWorkers(), 0, o.optimisation().loss(), a.boxHead())) {
            return run(o, data::next, progress);
        }
    }

    /** Trains the seeded initial detector on the batches {@code batches} gives, one per step. */
    static Result run(TrainingOptions o, Supplier<BatchPipeline.Batch> batches, Progress progress) {
        Graph graph = CenterNetGraph.build(o.architecture(), o.seed());
        Graph training = CenterNetGraph.withInputSide(graph, o.trainingSide());
        try (GraphExecutor exec = new GraphExecutor(GraphPreparer.prepare(training));
                NDManager root = DjlRuntime.newManager();
                AdamW adam = new AdamW(root, (float) o.optimisation().weightDecay(),
                        (float) o.optimisation().clipNorm())) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (String name : CenterNetGraph.parameters(graph)) {
                NDArray p = exec.constant(name).duplicate();
                p.attach(root);
                params.put(name, p);
            }
            Map<String, NDArray> stats = new LinkedHashMap<>();
            for (String name : CenterNetGraph.runningStatistics(graph).values()) {
                NDArray s = exec.constant(name).duplicate();
                s.attach(root);
                stats.put(name, s);
            }
            Loop loop = new Loop(o, exec, adam, params, stats, progress);
            WeightAverage ema = o.optimisation().emaDecay() > 0
                    ? new WeightAverage(root, o.optimisation().emaDecay()) : null;
            long start = System.nanoTime();
            int done = 0;
            while (done < o.steps()) {
                loop.step(done, batches.get(), start);
                done++;
                if (ema != null) {
                    ema.update(params, stats);
                }
                if (o.maxSeconds() > 0 && (System.nanoTime() - start) / 1e9 >= o.maxSeconds()) {
                    break;
                }
            }
            loop.flushLog(done, start);
            Map<String, float[]> trained = new LinkedHashMap<>();
            if (ema != null) {
                trained.putAll(ema.values());
            } else {
                params.forEach((k, v) -> trained.put(k, v.toFloatArray()));
                stats.forEach((k, v) -> trained.put(k, v.toFloatArray()));
            }
            Graph result = CenterNetGraph.withWeights(graph, trained);
            return new Result(CenterNetGraph.deployed(result, o.architecture(), o.seed()), result, loop.log, done,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** The state of the optimisation loop. */
    private static final class Loop {
        private final TrainingOptions o;
        private final GraphExecutor exec;
        private final AdamW adam;
        private final Map<String, NDArray> params;
        private final Map<String, NDArray> stats;
        private final Map<String, String> statOutputs;
        private final Progress progress;
        private final List<TrainingLog> log = new ArrayList<>();
        private final double[] sums = new double[8];
        private int inSums;
        private float lastLr;
        private double lastNorm;

        Loop(TrainingOptions o, GraphExecutor exec, AdamW adam, Map<String, NDArray> params,
                Map<String, NDArray> stats, Progress progress) {
            this.o = o;
            this.exec = exec;
            this.adam = adam;
            this.params = params;
            this.stats = stats;
            this.statOutputs = CenterNetGraph.runningStatistics(exec.graph());
            this.progress = progress;
        }

        void step(int t, BatchPipeline.Batch batch, long start) {
            float lr = o.optimisation().schedule().at(t);
            try (NDManager step = params.values().iterator().next().getManager().newSubManager()) {
                Map<String, NDArray> leaves = new LinkedHashMap<>();
                Map<String, NDArray> updated = new HashMap<>();
                double[] terms;
                try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    Map<String, NDArray> ins = new HashMap<>();
                    for (var e : params.entrySet()) {
                        NDArray leaf = e.getValue().stopGradient();
                        leaf.attach(step);
                        leaf.setRequiresGradient(true);
                        leaves.put(e.getKey(), leaf);
                        ins.put(e.getKey(), leaf);
                    }
                    ins.putAll(stats);
                    NDArray x = DjlRuntime.create(step, batch.images().data(), new Shape(batch.images().shape()));
                    ins.put(CenterNetGraph.INPUT, x);
                    Map<String, NDArray> outs = exec.forward(step, ins, statisticsHook(updated));
                    CenterNetLoss.Terms l = loss(step, outs, batch);
                    terms = l.values();
                    if (!Double.isFinite(terms[0])) {
                        throw new UserError(ExitCode.RUNTIME_FAILURE, "training diverged: the loss is " + terms[0]
                                + " at step " + (t + 1) + " (lower --lr)");
                    }
                    gc.backward(l.total());
                }
                Map<String, NDArray> grads = new LinkedHashMap<>();
                for (var e : leaves.entrySet()) {
                    NDArray g = e.getValue().getGradient();
                    g.attach(step);
                    grads.put(e.getKey(), g);
                }
                lastNorm = adam.step(params, grads, lr);
                replaceStatistics(updated);
                lastLr = lr;
                for (int i = 0; i < sums.length; i++) {
                    sums[i] += terms[i];
                }
                inSums++;
            }
            if ((t + 1) % o.logEvery() == 0) {
                flushLog(t + 1, start);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double recent = log.isEmpty() ? sums[0] / Math.max(1, inSums) : log.get(log.size() - 1).loss();
            progress.step(t + 1, o.steps(), recent, (t + 1) * (double) o.batch() / seconds);
        }

        /** A hook that collects the BN nodes' running statistics, by the initializer each replaces, in {@code to}. */
        private ValueHook statisticsHook(Map<String, NDArray> to) {
            if (statOutputs.isEmpty()) {
                return ValueHook.NONE;
            }
            return (name, v) -> {
                String stat = statOutputs.get(name);
                if (stat != null) {
                    to.put(stat, v);
                }
                return v;
            };
        }

        /** Keeps the running statistics the BN nodes gave (copies out of the step's scope), closing the old ones. */
        private void replaceStatistics(Map<String, NDArray> updated) {
            if (updated.size() != stats.size()) {
                throw new IllegalStateException("the BN nodes gave " + updated.size() + " of " + stats.size()
                        + " running statistics");
            }
            for (var e : stats.entrySet()) {
                NDArray fresh = updated.get(e.getKey()).duplicate();
                fresh.attach(e.getValue().getManager());
                e.getValue().close();
                e.setValue(fresh);
            }
        }

        /** The loss {@link TrainingOptions#optimisation()} names, of one batch's outputs. */
        private CenterNetLoss.Terms loss(NDManager step, Map<String, NDArray> outs, BatchPipeline.Batch batch) {
            NDArray heat = outs.get(CenterNetGraph.HEATMAP);
            NDArray size = outs.get(CenterNetGraph.SIZE);
            NDArray offset = outs.get(CenterNetGraph.OFFSET);
            LossOptions loss = o.optimisation().loss();
            CenterNetLoss.Terms terms = loss.box() == LossOptions.Box.GIOU
                    ? CenterNetLoss.withGiou(step, heat, size, offset, batch.targets(), batch.boxes(),
                            (float) loss.boxWeight())
                    : CenterNetLoss.compute(step, heat, size, offset, batch.targets());
            if (o.architecture().yaw()) {
                terms = CenterNetLoss.withYaw(step, terms, outs.get(CenterNetGraph.YAW), batch.targets());
            }
            if (o.architecture().box3d()) {
                terms = CenterNetLoss.withBox3d(step, terms, outs.get(CenterNetGraph.DIM), outs.get(CenterNetGraph.Z),
                        batch.targets());
            }
            return terms;
        }

        void flushLog(int done, long start) {
            if (inSums == 0) {
                return;
            }
            double[] means = new double[sums.length];
            for (int i = 0; i < sums.length; i++) {
                means[i] = sums[i] / inSums;
            }
            log.add(new TrainingLog(done, TrainingLog.Losses.of(means), lastLr, lastNorm,
                    (System.nanoTime() - start) / 1e9));
            Arrays.fill(sums, 0);
            inSums = 0;
        }
    }
}
