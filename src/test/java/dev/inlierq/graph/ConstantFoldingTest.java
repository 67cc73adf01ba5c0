package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Constant sub-graphs as exporters write them, folded by graph preparation: what is left of the graph, and the
 * exact constants the surviving nodes read.
 */
class ConstantFoldingTest {
    /** PyTorch's {@code x.view(x.size(0), x.size(1), -1)} written out: Shape, Gather, Mul, Unsqueeze, Concat. */
    private static GraphSpec viewChain() {
        GraphSpec g = GraphSpec.opset(11).input("x", -1, 8, 4, 4).node(op(OpType.Shape, "x").out("s"));
        for (int i = 0; i < 4; i++) {
            g.scalarLong("g" + i, i).node(op(OpType.Gather, "s", "g" + i).out("d" + i));
        }
        return g.node(op(OpType.Mul, "d2", "d3").out("hw"))
                .node(op(OpType.Unsqueeze, "d0").out("u0").ints("axes", 0))
                .node(op(OpType.Unsqueeze, "d1").out("u1").ints("axes", 0))
                .node(op(OpType.Unsqueeze, "hw").out("u2").ints("axes", 0))
                .node(op(OpType.Concat, "u0", "u1", "u2").out("t").i("axis", 0))
                .node(op(OpType.Reshape, "x", "t").out("r").name("view"))
                .node(op(OpType.Transpose, "r").out("y").ints("perm", 0, 2, 1))
                .output("y");
    }

    @Test
    void shapeGatherUnsqueezeConcatFoldsIntoTheReshapeTarget() {
        Graph p = viewChain().prepare();
        assertEquals("[Reshape, Transpose]", GraphSpec.ops(p));
        Node view = p.nodes().get(0);
        assertEquals(List.of("x", "view__target"), view.inputs());
        assertArrayEquals(new long[] {1, 8, 16}, p.constant("view__target").longs());
        assertEquals(0, view.attrs().getInt(GraphPreparer.BATCH_AXIS_ATTR, -1));
        assertEquals(List.of("view__target"), List.copyOf(p.initializers().keySet()), "the folded chain is gone");
        assertArrayEquals(new long[] {1, 16, 8}, p.shape("y"));
        assertTrue(GraphPreparer.isBatchable(p));
    }

    @Test
    void theChainFoldsAtTheGivenInputSizeWithBatchOne() {
        Graph p = GraphPreparer.prepare(viewChain().build(), Map.of("x", new long[] {4, 8, 6, 6}));
        assertArrayEquals(new long[] {1, 8, 36}, p.constant("view__target").longs());
        assertArrayEquals(new long[] {1, 8, 6, 6}, p.inputs().get(0).shape());
    }

    @Test
    void constantNodeFeedsAReshape() {
        Graph p = GraphSpec.opset(13).input("x", 1, 3, 2, 2)
                .node(op(OpType.Constant).out("t").ints("value_ints", 1, -1))
                .node(op(OpType.Reshape, "x", "t").out("y").name("flat")).output("y").prepare();
        assertEquals("[Reshape]", GraphSpec.ops(p));
        assertArrayEquals(new long[] {1, 12}, p.constant("flat__target").longs());
        assertArrayEquals(new long[] {1, 12}, p.shape("y"));
    }

    @Test
    void rangeCastConstantOfShapeAndExpandFoldIntoOneInitializer() {
        Graph p = GraphSpec.opset(13).input("x", 1, 3, 4, 4).scalarLong("i0", 0).scalarLong("i1", 1)
                .scalarLong("one", 1).longs("ax0", 0).longs("ax023", 0, 2, 3).longs("target", 1, 3, 1, 4)
                .node(op(OpType.Shape, "x").out("s"))
                .node(op(OpType.Gather, "s", "one").out("c"))
                .node(op(OpType.Range, "i0", "c", "i1").out("r"))
                .node(op(OpType.Cast, "r").out("rf").i("to", 1))
                .node(op(OpType.Unsqueeze, "c", "ax0").out("cv"))
                .node(op(OpType.ConstantOfShape, "cv").out("half")
                        .tensor("value", ConstTensor.ofFloats(new long[] {1}, new float[] {0.5f})))
                .node(op(OpType.Add, "rf", "half").out("m"))
                .node(op(OpType.Unsqueeze, "m", "ax023").out("m4"))
                .node(op(OpType.Expand, "m4", "target").out("e"))
                .node(op(OpType.Add, "x", "e").out("y")).output("y").prepare();
        assertEquals("[Add]", GraphSpec.ops(p));
        assertEquals(List.of("x", "e"), p.nodes().get(0).inputs());
        ConstTensor e = p.constant("e");
        assertArrayEquals(new long[] {1, 3, 1, 4}, e.shape());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 1.5f, 1.5f, 1.5f, 1.5f, 2.5f, 2.5f, 2.5f, 2.5f},
                e.floats());
        assertEquals(List.of("e"), List.copyOf(p.initializers().keySet()));
    }

    @Test
    void resizeSizesFromShapeBecomeScales() {
        Graph p = GraphSpec.opset(13).input("x", 1, 3, 4, 4).longs("zero", 0).longs("two", 2).longs("hw", 8, 8)
                .node(op(OpType.Shape, "x").out("s"))
                .node(op(OpType.Slice, "s", "zero", "two").out("nc"))
                .node(op(OpType.Concat, "nc", "hw").out("sizes").i("axis", 0))
                .node(op(OpType.Resize, "x", "", "", "sizes").out("y").name("up")).output("y").prepare();
        assertEquals("[Resize]", GraphSpec.ops(p));
        assertEquals(List.of("x", "", "up__scales"), p.nodes().get(0).inputs(), "sizes folded at batch 1 are dropped");
        assertArrayEquals(new float[] {1, 1, 2, 2}, p.constant("up__scales").floats());
        assertArrayEquals(new long[] {1, 3, 8, 8}, p.shape("y"));
        assertTrue(GraphPreparer.isBatchable(p));
    }

    @Test
    void nonIntegralResizeRatioGetsTheSmallestScaleReachingTheSize() {
        Graph p = GraphSpec.opset(13).input("x", 1, 3, 3, 3).longs("sizes", 1, 3, 7, 7)
                .node(op(OpType.Resize, "x", "", "", "sizes").out("y").name("up")).output("y").prepare();
        float s = p.constant("up__scales").floats()[2];
        assertEquals(7, (long) Math.floor(3f * s), "ONNX Runtime's float32 output size");
        assertTrue(s == 7f / 3f || (long) Math.floor(3f * Math.nextDown(s)) < 7, "no smaller float reaches 7");
    }

    @Test
    void tooLargeConstantsAreNotFolded() {
        Graph p = GraphSpec.opset(13).input("x", 1, 3).longs("dims", 4096, 1025)
                .node(op(OpType.ConstantOfShape, "dims").out("big")).output("big").prepare();
        assertEquals("[ConstantOfShape]", GraphSpec.ops(p), "4096 * 1025 elements exceed the 2^22 folding limit");
        assertArrayEquals(new long[] {4096, 1025}, p.shape("big"));
    }
}
