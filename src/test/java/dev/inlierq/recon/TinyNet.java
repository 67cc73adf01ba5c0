package dev.inlierq.recon;

import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.quant.WeightType;
import dev.inlierq.tensor.FloatTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A small network built in a test, with its plan, calibrated encodings and data, reconstructed on one libtorch
 * thread (the reproducible setting, README): the fixture the reconstruction tests share.
 */
record TinyNet(Graph g, QuantPlan plan, Map<String, Encoding> enc, FloatTensor data) {
    /** Activation ranges from one pass over {@code data} with {@code ranges}; int8 weight scales by MSE. */
    static TinyNet calibrated(Graph g, QuantPlan plan, FloatTensor data, RangeEstimation ranges) {
        Map<String, Encoding> enc = new HashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g)) {
            enc.putAll(Calibrator.activations(ex, plan, List.of(data), ranges));
        }
        enc.putAll(Calibrator.weights(g, plan, true, WeightType.INT8));
        return new TinyNet(g, plan, enc, data);
    }

    /** Reconstruction with blocks of one layer, the given options and loss. */
    Reconstruction.Result run(ReconstructionOptions o, ReconstructionLoss loss) {
        return oneThread(() -> Reconstruction.run(g, plan, enc, Units.find(g, plan, o.unit(), 1), data, loss, o,
                (u, k, i) -> { }));
    }

    /** {@link #run(ReconstructionOptions, ReconstructionLoss)} with plain MSE. */
    Reconstruction.Result run(ReconstructionOptions o) {
        return run(o, ReconstructionLoss.mse());
    }

    /** {@code s} on one libtorch thread, two again afterwards. */
    static <T> T oneThread(Supplier<T> s) {
        DjlRuntime.setThreads(1);
        try {
            return s.get();
        } finally {
            DjlRuntime.setThreads(2);
        }
    }
}
