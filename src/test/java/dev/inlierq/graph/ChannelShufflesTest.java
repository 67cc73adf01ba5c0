package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.tensor.FloatTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ShuffleNetV2's split-after-shuffle as FastestDet exports it becomes two strided channel Slices with the same
 * values; shuffles that do not end in such Gathers, and models whose Slice has no steps, stay as they are.
 */
class ChannelShufflesTest {
    /** x [1, 8, 2, 3] -> Reshape [4, 2, 6] -> Transpose (1, 0, 2) -> Reshape [2, 1, 4, 2, 3] -> Gather 0 and 1. */
    private static GraphSpec splitShuffle(int opset) {
        return GraphSpec.opset(opset).input("x", 1, 8, 2, 3).longs("s1", 4, 2, 6).longs("s2", 2, 1, 4, 2, 3)
                .scalarLong("i0", 0).scalarLong("i1", 1)
                .node(op(OpType.Reshape, "x", "s1").out("r1"))
                .node(op(OpType.Transpose, "r1").out("t").ints("perm", 1, 0, 2))
                .node(op(OpType.Reshape, "t", "s2").out("r2"))
                .node(op(OpType.Gather, "r2", "i0").out("a").i("axis", 0))
                .node(op(OpType.Gather, "r2", "i1").out("b").i("axis", 0))
                .node(op(OpType.Relu, "a").out("ya")).node(op(OpType.Relu, "b").out("yb")).output("ya", "yb");
    }

    @Test
    void theSplitShuffleBecomesTwoStridedSlicesWithTheSameValuesAtAnyBatch() {
        Graph p = splitShuffle(13).prepare();
        assertEquals("[Slice, Slice, Relu, Relu]", GraphSpec.ops(p));
        Node even = p.nodes().get(0);
        assertArrayEquals(new long[] {0}, p.constant(even.input(1)).longs());
        assertArrayEquals(new long[] {2}, p.constant(even.input(4)).longs());
        assertArrayEquals(new long[] {1}, p.constant(p.nodes().get(1).input(1)).longs());
        int batch = 2;
        float[] x = new float[batch * 8 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        try (GraphExecutor exec = new GraphExecutor(p)) {
            Map<String, FloatTensor> out = exec.run(new FloatTensor(new long[] {batch, 8, 2, 3}, x));
            for (int k = 0; k < 2; k++) {
                FloatTensor y = out.get(k == 0 ? "ya" : "yb");
                assertArrayEquals(new long[] {batch, 4, 2, 3}, y.shape());
                float[] want = new float[batch * 4 * 6];
                for (int n = 0; n < batch; n++) {
                    for (int c = 0; c < 4; c++) {
                        for (int j = 0; j < 6; j++) {
                            want[(n * 4 + c) * 6 + j] = x[(n * 8 + 2 * c + k) * 6 + j];
                        }
                    }
                }
                assertArrayEquals(want, y.data(), 0f, "output " + k);
            }
        }
    }

    @Test
    void otherShufflesAndOldOpsetsStay() {
        assertEquals("[Reshape, Transpose, Reshape, Gather, Gather, Relu, Relu]",
                GraphSpec.ops(splitShuffle(9).prepare()), "Slice has no steps before opset 10");
        // ShuffleNet v1's shuffle: a permutation of all channels, not a slice
        Graph v1 = GraphSpec.opset(13).input("x", 1, 8, 2, 3).longs("s1", 1, 2, 4, 2, 3).longs("s2", 1, 8, 2, 3)
                .node(op(OpType.Reshape, "x", "s1").out("r1"))
                .node(op(OpType.Transpose, "r1").out("t").ints("perm", 0, 2, 1, 3, 4))
                .node(op(OpType.Reshape, "t", "s2").out("y")).output("y").prepare();
        assertEquals("[Reshape, Transpose, Reshape]", GraphSpec.ops(v1));
        // a chain whose Gather mixes channels with positions (x [1, 4, 1, 2] with width and low channel swapped)
        Graph odd = GraphSpec.opset(13).input("x", 1, 4, 1, 2).longs("s1", 2, 2, 2).longs("s2", 2, 1, 2, 1, 2)
                .scalarLong("i0", 0)
                .node(op(OpType.Reshape, "x", "s1").out("r1"))
                .node(op(OpType.Transpose, "r1").out("t").ints("perm", 0, 2, 1))
                .node(op(OpType.Reshape, "t", "s2").out("r2"))
                .node(op(OpType.Gather, "r2", "i0").out("y").i("axis", 0)).output("y").prepare();
        assertEquals("[Reshape, Transpose, Reshape, Gather]", GraphSpec.ops(odd));
    }
}
