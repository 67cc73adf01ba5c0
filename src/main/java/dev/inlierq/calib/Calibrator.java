package dev.inlierq.calib;

import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Granularity;
import dev.inlierq.quant.Observer;
import dev.inlierq.quant.QuantSpec;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.quant.WeightEncodings;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.quant.WeightType;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Classic calibration: one float pass of the calibration images through the engine, every planned
 * activation streamed into the observer of its sharing group (statistics need not fit in memory: running
 * min/max or fixed-size histograms), then one range estimator turns each group's statistics into an
 * encoding. Weights are encoded per output channel from their values (min/max, or MSE-optimal clipping
 * for the MSE method). Follows NNCF's "declare statistics, collect once, apply" shape.
 */
public final class Calibrator {
    private Calibrator() {
    }

    /** The quantizer spec of a planned point ({@code weights}: a resolved weight type). */
    public static QuantSpec specOf(QuantPoint p, WeightType weights) {
        return specOf(p, weights, WeightGrid.SYMMETRIC);
    }

    /** As {@link #specOf(QuantPoint, WeightType)}, weights on the grid {@code grid} gives their bits. */
    public static QuantSpec specOf(QuantPoint p, WeightType weights, WeightGrid grid) {
        return switch (p.role()) {
            case WEIGHT -> weights.weightSpec(p.bits(), grid).withGranularity(
                    new Granularity.PerChannel(p.channelAxis()));
            case ACTIVATION -> QuantSpec.activation(p.bits());
            case BIAS -> throw new IllegalArgumentException("biases are encoded from their layer's scales");
        };
    }

    /** Activation encodings per planned tensor (members of a group share the group's encoding). */
    public static Map<String, Encoding> activations(GraphExecutor floatEngine, QuantPlan plan, Preprocessor pre,
            List<Path> images, int batch, RangeEstimation estimation, IntConsumer progress) {
        return activations(plan, estimation, floors(floatEngine, plan),
                (observed, sink) -> observe(floatEngine, pre, images, batch, observed, sink, progress));
    }

    /** Activation encodings from already prepared input batches (e.g. synthetic or cached data). */
    public static Map<String, Encoding> activations(GraphExecutor floatEngine, QuantPlan plan, List<FloatTensor> batches,
            RangeEstimation estimation) {
        return activations(floatEngine, plan, batches, estimation, (tensor, value, first) -> value);
    }

    /** Chooses which values of a batch of one tensor the observers see (e.g. InlierQ's inlier volumes). */
    @FunctionalInterface
    public interface Selection {
        /** @param firstSample the batch's offset in the whole input */
        FloatTensor select(String tensor, FloatTensor value, int firstSample);
    }

    /** Activation encodings from prepared input batches, observing only the values {@code selection} keeps. */
    public static Map<String, Encoding> activations(GraphExecutor floatEngine, QuantPlan plan, List<FloatTensor> batches,
            RangeEstimation estimation, Selection selection) {
        return activations(plan, estimation, floors(floatEngine, plan),
                (observed, sink) -> {
            int first = 0;
            for (FloatTensor b : batches) {
                int offset = first;
                floatEngine.runObserving(b, observed, (name, t) -> sink.accept(name, selection.select(name, t, offset)));
                first += (int) b.shape()[0];
            }
        });
    }

    private static Map<String, float[]> floors(GraphExecutor floatEngine, QuantPlan plan) {
        return SaturationFloor.of(floatEngine.graph(), plan.activations().stream().map(QuantPoint::tensor).toList());
    }

    /** A source of activation values: streams each observed value to the sink. */
    private interface Feed {
        void run(Set<String> observed, java.util.function.BiConsumer<String, FloatTensor> sink);
    }

    /**
     * The encodings from the values {@code feed} streams; a tensor with a {@link SaturationFloor} is observed
     * with its values raised to the floor.
     */
    private static Map<String, Encoding> activations(QuantPlan plan, RangeEstimation estimation,
            Map<String, float[]> floors, Feed feed) {
        Map<String, List<QuantPoint>> groups = plan.activationGroups();
        Map<String, String> groupOf = new HashMap<>();
        Map<String, Observer> observers = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            QuantSpec spec = specOf(e.getValue().get(0), WeightType.INT8);
            observers.put(e.getKey(), estimation.newObserver(spec));
            for (QuantPoint p : e.getValue()) {
                groupOf.put(p.tensor(), e.getKey());
            }
        }
        feed.run(new HashSet<>(groupOf.keySet()),
                (name, t) -> {
                    float[] v = t.requireFinite("activation '" + name + "' on a calibration image").data();
                    float[] floor = floors.get(name);
                    observers.get(groupOf.get(name)).observe(floor == null ? v
                            : SaturationFloor.apply(v, t.shape(), floor), t.shape());
                });
        Map<String, Encoding> out = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            Observer o = observers.get(e.getKey());
            Encoding enc = Encoding.fromRanges(o.spec(), o.ranges());
            for (QuantPoint p : e.getValue()) {
                out.put(p.tensor(), enc);
            }
        }
        return out;
    }

    /**
     * One float pass over images in batches: each value named in {@code observed} is handed to {@code sink}
     * as a heap tensor as soon as it is computed; {@code progress} gets the number of images done.
     */
    public static void observe(GraphExecutor floatEngine, Preprocessor pre, List<Path> images, int batch,
            Set<String> observed, java.util.function.BiConsumer<String, FloatTensor> sink, IntConsumer progress) {
        for (int start = 0; start < images.size(); start += batch) {
            int end = Math.min(images.size(), start + batch);
            List<PreparedImage> prepared = new ArrayList<>();
            for (int i = start; i < end; i++) {
                prepared.add(pre.prepare(images.get(i)));
            }
            floatEngine.runObserving(Preprocessor.stack(prepared), observed, sink);
            progress.accept(end);
        }
    }

    /** Weight encodings per planned weight tensor, on symmetric grids. */
    public static Map<String, Encoding> weights(Graph g, QuantPlan plan, boolean mse, WeightType type) {
        return weights(g, plan, mse, type, WeightGrid.SYMMETRIC);
    }

    /** Weight encodings per planned weight tensor, each on the grid {@code grid} gives its bits. */
    public static Map<String, Encoding> weights(Graph g, QuantPlan plan, boolean mse, WeightType type,
            WeightGrid grid) {
        Map<String, Encoding> out = new LinkedHashMap<>();
        for (QuantPoint p : plan.points()) {
            if (p.role() != Role.WEIGHT) {
                continue;
            }
            ConstTensor w = g.constant(p.tensor());
            QuantSpec spec = specOf(p, type, grid);
            out.put(p.tensor(), mse ? WeightEncodings.mse(w.floats(), w.shape(), spec)
                    : WeightEncodings.minMax(w.floats(), w.shape(), spec));
        }
        return out;
    }

    /**
     * The graph with every planned weight replaced by its quantized-dequantized values and every planned
     * bias by its int32 value at scale s_in * s_w: what the QDQ model computes with.
     */
    public static Graph withQuantizedWeights(Graph g, QuantPlan plan, Map<String, Encoding> enc) {
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        Map<String, String> layerInput = new HashMap<>();
        for (var n : g.nodes()) {
            layerInput.put(n.name(), n.input(0));
        }
        for (QuantPoint p : plan.points()) {
            if (p.role() == Role.WEIGHT) {
                ConstTensor w = g.constant(p.tensor());
                Encoding e = enc.get(p.tensor());
                inits.put(p.tensor(), ConstTensor.ofFloats(w.shape(), e.fakeQuantize(w.floats(), w.shape())));
            }
        }
        for (QuantPoint p : plan.points()) {
            QuantPoint w = plan.weightOf(p.layer() == null ? "" : p.layer());
            if (p.role() != Role.BIAS || w == null) {
                continue;
            }
            Encoding we = enc.get(w.tensor());
            Encoding ae = enc.get(layerInput.get(p.layer()));
            if (we == null || ae == null || ae.size() != 1) {
                continue;
            }
            float[] b = g.constant(p.tensor()).floats();
            float[] q = new float[b.length];
            for (int c = 0; c < b.length; c++) {
                float s = ae.scale(0) * we.scale(we.size() == 1 ? 0 : c);
                q[c] = s == 0f ? 0f : ((float) Math.rint((double) b[c] / s)) * s; // as DequantizeLinear computes
            }
            inits.put(p.tensor(), ConstTensor.ofFloats(new long[] {b.length}, q));
        }
        return g.withNodes(g.nodes(), inits, g.shapes());
    }
}
