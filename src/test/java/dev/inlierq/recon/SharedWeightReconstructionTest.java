package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.quant.WeightType;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.RandomData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdaRound on a weight two layers share, each layer its own unit: the weight gets one rounding, learned in
 * the first unit that reads it and kept by the later one (not learned a second time from the float weight,
 * which would leave the earlier unit's outputs computed with a rounding the file does not hold).
 */
class SharedWeightReconstructionTest {
    @TempDir
    Path tmp;

    @Test
    void aSharedWeightIsRoundedOnceInTheFirstUnitThatReadsIt() {
        Random r = new Random(4);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", -1, 4, 6, 6);
        b.initializer("w1", new long[] {8, 4, 3, 3}, RandomData.gaussian(r, 288, 1 / 6.0));
        b.initializer("shared_w", new long[] {8, 8, 3, 3}, RandomData.gaussian(r, 576, 1 / 8.5));
        b.initializer("w4", new long[] {4, 8, 1, 1}, RandomData.gaussian(r, 32, 0.35));
        b.node("Conv", "x", "w1").name("c1").out("c1").ints("pads", 1, 1, 1, 1).end().node("Relu", "c1").out("a").end();
        b.node("Conv", "a", "shared_w").name("c2").out("c2").ints("pads", 1, 1, 1, 1).end().node("Relu", "c2").out("r2").end();
        b.node("Conv", "r2", "shared_w").name("c3").out("c3").ints("pads", 1, 1, 1, 1).end().node("Relu", "c3").out("r3").end();
        b.node("Conv", "r3", "w4").name("c4").out("y").end().output("y");
        Graph g = GraphPreparer.prepare(OnnxReader.read(b.write(tmp)));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(8).firstLastAt8Bit(false).build());
        FloatTensor data = new FloatTensor(new long[] {16, 4, 6, 6}, RandomData.gaussian(r, 16 * 4 * 36, 1));
        Map<String, Encoding> enc = new HashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g)) {
            enc.putAll(Calibrator.activations(ex, plan, List.of(data), RangeEstimation.MSE));
        }
        enc.putAll(Calibrator.weights(g, plan, true, WeightType.INT8));
        List<Units.Unit> units = Units.find(g, plan, Units.Kind.LAYER, 1);
        assertEquals(List.of(List.of("c1"), List.of("c2"), List.of("c3"), List.of("c4")),
                units.stream().map(Units.Unit::layers).toList());
        ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.LAYER).seed(1).iterations(60).build();
        DjlRuntime.setThreads(1);
        Reconstruction.Result upToFirstReader;
        Reconstruction.Result all;
        try {
            upToFirstReader = Reconstruction.run(g, plan, enc, units.subList(0, 2), data, ReconstructionLoss.mse(), o,
                    (u, n, i) -> { });
            all = Reconstruction.run(g, plan, enc, units, data, ReconstructionLoss.mse(), o, (u, n, i) -> { });
        } finally {
            DjlRuntime.setThreads(2);
        }
        assertTrue(upToFirstReader.units().get(1).flippedFraction() > 0, "the first reader learned a rounding");
        assertArrayEquals(upToFirstReader.graph().constant("shared_w").floats(), all.graph().constant("shared_w").floats(),
                "the later reader keeps the rounding the first one learned");
        assertEquals(0.0, all.units().get(2).flippedFraction(), "nothing left to learn in the second reader");
    }
}
