package dev.inlierq.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Equalisation rewrites the float graph exactly and leaves the inserted Mul's input unquantized. */
class EqualizationTest {

    /** Equalises a real model, checks the float outputs are unchanged, returns the result. */
    private static Equalization.Result equaliseExactly(String model) {
        return equaliseExactly(model, Equalization.Mode.MULS);
    }

    private static Equalization.Result equaliseExactly(String model, Equalization.Mode mode) {
        return equaliseExactly(model, mode, 0, 0);
    }

    private static Equalization.Result equaliseExactly(String model, Equalization.Mode mode, int wBits, int aBits) {
        Graph g = GraphPreparer.prepare(OnnxReader.read(Shared.model(model)));
        Preprocessor pre = DetectorSpecs.builtIn(model).preprocessor();
        List<Path> images = CalibrationSet.choose(Shared.trainImages(), 4, 0).files();
        Equalization.Result r;
        FloatTensor x = pre.prepare(Shared.valImages().resolve("000000000139.jpg")).tensor();
        Map<String, FloatTensor> before;
        try (GraphExecutor e = new GraphExecutor(g)) {
            r = Equalization.apply(e, g, pre, images, 4, 0.5, mode, wBits, aBits, WeightGrid.AUTO);
            before = e.run(x);
        }
        try (GraphExecutor e = new GraphExecutor(r.graph())) {
            Map<String, FloatTensor> after = e.run(x);
            for (var o : before.entrySet()) {
                float[] a = o.getValue().data();
                float[] b = after.get(o.getKey()).data();
                double maxAbs = 0;
                double maxDiff = 0;
                for (int i = 0; i < a.length; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(a[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                }
                assertTrue(maxDiff / (maxAbs + 1e-6) < 1e-3, model + " " + o.getKey() + ": " + maxDiff);
            }
        }
        return r;
    }

    private static long equalizationMuls(Graph g) {
        return g.nodes().stream().filter(n -> n.attrs().getInt(Planner.EQUALIZATION_ATTR, 0) != 0).count();
    }

    @Test
    void equalisedPicodetComputesTheSameDetectionsInFloat() {
        Equalization.Result r = equaliseExactly("picodet");
        Graph eq = r.graph();
        assertTrue(r.equalized() > 50, "equalised activations: " + r.equalized());
        // hard-swish does not commute with a scale: a Mul after it, except where a layer feeds a layer directly
        assertTrue(r.folded() <= 4, "folded: " + r.folded());
        assertEquals(r.equalized() - r.folded(), equalizationMuls(eq));
        QuantPlan plan = Planner.plan(eq, PlanOptions.builder().build());
        for (Node n : eq.nodes()) {
            if (n.attrs().getInt(Planner.EQUALIZATION_ATTR, 0) != 0) {
                assertTrue(plan.point(n.input(0)) == null, "input of " + n.name() + " must stay float");
                assertTrue(plan.point(n.output()) != null, "output of " + n.name() + " is the quantized tensor");
            }
        }
    }

    @Test
    void reluNetworkTakesTheFactorsIntoTheProducingConvolutions() {
        Equalization.Result r = equaliseExactly("fastestdet");
        assertTrue(r.folded() > 30, "folded into the convolution before the Relu: " + r.folded() + " of " + r.equalized());
        assertEquals(r.equalized() - r.folded(), equalizationMuls(r.graph()), "a Mul only where nothing can take 1/s");
    }

    @Test
    void searchedStrengthsRewriteExactlyAndMayLeaveActivationsAsTheyAre() {
        Equalization.Result fixed = equaliseExactly("fastestdet");
        Equalization.Result searched = equaliseExactly("fastestdet", Equalization.Mode.MULS, 4, 8);
        assertTrue(searched.equalized() > 0 && searched.equalized() <= fixed.equalized(),
                searched.equalized() + " searched, " + fixed.equalized() + " at alpha 0.5");
    }

    @Test
    void fusedModeFoldsThroughHardSwishAndInsertsNoFloatMul() {
        Equalization.Result r = equaliseExactly("picodet", Equalization.Mode.FOLDED);
        Graph eq = r.graph();
        assertEquals(0, equalizationMuls(eq), "no float Mul in a fused file");
        assertEquals(r.equalized(), r.folded());
        List<Node> gates = eq.nodes().stream().filter(n -> n.name().endsWith(Equalization.GATE_SUFFIX)).toList();
        assertTrue(gates.size() > 50, "hard-swish gates rescaled: " + gates.size());
        // squeeze-excitation inputs: the pooled value's layer and the product's layer take the factors
        List<Node> pools = eq.nodes().stream().filter(n -> n.op() == OpType.GlobalAveragePool).toList();
        assertEquals(6, pools.size());
        for (Node pool : pools) {
            Node squeeze = eq.consumers(pool.output()).get(0);
            assertTrue(squeeze.input(1).contains("__eq_"), "equalised through " + pool.name() + ": " + squeeze);
        }
        QuantPlan plan = Planner.plan(eq, PlanOptions.builder().placement(Placement.ALL_ACTIVATIONS).build());
        for (Node gate : gates) {
            assertEquals(OpType.Conv, gate.op());
            List<Node> readers = eq.consumers(gate.input(0));
            assertEquals(2, readers.size(), "z' is read by the gate and the linear factor only: " + gate.name());
            assertTrue(readers.stream().anyMatch(n -> n.op() == OpType.Mul), gate.name());
            Node clip = eq.consumers(gate.output()).get(0);
            assertEquals(OpType.Clip, clip.op(), gate.name());
            assertNull(plan.point(gate.output()), "the gate shares the clamp's quantizer: " + gate.name());
            assertNotNull(plan.point(clip.output()), clip.name());
        }
    }

    @Test
    void fusedModeBalancesTheStemOutputOfPicodet() {
        Graph g = GraphPreparer.prepare(OnnxReader.read(Shared.model("picodet")));
        Graph eq = equaliseExactly("picodet", Equalization.Mode.FOLDED).graph();
        String stem = "conv2d_100.tmp_0";
        double before = channelRangeSpread(g, stem);
        double after = channelRangeSpread(eq, stem);
        // one BN-folded channel spans +-1,900 where the median channel spans 16
        assertTrue(before > 50, "largest / median channel range before: " + before);
        assertTrue(after < before / 10, "after: " + after + ", before: " + before);
    }

    /** Largest over median per-channel max |x| of a value on 2 calibration images. */
    private static double channelRangeSpread(Graph g, String value) {
        Preprocessor pre = DetectorSpecs.builtIn("picodet").preprocessor();
        List<Path> images = CalibrationSet.choose(Shared.trainImages(), 2, 0).files();
        double[][] range = new double[1][];
        try (GraphExecutor e = new GraphExecutor(g)) {
            Calibrator.observe(e, pre, images, 2, Set.of(value), (name, t) -> {
                int c = (int) t.shape()[1];
                int hw = (int) (t.shape()[2] * t.shape()[3]);
                if (range[0] == null) {
                    range[0] = new double[c];
                }
                float[] d = t.data();
                for (int i = 0; i < d.length; i++) {
                    range[0][(i / hw) % c] = Math.max(range[0][(i / hw) % c], Math.abs(d[i]));
                }
            }, done -> { });
        }
        double[] sorted = range[0].clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - 1] / sorted[sorted.length / 2];
    }
}
