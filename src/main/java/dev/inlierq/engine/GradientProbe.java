package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.tensor.FloatTensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Gradients of a scalar loss of the network's outputs with respect to chosen intermediate values, in one
 * float forward and backward pass: every probed value {@code v} is replaced by {@code v + p} with {@code p} a
 * zero leaf that requires a gradient, so {@code dL/dp = dL/dv} while gradients keep flowing to earlier values
 * (a detached leaf would cut them). Used for BRECQ's Fisher weights and InlierQ's volume saliency.
 */
public final class GradientProbe {
    private GradientProbe() {
    }

    /**
     * Runs one batch and hands {@code dL/dv} for each probed value to {@code sink} (the array is closed after
     * the call; copy what you keep).
     */
    public static void run(GraphExecutor executor, FloatTensor input, Set<String> probed,
            Function<Map<String, NDArray>, NDArray> loss, BiConsumer<String, NDArray> sink) {
        Map<String, java.util.List<NDArray>> probes = new HashMap<>(); // several when the graph runs sample by sample
        try (NDManager scope = DjlRuntime.newManager();
                GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray x = DjlRuntime.create(scope, input.data(), new Shape(input.shape()));
            ValueHook hook = (name, v) -> {
                if (!probed.contains(name)) {
                    return v;
                }
                NDArray p = scope.zeros(v.getShape());
                p.setRequiresGradient(true);
                probes.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(p);
                return v.add(p);
            };
            Map<String, NDArray> outs = executor.forward(scope, Map.of(executor.graph().inputs().get(0).name(), x), hook);
            NDArray l = loss.apply(outs);
            gc.backward(l);
            for (String name : probed) {
                java.util.List<NDArray> ps = probes.get(name);
                if (ps == null) {
                    throw new IllegalArgumentException("value '" + name + "' is never computed");
                }
                if (ps.size() == 1) {
                    sink.accept(name, ps.get(0).getGradient());
                } else {
                    ai.djl.ndarray.NDList grads = new ai.djl.ndarray.NDList();
                    ps.forEach(p -> grads.add(p.getGradient()));
                    try (NDArray all = ai.djl.ndarray.NDArrays.concat(grads, 0)) {
                        sink.accept(name, all);
                    }
                }
            }
        }
    }
}
