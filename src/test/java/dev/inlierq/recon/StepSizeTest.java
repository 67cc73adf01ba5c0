package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.inlierq.testing.RandomData;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned step sizes move relative to their scale (an activation of scale ~1e-5, as equalisation leaves
 * some, is not grown by an absolute learning rate), and a unit whose optimisation ends with a higher loss
 * on its calibration samples than it started with keeps its initial rounding and scales.
 */
class StepSizeTest {
    @TempDir
    Path tmp;

    /** x -> Conv (weights ~1e-4) -> Relu -> tiny -> Conv (weights ~1e3) -> y, 8-bit activations. */
    private TinyNet net() {
        Random r = new Random(6);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", -1, 3, 6, 6);
        b.initializer("w1", new long[] {8, 3, 3, 3}, RandomData.gaussian(r, 216, 1e-4));
        b.initializer("b1", new long[] {8}, RandomData.gaussian(r, 8, 1e-5));
        b.initializer("w2", new long[] {8, 8, 3, 3}, RandomData.gaussian(r, 576, 2e3));
        b.initializer("w3", new long[] {4, 8, 1, 1}, RandomData.gaussian(r, 32, 0.3));
        b.node("Conv", "x", "w1", "b1").name("c1").out("c1").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c1").out("tiny").end();
        b.node("Conv", "tiny", "w2").name("c2").out("c2").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c2").out("r2").end();
        b.node("Conv", "r2", "w3").name("c3").out("y").end();
        b.output("y");
        Graph g = GraphPreparer.prepare(OnnxReader.read(b.write(tmp)));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(8).activationBits(8).build());
        FloatTensor data = new FloatTensor(new long[] {16, 3, 6, 6}, RandomData.gaussian(r, 16 * 3 * 36, 1));
        return TinyNet.calibrated(g, plan, data, RangeEstimation.MSE);
    }

    @Test
    void aTinyStepSizeMovesRelativeToItself() {
        TinyNet n = net();
        float initial = n.enc().get("tiny").scale(0);
        assertTrue(initial < 1e-4, "the test needs a tiny activation scale: " + initial);
        Reconstruction.Result r = n.run(ReconstructionOptions.builder(Units.Kind.LAYER).seed(3).iterations(50).build());
        float learned = r.encodings().get("tiny").scale(0);
        assertTrue(learned > initial / 2 && learned < initial * 2,
                "step size of 'tiny' went from " + initial + " to " + learned);
    }

    @Test
    void aUnitWhoseLossGetsWorseKeepsItsInitialState() {
        TinyNet n = net();
        ReconstructionOptions nearest = ReconstructionOptions.builder(Units.Kind.LAYER).seed(3).iterations(0).build();
        // learning rates far too high: rounding and step sizes jump at random, the loss ends higher
        ReconstructionOptions wild = ReconstructionOptions.builder(Units.Kind.LAYER).blockSize(1).iterations(20)
                .lrRounding(50f).lrScale(0.7f).seed(3).build();
        Reconstruction.Result initial = n.run(nearest);
        Reconstruction.Result r = n.run(wild);
        assertTrue(r.keptInitialUnits() > 0, "some unit got worse and was reset: " + r.units());
        for (Reconstruction.UnitReport u : r.units()) {
            Reconstruction.UnitCheck c = u.check();
            assertTrue(c.lossAfter() <= c.lossBefore(), u.name() + ": " + c);
            if (!c.keptInitial()) {
                continue;
            }
            assertEquals(0.0, u.flippedFraction(), u.name() + " is back at nearest rounding");
            for (String layer : u.layers()) {
                String w = n.plan().weightOf(layer).tensor();
                assertArrayEquals(initial.graph().constant(w).floats(), r.graph().constant(w).floats(), w);
            }
        }
        for (QuantPoint p : n.plan().activations()) {
            boolean reset = r.units().stream().filter(u -> u.check().keptInitial())
                    .anyMatch(u -> Units.find(n.g(), n.plan(), Units.Kind.LAYER, 1).stream()
                            .filter(x -> x.name().equals(u.name())).anyMatch(x -> x.produced().contains(p.tensor())));
            if (reset) {
                assertArrayEquals(n.enc().get(p.tensor()).scale(), r.encodings().get(p.tensor()).scale(), p.tensor());
            }
        }
    }

    /**
     * x -> Conv -> c1 -> Conv -> y at 4-bit activations, c1's zero point set to 1 although a third of its
     * values are negative: they clip, and a learned zero point moves up.
     */
    private TinyNet skewedNet(int weightBits) {
        Random r = new Random(9);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", -1, 3, 6, 6);
        b.initializer("w1", new long[] {8, 3, 3, 3}, RandomData.gaussian(r, 216, 0.5));
        float[] bias = new float[8];
        java.util.Arrays.fill(bias, 1.5f);
        b.initializer("b1", new long[] {8}, bias);
        b.initializer("w2", new long[] {4, 8, 3, 3}, RandomData.gaussian(r, 288, 0.3));
        b.node("Conv", "x", "w1", "b1").name("c1").out("c1").ints("pads", 1, 1, 1, 1).end();
        b.node("Conv", "c1", "w2").name("c2").out("y").ints("pads", 1, 1, 1, 1).end();
        b.output("y");
        Graph g = GraphPreparer.prepare(OnnxReader.read(b.write(tmp)));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(weightBits).activationBits(4)
                .firstLastAt8Bit(false).build());
        FloatTensor data = new FloatTensor(new long[] {16, 3, 6, 6}, RandomData.gaussian(r, 16 * 3 * 36, 1));
        TinyNet n = TinyNet.calibrated(g, plan, data, RangeEstimation.MIN_MAX);
        Encoding c1 = n.enc().get("c1");
        n.enc().put("c1", new Encoding(c1.spec(), c1.scale(), new int[] {1}));
        return n;
    }

    @Test
    void learnedZeroPointsMoveOnTheGridAndLowerTheLoss() {
        TinyNet n = skewedNet(8);
        Encoding initial = n.enc().get("c1");
        ReconstructionOptions fixedZ = ReconstructionOptions.builder(Units.Kind.LAYER).seed(3).iterations(60)
                .lrRounding(0f).build();
        ReconstructionOptions learnZ = fixedZ.toBuilder().lrZeroPoint(0.1f)
                .activationDecay(Decay.COSINE).build();
        Reconstruction.Result a = n.run(fixedZ);
        Reconstruction.Result b = n.run(learnZ);
        assertEquals(initial.zeroPoint(0), a.encodings().get("c1").zeroPoint(0), "rate 0 keeps the zero point");
        Encoding learned = b.encodings().get("c1");
        assertTrue(learned.zeroPoint(0) > initial.zeroPoint(0) + 1, "clipped negatives pull the zero point up: "
                + initial + " -> " + learned);
        assertTrue(learned.zeroPoint(0) >= learned.qmin() && learned.zeroPoint(0) <= learned.qmax());
        Reconstruction.UnitCheck c = b.units().get(0).check();
        assertTrue(!c.keptInitial() && c.lossAfter() < c.lossBefore(), "learning helped c1's unit: " + c);
        assertTrue(learnZ.describe().contains("lr_zero_point=0.1") && learnZ.describe().contains("cosine"),
                learnZ.describe());
        Reconstruction.Result again = n.run(learnZ);
        assertEquals(learned, again.encodings().get("c1"), "same seed, same encoding");
    }

    @Test
    void aUnitWhoseRoundingAloneGotWorseKeepsItsLearnedEncodings() {
        TinyNet n = skewedNet(3);
        // 3-bit rounding jumps at random (a rate 5000 times too high), the zero point learns as above
        ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.LAYER).blockSize(1).iterations(60)
                .lrRounding(50f).lrZeroPoint(0.1f).seed(3).build();
        Reconstruction.Result r = n.run(o);
        Reconstruction.UnitReport c1 = r.units().get(0);
        Reconstruction.UnitCheck c = c1.check();
        assertEquals(Reconstruction.Kept.LEARNED_ENCODINGS, c.kept(), c.toString());
        assertTrue(c.lossLearned() > c.lossBefore() && c.lossAfter() < c.lossBefore(), c.toString());
        assertEquals(0.0, c1.flippedFraction(), "back at the starting rounding");
        assertTrue(r.encodings().get("c1").zeroPoint(0) > 2, "learned zero point kept: " + r.encodings().get("c1"));
    }
}
