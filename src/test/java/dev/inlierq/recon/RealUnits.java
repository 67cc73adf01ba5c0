package dev.inlierq.recon;

import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.quant.WeightType;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A shared model as block reconstruction sees it (W4A8, quantizers on layer inputs, blocks of at most four
 * layers: BRECQ's defaults) with calibration images from the shared COCO subset: for the window tests and the
 * step-time tool.
 */
final class RealUnits {
    final String model;
    final Graph g;
    final QuantPlan plan;
    final List<Units.Unit> units;
    final FloatTensor samples;

    private RealUnits(String model, Graph g, QuantPlan plan, FloatTensor samples) {
        this.model = model;
        this.g = g;
        this.plan = plan;
        this.units = Units.find(g, plan, Units.Kind.BLOCK, ReconstructionOptions.DEFAULT_BLOCK_SIZE);
        this.samples = samples;
    }

    /**
     * @param model  yolox, picodet or fastestdet (a built-in spec name)
     * @param file   the model file
     * @param images how many train2017 images of the subset (seed 0)
     */
    static RealUnits load(String model, Path file, Path trainImages, int images) {
        Graph g = GraphPreparer.prepare(OnnxReader.read(file));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(8)
                .placement(Placement.LAYER_INPUTS).build());
        Preprocessor pre = DetectorSpecs.builtIn(model).preprocessor();
        List<PreparedImage> prepared = new ArrayList<>();
        for (Path p : CalibrationSet.choose(trainImages, images, 0).files()) {
            prepared.add(pre.prepare(p));
        }
        return new RealUnits(model, g, plan, Preprocessor.stack(prepared));
    }

    /** Min-max activation encodings and MSE weight encodings (INT8 containers). */
    Map<String, Encoding> encodings() {
        Map<String, Encoding> enc = new LinkedHashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g)) {
            enc.putAll(Calibrator.activations(ex, plan, batches(8), RangeEstimation.MIN_MAX));
        }
        enc.putAll(Calibrator.weights(g, plan, true, WeightType.INT8));
        return enc;
    }

    /** The float network's values {@code names} on every sample (stacked along axis 0). */
    Map<String, FloatTensor> values(Set<String> names) {
        Map<String, List<FloatTensor>> parts = new HashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g)) {
            for (FloatTensor b : batches(4)) {
                ex.runObserving(b, names, (name, v) -> parts.computeIfAbsent(name, k -> new ArrayList<>()).add(v));
            }
        }
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (var e : parts.entrySet()) {
            out.put(e.getKey(), stack(e.getValue()));
        }
        return out;
    }

    /** The samples in batches of at most {@code size}. */
    List<FloatTensor> batches(int size) {
        List<FloatTensor> out = new ArrayList<>();
        long n = samples.shape()[0];
        int per = (int) (samples.data().length / n);
        for (int s = 0; s < n; s += size) {
            int e = (int) Math.min(n, s + size);
            long[] shape = samples.shape().clone();
            shape[0] = e - s;
            out.add(new FloatTensor(shape, java.util.Arrays.copyOfRange(samples.data(), s * per, e * per)));
        }
        return out;
    }

    private static FloatTensor stack(List<FloatTensor> parts) {
        long n = 0;
        int size = 0;
        for (FloatTensor p : parts) {
            n += p.shape()[0];
            size += p.data().length;
        }
        float[] all = new float[size];
        int at = 0;
        for (FloatTensor p : parts) {
            System.arraycopy(p.data(), 0, all, at, p.data().length);
            at += p.data().length;
        }
        long[] shape = parts.get(0).shape().clone();
        shape[0] = n;
        return new FloatTensor(shape, all);
    }
}
