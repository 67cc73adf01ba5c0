package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end step-size tuning after reconstruction: the pinned start reproduces the reconstructed weights
 * exactly, and tuning moves step sizes while every weight keeps its integer code and the network's loss over the
 * calibration data does not rise.
 */
class NetworkTuningTest {
    @TempDir
    Path tmp;

    /** x -> Conv 3x3 -> Relu -> Conv 3x3 -> Relu -> Conv 1x1 (+ residual) -> Conv 1x1 at W4A8, 24 images. */
    static TinyNet net(Path dir) {
        Random r = new Random(11);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", -1, 4, 8, 8);
        ReconstructionTest.conv(b, r, "c1", "x", 4, 8, 3).node("Relu", "c1").out("a").end();
        ReconstructionTest.conv(b, r, "c2", "a", 8, 8, 3).node("Relu", "c2").out("r2").end();
        ReconstructionTest.conv(b, r, "c3", "r2", 8, 8, 1).node("Add", "a", "c3").out("a1").end();
        ReconstructionTest.conv(b, r, "c6", "a1", 8, 4, 1).output("c6");
        Graph g = GraphPreparer.prepare(OnnxReader.read(b.write(dir)));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(8).firstLastAt8Bit(false)
                .build());
        float[] x = new float[24 * 4 * 8 * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return TinyNet.calibrated(g, plan, new FloatTensor(new long[] {24, 4, 8, 8}, x), RangeEstimation.MSE);
    }

    @Test
    void tuningKeepsEveryCodeAndDoesNotRaiseTheLoss() {
        TinyNet n = net(tmp);
        Reconstruction.Result units = n.run(ReconstructionOptions.builder(Units.Kind.LAYER).iterations(40).seed(0)
                .build());
        List<Units.Unit> whole = NetworkTuning.units(n.g(), n.plan());
        Reconstruction.Result same = TinyNet.oneThread(() -> NetworkTuning.tune(n.g(), units.graph(), n.plan(),
                units.encodings(), whole, n.data(), ReconstructionLoss.mse(),
                new NetworkTuning.Settings(0, 8, 1e-2f, false, 1e-2f), 0, (u, k, i) -> { }));
        Reconstruction.Result tuned = TinyNet.oneThread(() -> NetworkTuning.tune(n.g(), units.graph(), n.plan(),
                units.encodings(), whole, n.data(), ReconstructionLoss.mse(),
                new NetworkTuning.Settings(60, 8, 1e-2f, false, 1e-2f), 0, (u, k, i) -> { }));
        assertEquals(1, tuned.units().size(), "the whole network is one unit");
        Reconstruction.UnitCheck check = tuned.units().get(0).check();
        assertTrue(check.lossAfter() <= check.lossBefore(), "kept only when not worse: " + check);
        int moved = 0;
        for (QuantPoint p : n.plan().weights()) {
            float[] w0 = units.graph().constant(p.tensor()).floats();
            float[] w1 = same.graph().constant(p.tensor()).floats();
            float[] w2 = tuned.graph().constant(p.tensor()).floats();
            Encoding e0 = units.encodings().get(p.tensor());
            Encoding e2 = tuned.encodings().get(p.tensor());
            long inner = w0.length / units.graph().constant(p.tensor()).shape()[0];
            for (int i = 0; i < w0.length; i++) {
                int c = (int) (i / inner);
                assertEquals(w0[i], w1[i], 1e-6 * Math.abs(w0[i]) + 1e-9, p.tensor() + "[" + i + "]: pinned start");
                double k0 = w0[i] / e0.scale(c);
                double k2 = w2[i] / e2.scale(c);
                assertEquals(Math.rint(k0), k0, 1e-3, p.tensor() + "[" + i + "] on the grid");
                assertEquals(k0, k2, 1e-3, p.tensor() + "[" + i + "]: the same code after tuning");
            }
            for (int c = 0; c < e0.size(); c++) {
                moved += e0.scale(c) != e2.scale(c) ? 1 : 0;
            }
        }
        assertEquals(Reconstruction.Kept.LEARNED, check.kept(), "the tuning lowered the loss: " + check);
        assertTrue(check.lossAfter() < check.lossBefore() && moved > 0, "step sizes moved: " + moved);
    }
}
