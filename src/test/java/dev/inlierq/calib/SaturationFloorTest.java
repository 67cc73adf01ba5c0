package dev.inlierq.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hard-swish floors: found where the gate closes, and exact (the output does not change). */
class SaturationFloorTest {
    private static final long[] SHAPE = {1, 2, 3, 3};

    /**
     * input z -> h = z * clip(gate(z), 0, 6) / 6, with gate {@code Add(z, 3)} or, when
     * {@code gateWeights} is given, the 1x1 depthwise convolution {@code w_c z_c + 3} HardSwishFold writes.
     */
    private static Graph hardSwish(float[] gateWeights) {
        Map<String, ConstTensor> inits = new LinkedHashMap<>();
        inits.put("three", ConstTensor.scalar(3f));
        inits.put("zero", ConstTensor.scalar(0f));
        inits.put("six", ConstTensor.scalar(6f));
        List<Node> nodes = new ArrayList<>();
        if (gateWeights == null) {
            nodes.add(new Node("add", OpType.Add, List.of("z", "three"), List.of("a"), Attributes.EMPTY));
        } else {
            inits.put("gw", ConstTensor.ofFloats(new long[] {2, 1, 1, 1}, gateWeights));
            inits.put("gb", ConstTensor.ofFloats(new long[] {2}, new float[] {3f, 3f}));
            nodes.add(new Node("gate", OpType.Conv, List.of("z", "gw", "gb"), List.of("a"),
                    new Attributes(Map.of("group", new Attr.Int(2), "kernel_shape", new Attr.Ints(new long[] {1, 1})))));
        }
        nodes.add(new Node("clip", OpType.Clip, List.of("a", "zero", "six"), List.of("c"), Attributes.EMPTY));
        nodes.add(new Node("mul", OpType.Mul, List.of("z", "c"), List.of("m"), Attributes.EMPTY));
        nodes.add(new Node("div", OpType.Div, List.of("m", "six"), List.of("h"), Attributes.EMPTY));
        Map<String, long[]> shapes = new HashMap<>();
        shapes.put("z", SHAPE);
        return GraphPreparer.prepare(new Graph(nodes, inits, List.of(new ValueInfo("z", DType.FLOAT, SHAPE)),
                List.of(new ValueInfo("h", DType.FLOAT, SHAPE)), shapes, 13, Map.of()));
    }

    @Test
    void theExportedHardSwishInputHasTheFloorMinusThree() {
        Map<String, float[]> floors = SaturationFloor.of(hardSwish(null), List.of("z", "a", "c", "m", "h"));
        assertEquals(List.of("z"), List.copyOf(floors.keySet()));
        assertArrayEquals(new float[] {-3f}, floors.get("z"));
    }

    @Test
    void aFoldedGateHasOneFloorPerChannel() {
        Map<String, float[]> floors = SaturationFloor.of(hardSwish(new float[] {2f, 0.5f}), List.of("z"));
        assertArrayEquals(new float[] {-1.5f, -6f}, floors.get("z"));
        // a gate that opens the other way (negative weight) gives no floor
        assertEquals(Map.of(), SaturationFloor.of(hardSwish(new float[] {2f, -0.5f}), List.of("z")));
    }

    @Test
    void raisingTheInputToItsFloorLeavesTheHardSwishUnchanged() {
        Random r = new Random(3);
        float[] x = new float[18];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 8);
        }
        for (float[] gw : new float[][] {null, {2f, 0.5f}}) {
            Graph g = hardSwish(gw);
            float[] floor = SaturationFloor.of(g, List.of("z")).get("z");
            float[] raised = SaturationFloor.apply(x, SHAPE, floor);
            assertNotEquals(0, countDiffering(x, raised), "the test input must reach below the floor");
            try (GraphExecutor e = new GraphExecutor(g)) {
                float[] a = e.run(new FloatTensor(SHAPE, x)).get("h").data();
                float[] b = e.run(new FloatTensor(SHAPE, raised)).get("h").data();
                assertArrayEquals(a, b, 1e-6f);
            }
        }
    }

    @Test
    void perChannelFloorsFollowAxisOne() {
        float[] v = {-9, -2, 0, 1, -9, -2, 0, 1};
        assertArrayEquals(new float[] {-3, -2, 0, 1, -1, -1, 0, 1},
                SaturationFloor.apply(v, new long[] {1, 2, 2, 2}, new float[] {-3, -1}));
        float[] untouched = {1, 2};
        assertEquals(untouched, SaturationFloor.apply(untouched, new long[] {1, 2}, new float[] {-3}), "no copy");
        assertThrows(IllegalArgumentException.class,
                () -> SaturationFloor.apply(v, new long[] {1, 4, 2}, new float[] {-3, -1}));
    }

    private static int countDiffering(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }
}
