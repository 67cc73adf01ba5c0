package dev.inlierq.rounding;

import ai.djl.ndarray.NDArray;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-position weights for GPTAQ's per-unit Hessians from the slope of the activation after each convolution
 * ({@code --hessian slopes}, {@link HessianWeighting#SLOPES}, GPTAQ's default).
 *
 * <p>GPTQ and its asymmetric form GPTAQ minimise a convolution's output error {@code sum_p |e x_p|^2}, but the
 * next layer reads {@code f(z)} for an activation {@code f}. To first order the error after it is
 * {@code sum_p sum_o f'(z_op)^2 (e_o x_p)^2}: positions where the activation is flat (a ReLU's dead side, SiLU's far
 * negative side) do not pass the error on. A Hessian per output channel would follow that exactly; GPTQ shares one
 * Hessian across the rows, so each sampled position {@code p} is weighted by the mean over output channels
 * {@code w_p = mean_o f'(z_op)^2}, with {@code z} the float network's pre-activation (the same weights enter the
 * cross sums {@code C}), also in a grouped layer, whose groups have Hessians of their own. Convolutions followed
 * by neither a ReLU nor a SiLU ({@code Sigmoid} and {@code Mul} of the same value) are left unweighted.
 */
public final class ActivationSlopes implements ValueHook {
    /** The activations whose slope is known. */
    enum Kind {
        RELU, SILU
    }

    /** A tracked convolution: its node name and the activation after it. */
    private record Tracked(String layer, Kind kind) {
    }

    /** Convolution output value to the tracked layer. */
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final Map<String, List<float[]>> parts = new LinkedHashMap<>();

    /**
     * A hook that tracks the convolutions {@code layers} (node names) among {@code nodes} whose activation (in
     * {@code g}) is known; run the float network, or a unit of it (as GPTAQ does), through it, then read
     * {@link #weights()}.
     */
    public ActivationSlopes(Graph g, Collection<Node> nodes, Collection<String> layers) {
        for (Node n : nodes) {
            if (!layers.contains(n.name())) {
                continue;
            }
            Kind k = kind(g, n.output());
            if (k != null) {
                tracked.put(n.output(), new Tracked(n.name(), k));
            }
        }
    }

    private static Kind kind(Graph g, String z) {
        List<Node> readers = g.consumers(z);
        if (readers.size() == 1 && readers.get(0).op() == OpType.Relu) {
            return Kind.RELU;
        }
        if (readers.size() == 2) {
            Node sig = readers.stream().filter(r -> r.op() == OpType.Sigmoid).findFirst().orElse(null);
            Node mul = readers.stream().filter(r -> r.op() == OpType.Mul).findFirst().orElse(null);
            if (sig != null && mul != null && mul.inputs().contains(sig.output())) {
                return Kind.SILU;
            }
        }
        return null;
    }

    @Override
    public NDArray apply(String valueName, NDArray value) {
        Tracked t = tracked.get(valueName);
        if (t != null) {
            parts.computeIfAbsent(t.layer(), k -> new ArrayList<>()).add(weights(value.toFloatArray(),
                    value.getShape().getShape(), t.kind()));
        }
        return value;
    }

    /**
     * {@code [n, h, w]} flat: the mean over all the layer's output channels of the squared slope at each position,
     * also for a grouped layer. (Each group's own channels, exact for a depthwise layer, gave 0.6 to 0.9 AP less
     * on YOLOX-Nano W4A8 over two seeds: docs/experiments.md, stop 26.)
     */
    static float[] weights(float[] z, long[] shape, Kind kind) {
        int n = (int) shape[0];
        int c = (int) shape[1];
        int hw = (int) (shape[2] * shape[3]);
        float[] w = new float[n * hw];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    double slope = slope(z[base + p], kind);
                    w[i * hw + p] += (float) (slope * slope / c);
                }
            }
        }
        return w;
    }

    private static double slope(float z, Kind kind) {
        if (kind == Kind.RELU) {
            return z > 0 ? 1 : 0;
        }
        double s = 1 / (1 + Math.exp(-z));
        return s * (1 + z * (1 - s));
    }

    /** The weights of every tracked layer over all images run so far, in order, by layer name. */
    public Map<String, float[]> weights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var e : parts.entrySet()) {
            int len = e.getValue().stream().mapToInt(a -> a.length).sum();
            float[] all = new float[len];
            int at = 0;
            for (float[] a : e.getValue()) {
                System.arraycopy(a, 0, all, at, a.length);
                at += a.length;
            }
            out.put(e.getKey(), all);
        }
        return out;
    }
}
