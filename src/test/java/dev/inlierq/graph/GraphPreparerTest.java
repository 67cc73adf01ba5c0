package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.UnsupportedModelException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What graph preparation changes on small hand-built graphs: input shapes, BatchNormalization folded into
 * Conv, Identity and dead nodes removed, shared biases copied, and where the batch axis is tracked.
 */
class GraphPreparerTest {
    private static final long[] W4 = {2, 2, 1, 1};

    @Test
    void inputsGetBatchOneAndGivenShapes() {
        Graph p = GraphSpec.opset(13).input("x", 4, 3, 8, 8).unshapedInput("z").node(op(OpType.Add, "x", "z").out("y"))
                .output("y").build();
        Graph prepared = GraphPreparer.prepare(p, Map.of("z", new long[] {7, 1, 1, 8}));
        assertArrayEquals(new long[] {1, 3, 8, 8}, prepared.inputs().get(0).shape());
        assertArrayEquals(new long[] {1, 1, 1, 8}, prepared.inputs().get(1).shape());
        assertArrayEquals(new long[] {1, 3, 8, 8}, prepared.shape("y"));
        var missing = assertThrows(UnsupportedModelException.class, () -> GraphPreparer.prepare(p));
        assertEquals("unsupported: input 'z' has no declared shape: give one", missing.getMessage());
        Graph dyn = GraphSpec.opset(13).input("x", -1, 3, -1, 8).node(op(OpType.Relu, "x")).output("y").build();
        var e = assertThrows(UnsupportedModelException.class, () -> GraphPreparer.prepare(dyn));
        assertEquals("unsupported: input 'x' has a dynamic dimension 2: give its size", e.getMessage());
    }

    private static GraphSpec convBn() {
        return GraphSpec.opset(13).input("x", 1, 2, 3, 3).floats("w", W4, 1, 2, 3, 4)
                .floats("gamma", new long[] {2}, 2, 1).floats("beta", new long[] {2}, 0.5f, -1)
                .floats("mean", new long[] {2}, 1, 2).floats("var", new long[] {2}, 3, 15)
                .node(op(OpType.Conv, "x", "w").out("c").name("conv"))
                .node(op(OpType.BatchNormalization, "c", "gamma", "beta", "mean", "var").out("y").f("epsilon", 1));
    }

    @Test
    void batchNormalizationFoldsIntoTheConv() {
        Graph p = convBn().output("y").prepare();
        assertEquals("[Conv]", GraphSpec.ops(p));
        Node conv = p.nodes().get(0);
        assertEquals("conv", conv.name());
        assertEquals(List.of("x", "conv__bn_weight", "conv__bn_bias"), conv.inputs());
        assertEquals(List.of("y"), conv.outputs());
        // k = gamma / sqrt(var + eps) = (1, 0.25); W' = W * k; b' = (0 - mean) * k + beta
        assertArrayEquals(new float[] {1, 2, 0.75f, 1}, p.constant("conv__bn_weight").floats());
        assertArrayEquals(new float[] {-0.5f, -1.5f}, p.constant("conv__bn_bias").floats());
        assertEquals(List.of("conv__bn_weight", "conv__bn_bias"), List.copyOf(p.initializers().keySet()));
    }

    @Test
    void batchNormalizationStaysWhenTheConvOutputIsReadElsewhere() {
        Graph p = convBn().node(op(OpType.Relu, "c").out("r")).output("y", "r").prepare();
        assertEquals("[Conv, BatchNormalization, Relu]", GraphSpec.ops(p));
        assertArrayEquals(new float[] {1, 2, 3, 4}, p.constant("w").floats());
    }

    @Test
    void identitiesAndDeadNodesGo() {
        Graph p = GraphSpec.opset(13).input("x", 1, 4).floats("unused", new long[] {1}, 9)
                .node(op(OpType.Identity, "x").out("a"))
                .node(op(OpType.Relu, "a").out("b"))
                .node(op(OpType.Sigmoid, "a").out("dead"))
                .node(op(OpType.Add, "dead", "unused").out("dead2"))
                .node(op(OpType.Identity, "b").out("y")).output("y").prepare();
        assertEquals("[Relu, Identity]", GraphSpec.ops(p), "an Identity producing a graph output stays");
        assertEquals(List.of("x"), p.nodes().get(0).inputs(), "Relu reads x directly");
        assertTrue(p.initializers().isEmpty());
        assertEquals(null, p.shape("dead"));
    }

    @Test
    void layersSharingABiasGetACopyEach() {
        Graph p = GraphSpec.opset(13).input("x", 1, 2, 3, 3).floats("w", W4, 1, 2, 3, 4)
                .floats("b", new long[] {2}, 5, 6)
                .node(op(OpType.Conv, "x", "w", "b").out("c1").name("conv1"))
                .node(op(OpType.Conv, "c1", "w", "b").out("y").name("conv2")).output("y").prepare();
        assertEquals(List.of("c1", "w", "b__conv2"), p.nodes().get(1).inputs());
        assertEquals(List.of("x", "w", "b"), p.nodes().get(0).inputs());
        assertArrayEquals(new float[] {5, 6}, p.constant("b__conv2").floats());
    }

    @Test
    void flattenBeforeGemmRunsAtAnyBatch() {
        Graph p = GraphSpec.opset(13).input("x", 1, 2, 3, 3).floats("w", W4, 1, 2, 3, 4)
                .floats("fc", new long[] {5, 18}, new float[90])
                .node(op(OpType.Conv, "x", "w").out("c"))
                .node(op(OpType.Flatten, "c").out("f").name("flat"))
                .node(op(OpType.Gemm, "f", "fc").out("y").i("transB", 1)).output("y").prepare();
        assertEquals("[Conv, Reshape, Gemm]", GraphSpec.ops(p), "Flatten becomes a Reshape with a batch axis");
        Node flat = p.nodes().get(1);
        assertEquals(List.of("c", "flat__target"), flat.inputs());
        assertArrayEquals(new long[] {1, 18}, p.constant("flat__target").longs());
        assertEquals(0, flat.attrs().getInt(GraphPreparer.BATCH_AXIS_ATTR, -1));
        assertArrayEquals(new long[] {1, 5}, p.shape("y"));
        assertTrue(GraphPreparer.isBatchable(p));
    }

    @Test
    void opsMixingTheBatchMakeTheGraphNotBatchable() {
        GraphSpec base = GraphSpec.opset(13).input("x", 1, 3, 4, 4);
        assertFalse(GraphPreparer.isBatchable(GraphSpec.opset(13).input("x", 1, 3, 4, 4)
                .node(op(OpType.Softmax, "x").i("axis", 0)).output("y").prepare()), "Softmax over the batch");
        assertFalse(GraphPreparer.isBatchable(GraphSpec.opset(13).input("x", 1, 3, 4, 4)
                .node(op(OpType.Transpose, "x").ints("perm", 1, 0, 2, 3)).output("y").prepare()),
                "the output's batch is not on axis 0");
        assertFalse(GraphPreparer.isBatchable(GraphSpec.opset(13).input("x", 1, 3, 4, 4).scalarLong("i", 0)
                .node(op(OpType.Gather, "x", "i").out("y")).output("y").prepare()), "Gather on the batch axis");
        assertFalse(GraphPreparer.isBatchable(GraphSpec.opset(13).input("x", 1, 3, 4, 4)
                .node(op(OpType.Transpose, "x").out("t").ints("perm", 1, 0, 2, 3))
                .node(op(OpType.GlobalAveragePool, "t").out("p"))
                .node(op(OpType.Transpose, "p").out("y").ints("perm", 1, 0, 2, 3)).output("y").prepare()),
                "a pooling kernel needs the batch on axis 0");
        assertTrue(GraphPreparer.isBatchable(base.node(op(OpType.Transpose, "x").out("t").ints("perm", 1, 0, 2, 3))
                .node(op(OpType.Relu, "t").out("r"))
                .node(op(OpType.Transpose, "r").out("y").ints("perm", 1, 0, 2, 3)).output("y").prepare()),
                "an element-wise op anywhere, the batch back on axis 0 at the output");
    }
}
