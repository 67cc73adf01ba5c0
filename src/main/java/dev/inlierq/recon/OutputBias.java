package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sequential empirical bias correction of a reconstructed unit ({@link ReconstructionOptions#biasCorrection()}).
 *
 * <p>Rounding and clipping shift the mean of a layer's output; so does every quantized layer upstream, whose
 * error reaches this one through its input. Nagel et al. ("Data-Free Quantization Through Weight Equalization and
 * Bias Correction", ICCV 2019, Sec. 4.2) remove the shift a layer's own rounding causes, {@code (W - Q) E[x]};
 * their empirical form, and AIMET's, measures it instead on data. Here it is measured on the network as it will
 * be deployed: for each convolution of the unit whose bias it alone reads, in topological order,
 *
 * <pre>    b_c  &lt;-  b_c + E[y_c(float network)] - E[y_c(quantized network)]</pre>
 *
 * with {@code y} the convolution's output (before its activation and its own quantizer), {@code E} the mean over
 * the calibration images and output positions, the quantized run fed by the already-quantized network's values
 * (the inputs reconstruction itself uses) with the unit's kept rounding, step sizes and the corrections of the
 * layers before it. For a fixed rounding this is the bias of least squared output error: the error's mean per
 * channel becomes zero on the calibration set, its variance is unchanged. Because the unit's inputs carry the
 * upstream error, the correction also cancels the drift of the mean that accumulates through the network,
 * which the local form cannot see. {@link Reconstruction} keeps the corrected biases only when they do not raise
 * the unit's reconstruction loss over all calibration samples.
 */
final class OutputBias {
    private OutputBias() {
    }

    /** A convolution of the unit whose bias bias correction may change, and the value it writes. */
    record Target(String bias, String output) {
    }

    /** The unit's convolutions with a bias only they read, in the unit's order. */
    static List<Target> targets(Graph g, Units.Unit u) {
        List<Target> t = new ArrayList<>();
        for (Node n : u.nodes()) {
            if (n.op() == OpType.Conv && u.layers().contains(n.name())) {
                String bias = g.ownBias(n);
                if (bias != null) {
                    t.add(new Target(bias, n.output()));
                }
            }
        }
        return t;
    }

    /**
     * The unit's deployed constants with every target's bias corrected, one target after another (each quantized
     * pass sees the corrections before it); {@code deployed} is left as it was. New biases are owned by
     * {@code owner}.
     *
     * @param fp       the float network's values on all calibration samples, by name
     * @param q        the quantized network's values on all calibration samples, by name
     * @param deployed the unit's hardened weights and fixed constants (overrides of the unit's float constants)
     * @param quantize the deployed activation quantizers of the unit
     */
    static Map<String, NDArray> correct(GraphExecutor exec, Units.Unit u, List<Target> targets,
            Map<String, NDArray> fp, Map<String, NDArray> q, Map<String, NDArray> deployed, ValueHook quantize,
            int n, int batch, NDManager owner) {
        Set<String> outputs = new java.util.HashSet<>();
        targets.forEach(t -> outputs.add(t.output()));
        Map<String, double[]> floatMeans = channelMeans(exec, u, fp, Map.of(), ValueHook.NONE, outputs, n, batch);
        Map<String, NDArray> current = new LinkedHashMap<>(deployed);
        for (Target t : targets) {
            double[] quantMeans = channelMeans(exec, u, q, current, quantize, Set.of(t.output()), n, batch)
                    .get(t.output());
            double[] floatMean = floatMeans.get(t.output());
            NDArray old = current.containsKey(t.bias()) ? current.get(t.bias()) : exec.constant(t.bias());
            float[] b = old.toFloatArray();
            for (int c = 0; c < b.length; c++) {
                b[c] = (float) (b[c] + floatMean[c] - quantMeans[c]);
            }
            current.put(t.bias(), DjlRuntime.create(owner, b, old.getShape()));
        }
        return current;
    }

    /**
     * The mean per channel (axis 1) of each value in {@code names} over all samples and positions, running the
     * unit on {@code env}'s values with {@code overrides} and {@code hook}; the values are observed before the
     * hook changes them.
     */
    static Map<String, double[]> channelMeans(GraphExecutor exec, Units.Unit u, Map<String, NDArray> env,
            Map<String, NDArray> overrides, ValueHook hook, Set<String> names, int n, int batch) {
        Map<String, double[]> sums = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        ValueHook observing = (name, v) -> {
            if (names.contains(name)) {
                int[] axes = new int[v.getShape().dimension() - 1];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i == 0 ? 0 : i + 1;
                }
                try (NDArray s = v.sum(axes)) {
                    float[] f = s.toFloatArray();
                    double[] acc = sums.computeIfAbsent(name, k -> new double[f.length]);
                    for (int c = 0; c < f.length; c++) {
                        acc[c] += f[c];
                    }
                }
                counts.merge(name, v.size() / v.getShape().get(1), Long::sum);
            }
            return hook.apply(name, v);
        };
        for (int s = 0; s < n; s += batch) {
            int e = Math.min(n, s + batch);
            try (NDManager scope = DjlRuntime.newManager()) {
                Map<String, NDArray> ins = new HashMap<>(overrides);
                for (String v : u.inputs()) {
                    NDArray slice = env.get(v).get(s + ":" + e);
                    slice.attach(scope);
                    ins.put(v, slice);
                }
                exec.forward(scope, ins, observing);
            }
        }
        Map<String, double[]> means = new HashMap<>();
        sums.forEach((name, acc) -> {
            double[] m = new double[acc.length];
            for (int c = 0; c < m.length; c++) {
                m[c] = acc[c] / counts.get(name);
            }
            means.put(name, m);
        });
        return means;
    }
}
