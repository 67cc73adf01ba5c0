package dev.inlierq.sensitivity;

import ai.djl.ndarray.NDArray;
import dev.inlierq.engine.GradientProbe;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.rounding.RowPrecision;
import dev.inlierq.tensor.FloatTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Experiment (inlierq.mixed.rows): per output channel of each weight's layer, the mean squared task gradient. */
final class RowFisher {
    private RowFisher() {
    }

    static void compute(GraphExecutor engine, Graph g, QuantPlan plan, List<FloatTensor> batches,
            TopKHeatmapLoss loss) {
        Map<String, String> weightOfOutput = new HashMap<>();
        for (QuantPoint p : plan.weights()) {
            for (Node n : g.nodes()) {
                if (n.name().equals(p.layer())) {
                    weightOfOutput.put(n.output(), p.tensor());
                }
            }
        }
        Map<String, double[]> sums = new HashMap<>();
        for (FloatTensor b : batches) {
            GradientProbe.run(engine, b, weightOfOutput.keySet(), loss::loss, (name, grad) -> {
                long[] s = grad.getShape().getShape();
                if (s.length < 2) {
                    return;
                }
                float[] v;
                try (NDArray sq = grad.square()) {
                    v = sq.toFloatArray();
                }
                int c = (int) s[1];
                int inner = (int) (v.length / (s[0] * c));
                double[] acc = sums.computeIfAbsent(weightOfOutput.get(name), k -> new double[c]);
                for (int i = 0; i < v.length; i++) {
                    acc[(i / inner) % c] += v[i];
                }
            });
        }
        RowPrecision.FISHER.clear();
        RowPrecision.FISHER.putAll(sums);
    }
}
