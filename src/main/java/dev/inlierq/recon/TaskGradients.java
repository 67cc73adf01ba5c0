package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.inlierq.engine.GradientProbe;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Gradients of the label-free task loss ({@link TopKHeatmapLoss}) of the float network over the calibration
 * set, from one forward and backward pass per batch ({@link GradientProbe}), in the two forms the methods read:
 * <ul>
 *   <li>raw {@code g = dL/dx} per element (BRECQ's Fisher weights, {@link FisherWeights}), kept whole;
 *   <li>volume saliency (InlierQ, docs/inlierq.md step 2): {@code s(n, v) = sum_c |dL/dx[n, c, v]|}, the L1
 *       norm over the channel axis 1 of every other position v (a pixel of a 2-D map, a voxel of a 3-D one),
 *       reduced on the fly so only {@code N x V} numbers are kept per tensor. Tensors whose axis 0 is not the
 *       batch axis (data movement such as a channel shuffle's reshape) have no volumes and get no saliency.
 * </ul>
 */
public final class TaskGradients {
    /**
     * @param raw            {@code dL/dx} for each requested tensor ({@code [N, ...]}), owned by the caller's store
     * @param saliency       per requested tensor, {@code s} flattened sample-major: index {@code n * V + v}
     * @param saliencyShapes per requested tensor, the volume shape {@code [N, spatial...]} (the tensor's shape
     *                       without axis 1)
     */
    public record Result(Map<String, NDArray> raw, Map<String, float[]> saliency, Map<String, long[]> saliencyShapes) {
    }

    private TaskGradients() {
    }

    public static Result compute(GraphExecutor floatEngine, List<FloatTensor> batches, Set<String> rawTensors,
            Set<String> saliencyTensors, TopKHeatmapLoss loss, NDManager store, IntConsumer progress) {
        Map<String, List<NDArray>> parts = new LinkedHashMap<>();
        Map<String, List<float[]>> sal = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Set<String> probed = new HashSet<>(rawTensors);
        probed.addAll(saliencyTensors);
        int done = 0;
        for (FloatTensor b : batches) {
            GradientProbe.run(floatEngine, b, probed, loss::loss, (name, g) -> {
                if (rawTensors.contains(name)) {
                    NDArray copy = g.duplicate(); // the probe's gradient dies with the pass's scope
                    copy.attach(store);
                    parts.computeIfAbsent(name, k -> new ArrayList<>()).add(copy);
                }
                long[] s = g.getShape().getShape();
                // a tensor whose axis 0 is not the batch (e.g. a channel shuffle's [2, N C / 2, H W]) has no volumes
                if (saliencyTensors.contains(name) && s.length > 0 && s[0] == b.shape()[0]) {
                    float[] v;
                    if (s.length < 2) {
                        try (NDArray a = g.abs()) {
                            v = a.toFloatArray();
                        }
                    } else {
                        try (NDArray a = g.abs(); NDArray r = a.sum(new int[] {1})) {
                            v = r.toFloatArray();
                        }
                    }
                    sal.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
                    long[] vs = volumeShape(s);
                    long[] prev = shapes.get(name);
                    vs[0] += prev == null ? 0 : prev[0];
                    shapes.put(name, vs);
                }
            });
            done += (int) b.shape()[0];
            progress.accept(done);
        }
        Map<String, NDArray> raw = concat(parts, store);
        Map<String, float[]> saliency = new LinkedHashMap<>();
        for (var e : sal.entrySet()) {
            int total = 0;
            for (float[] a : e.getValue()) {
                total += a.length;
            }
            float[] all = new float[total];
            int at = 0;
            for (float[] a : e.getValue()) {
                System.arraycopy(a, 0, all, at, a.length);
                at += a.length;
            }
            saliency.put(e.getKey(), all);
        }
        return new Result(raw, saliency, shapes);
    }

    /** Each list of per-batch arrays concatenated along axis 0 (the parts closed), owned by {@code store}. */
    static Map<String, NDArray> concat(Map<String, List<NDArray>> parts, NDManager store) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (var e : parts.entrySet()) {
            List<NDArray> l = e.getValue();
            NDArray all = l.size() == 1 ? l.get(0) : NDArrays.concat(new NDList(l), 0);
            if (l.size() > 1) {
                l.forEach(NDArray::close);
            }
            all.attach(store);
            out.put(e.getKey(), all);
        }
        return out;
    }

    /** The shape without the channel axis 1 ({@code [N]} for a rank-1 or rank-2 tensor). */
    public static long[] volumeShape(long[] shape) {
        if (shape.length <= 2) {
            return new long[] {shape[0]};
        }
        long[] v = new long[shape.length - 1];
        v[0] = shape[0];
        System.arraycopy(shape, 2, v, 1, shape.length - 2);
        return v;
    }
}
