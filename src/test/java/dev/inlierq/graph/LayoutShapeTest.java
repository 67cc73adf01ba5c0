package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.error.InvalidModelException;
import dev.inlierq.error.UnsupportedModelException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shape rules of the layout family (Reshape, Flatten, Concat, Split, Slice, Gather, Transpose, Squeeze,
 * Unsqueeze, Expand, Shape) and ConstantOfShape, on single hand-built nodes, in both opset forms where the
 * operator moved an attribute to an input.
 */
class LayoutShapeTest {
    private static final long BIG = Long.MAX_VALUE;

    private static Nodes.Values at(int opset) {
        return new Nodes.Values(opset);
    }

    @Test
    void reshapeCopiesZerosAndInfersMinusOne() {
        Nodes.Values v = at(13).dims("x", 2, 3, 4).longs("a", 0, -1).longs("b", -1).longs("c", 4, 0, -1)
                .longs("two", -1, -1).longs("z", 0, 3);
        assertEquals("[2, 12]", v.infer1(op(OpType.Reshape, "x", "a").build()));
        assertEquals("[24]", v.infer1(op(OpType.Reshape, "x", "b").build()));
        assertEquals("[4, 3, 2]", v.infer1(op(OpType.Reshape, "x", "c").build()), "0 copies the input's axis 1");
        assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.Reshape, "x", "two").build()));
        assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.Reshape, "x", "z").i("allowzero", 1).build()),
                "with allowzero a 0 is a zero-sized axis: 24 values do not fit [0, 3]");
        assertNull(v.dims("t", 2).infer(op(OpType.Reshape, "x", "t").build()), "target computed at run time");
    }

    @Test
    void flattenAtPositiveZeroAndNegativeAxes() {
        Nodes.Values v = at(13).dims("x", 2, 3, 4, 5);
        assertEquals("[2, 60]", v.infer1(op(OpType.Flatten, "x").build()), "default axis 1");
        assertEquals("[6, 20]", v.infer1(op(OpType.Flatten, "x").i("axis", 2).build()));
        assertEquals("[1, 120]", v.infer1(op(OpType.Flatten, "x").i("axis", 0).build()));
        assertEquals("[24, 5]", v.infer1(op(OpType.Flatten, "x").i("axis", -1).build()));
    }

    @Test
    void concatAlongNegativeAxis() {
        Nodes.Values v = at(13).dims("a", 1, 3, 4).dims("b", 1, 3, 5).dims("c", 1, 3, 1);
        assertEquals("[1, 3, 10]", v.infer1(op(OpType.Concat, "a", "b", "c").i("axis", -1).build()));
        assertEquals("[2, 3, 4]", v.infer1(op(OpType.Concat, "a", "a").i("axis", 0).build()));
        assertNull(v.infer(op(OpType.Concat, "a", "unknown").i("axis", -1).build()));
        assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.Concat, "a", "b").i("axis", 3).build()));
    }

    @Test
    void splitBySizesAttributeInputOrEqualParts() {
        Nodes.Values eleven = at(11).dims("x", 1, 6);
        assertEquals(List.of("[1, 2]", "[1, 4]"), eleven.infer(op(OpType.Split, "x").out("a", "b").i("axis", -1)
                .ints("split", 2, 4).build()));
        Nodes.Values thirteen = at(13).dims("x", 7, 2).longs("sizes", 1, 6);
        assertEquals(List.of("[1, 2]", "[6, 2]"), thirteen.infer(op(OpType.Split, "x", "sizes").out("a", "b").build()));
        assertEquals(List.of("[3, 2]", "[3, 2]", "[1, 2]"), thirteen.infer(op(OpType.Split, "x").out("a", "b", "c")
                .build()), "equal parts of ceil(7 / 3), the last one smaller");
        Nodes.Values eighteen = at(18).dims("x", 2, 8);
        assertEquals(List.of("[2, 4]", "[2, 4]"), eighteen.infer(op(OpType.Split, "x").out("a", "b").i("axis", 1)
                .i("num_outputs", 2).build()));
    }

    @Test
    void sliceWithNegativeAxesStepsAndClamping() {
        Nodes.Values v = at(13).dims("x", 1, 10).longs("s", -3).longs("e", BIG).longs("ax", -1)
                .longs("one", 1).longs("eight", 8).longs("two", 2).longs("m1", -1).longs("min", Long.MIN_VALUE)
                .longs("s2", 0, 20).longs("e2", 1, 40).longs("ax2", 0, 1);
        assertEquals("[1, 3]", v.infer1(op(OpType.Slice, "x", "s", "e", "ax").build()), "the last three");
        assertEquals("[1, 4]", v.infer1(op(OpType.Slice, "x", "one", "eight", "ax", "two").build()),
                "1, 3, 5, 7");
        assertEquals("[1, 10]", v.infer1(op(OpType.Slice, "x", "m1", "min", "ax", "m1").build()), "reversed");
        assertEquals("[1, 0]", v.infer1(op(OpType.Slice, "x", "s2", "e2", "ax2").build()),
                "start 20 clamps to 10: empty");
        Nodes.Values nine = at(9).dims("x", 4, 10);
        assertEquals("[2, 10]", nine.infer1(op(OpType.Slice, "x").ints("starts", -2).ints("ends", BIG)
                .ints("axes", 0).build()), "opset 9: attributes");
        assertThrows(UnsupportedModelException.class, () -> v.dims("dyn", 1)
                .infer(op(OpType.Slice, "x", "dyn", "e", "ax").build()));
        assertThrows(InvalidModelException.class, () -> v.longs("zero", 0)
                .infer(op(OpType.Slice, "x", "one", "eight", "ax", "zero").build()));
    }

    @Test
    void gatherWithScalarAndTensorIndices() {
        Nodes.Values v = at(13).dims("x", 5, 6, 7).constant("i0", ConstTensor.ofLongs(new long[0], new long[] {2}))
                .dims("i23", 2, 3);
        assertEquals("[5, 7]", v.infer1(op(OpType.Gather, "x", "i0").i("axis", 1).build()), "a scalar index drops the axis");
        assertEquals("[5, 6, 2, 3]", v.infer1(op(OpType.Gather, "x", "i23").i("axis", -1).build()));
        assertEquals("[2, 3, 6, 7]", v.infer1(op(OpType.Gather, "x", "i23").build()), "default axis 0");
        assertNull(v.infer(op(OpType.Gather, "x", "unknown").build()));
    }

    @Test
    void transposeDefaultAndExplicitPermutations() {
        Nodes.Values v = at(13).dims("x", 2, 3, 4).dims("img", 1, 3, 8, 9);
        assertEquals("[4, 3, 2]", v.infer1(op(OpType.Transpose, "x").build()), "default: axes reversed");
        assertEquals("[1, 8, 9, 3]", v.infer1(op(OpType.Transpose, "img").ints("perm", 0, 2, 3, 1).build()));
        assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.Transpose, "x").ints("perm", 0, 0, 1).build()));
        assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.Transpose, "x").ints("perm", 0, 1).build()));
    }

    @Test
    void squeezeAndUnsqueezeInBothOpsetForms() {
        Nodes.Values eleven = at(11).dims("x", 1, 3, 1).dims("m", 3, 4);
        assertEquals("[1, 3]", eleven.infer1(op(OpType.Squeeze, "x").ints("axes", -1).build()));
        assertEquals("[3]", eleven.infer1(op(OpType.Squeeze, "x").build()), "no axes: every axis of size 1");
        assertEquals("[1, 3, 4, 1]", eleven.infer1(op(OpType.Unsqueeze, "m").ints("axes", 0, -1).build()),
                "negative axes count in the output's rank");
        Nodes.Values thirteen = at(13).dims("x", 1, 3, 1).dims("m", 3, 4).longs("a0", 0).longs("a1", 1);
        assertEquals("[3, 1]", thirteen.infer1(op(OpType.Squeeze, "x", "a0").build()));
        assertEquals("[3]", thirteen.infer1(op(OpType.Squeeze, "x").build()));
        assertEquals("[3, 1, 4]", thirteen.infer1(op(OpType.Unsqueeze, "m", "a1").build()));
        assertEquals("[3]", thirteen.infer1(op(OpType.Squeeze, "x").ints("axes", 0).build()),
                "opset 13 reads the axes input only: without it, every axis of size 1 goes");
    }

    @Test
    void expandShapeAndConstantOfShape() {
        Nodes.Values v = at(13).dims("x", 3, 1).longs("t", 2, 1, 4).longs("dims", 2, 3).dims("dyn", 2);
        assertEquals("[2, 3, 4]", v.infer1(op(OpType.Expand, "x", "t").build()));
        assertNull(v.infer(op(OpType.Expand, "x", "dyn").build()));
        assertEquals("[2]", v.infer1(op(OpType.Shape, "x").build()));
        assertEquals("[2, 3]", v.infer1(op(OpType.ConstantOfShape, "dims").build()));
        assertNull(v.infer(op(OpType.ConstantOfShape, "dyn").build()));
    }
}
