package dev.inlierq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.Shared;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Detection-aware placement on the real detectors: structure, not names. */
class PlannerTest {

    private static Graph graph(String model) {
        return GraphPreparer.prepare(OnnxReader.read(Shared.model(model)));
    }

    @Test
    void yoloxDecodingStaysFloatAndBoxesNeverShareAScaleWithScores() {
        Graph g = graph("yolox");
        QuantPlan p = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(4).build());
        assertEquals(113, p.layers().size(), "every Conv is a quantized layer");
        // the decoding tail: sigmoids at the outputs, the box/score Concat, reshape/transpose to the output
        for (String f : p.floatNodes()) {
            Node n = g.nodes().stream().filter(x -> x.name().equals(f)).findFirst().orElseThrow();
            assertTrue(Set.of(OpType.Sigmoid, OpType.Concat, OpType.Reshape, OpType.Transpose).contains(n.op()), f + " " + n.op());
            for (String out : n.outputs()) {
                assertTrue(p.point(out) == null, "decoding value quantized: " + out);
            }
        }
        // outputs of the last layers (box, objectness, class logits) are not quantized
        for (Node n : g.nodes()) {
            if (p.lastLayers().contains(n.name())) {
                assertTrue(p.point(n.output()) == null, "last layer output quantized: " + n.output());
            }
        }
        assertEquals(9, p.lastLayers().size(), "3 levels x (box, objectness, class)");
        assertEquals(1, p.firstLayers().size());
    }

    @Test
    void firstAndLastLayersAt8BitUnlessTurnedOff() {
        Graph g = graph("yolox");
        QuantPlan on = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(4).build());
        for (QuantPoint w : on.weights()) {
            boolean edge = on.firstLayers().contains(w.layer()) || on.lastLayers().contains(w.layer());
            assertEquals(edge ? 8 : 4, w.bits(), w.tensor());
        }
        QuantPlan off = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(4).firstLastAt8Bit(false).build());
        assertTrue(off.weights().stream().allMatch(w -> w.bits() == 4));
    }

    @Test
    void concatInputsAndOutputShareOneEncoding() {
        Graph g = graph("yolox");
        QuantPlan p = Planner.plan(g, PlanOptions.builder().build());
        int checked = 0;
        for (Node n : g.nodes()) {
            if (n.op() != OpType.Concat || p.point(n.output()) == null) {
                continue;
            }
            String group = p.point(n.output()).group();
            assertNotNull(group, n + " output has no group");
            for (String in : n.inputs()) {
                assertEquals(group, p.point(in).group(), n + " input " + in);
            }
            checked++;
        }
        assertTrue(checked >= 10, "Concats in the quantized region: " + checked);
    }

    @Test
    void picodetDistributionIntegralStaysFloat() {
        Graph g = graph("picodet");
        QuantPlan p = Planner.plan(g, PlanOptions.builder().build());
        Set<String> layers = new HashSet<>(p.layers());
        for (Node n : g.nodes()) {
            if (n.op() == OpType.MatMul) {
                assertFalse(layers.contains(n.name()), "DFL MatMul quantized: " + n.name());
                assertTrue(p.floatNodes().contains(n.name()));
            }
        }
        assertEquals(98, p.layers().size(), "every Conv is quantized, no MatMul");
    }

    @Test
    void exclusionsByNameRegexAndOpType() {
        Graph g = graph("fastestdet");
        String first = Planner.plan(g, PlanOptions.builder().build()).layers().get(0);
        QuantPlan byName = Planner.plan(g, PlanOptions.builder().excludeNodes(Set.of(first)).build());
        assertFalse(byName.layers().contains(first));
        assertTrue(byName.floatNodes().contains(first));
        QuantPlan byRegex = Planner.plan(g, PlanOptions.builder().excludePatterns(List.of(Pattern.compile("Conv_[0-9]"))).build());
        assertTrue(byRegex.layers().stream().noneMatch(l -> l.matches("Conv_[0-9]")));
        QuantPlan byOp = Planner.plan(g, PlanOptions.builder().excludeOps(Set.of(OpType.Conv)).build());
        assertTrue(byOp.layers().isEmpty());
        assertTrue(byOp.points().isEmpty());
    }

    @Test
    void layerInputsPlacementQuantizesOnlyLayerInputs() {
        Graph g = graph("fastestdet");
        QuantPlan p = Planner.plan(g, PlanOptions.builder().placement(Placement.LAYER_INPUTS).build());
        Set<String> layerInputs = new HashSet<>();
        for (Node n : g.nodes()) {
            if (p.layers().contains(n.name())) {
                layerInputs.add(n.input(0));
            }
        }
        for (QuantPoint a : p.activations()) {
            assertTrue(layerInputs.contains(a.tensor()), a.tensor());
        }
        assertTrue(p.table().contains("70 quantized layers"), p.table());
    }

    @Test
    void reluOutputsCarryTheQuantizerSoRuntimeFusesConvReluQ() {
        Graph g = graph("fastestdet");
        QuantPlan p = Planner.plan(g, PlanOptions.builder().placement(Placement.ALL_ACTIVATIONS).build());
        int relus = 0;
        for (Node n : g.nodes()) {
            if (n.op() != OpType.Relu || p.floatNodes().contains(n.name())) {
                continue;
            }
            relus++;
            assertNotNull(p.point(n.output()), "Relu output quantized: " + n.name());
            if (g.consumers(n.input(0)).size() == 1) {
                assertTrue(p.point(n.input(0)) == null, "no quantizer in front of the Relu: " + n.name());
            }
        }
        assertEquals(48, relus);
    }

    @Test
    void hardSwishClampAtZeroCarriesTheQuantizerOfItsAdd() {
        Graph g = graph("picodet");
        QuantPlan p = Planner.plan(g, PlanOptions.builder().placement(Placement.ALL_ACTIVATIONS).build());
        int clips = 0;
        for (Node n : g.nodes()) {
            if (n.op() == OpType.Clip && !p.floatNodes().contains(n.name())) {
                clips++;
                assertNotNull(p.point(n.output()), n.name());
                assertTrue(p.point(n.input(0)) == null, "the Add in front of " + n.name() + " has no quantizer");
            }
        }
        assertEquals(78, clips);
    }
}
