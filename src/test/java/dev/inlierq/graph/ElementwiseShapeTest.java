package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.error.InvalidModelException;
import org.junit.jupiter.api.Test;

/**
 * Shape rules of the element-wise family (numpy broadcasting), the reductions and matrix products, the
 * quantization pair, and the ops folded without a shape rule (Constant, Range).
 */
class ElementwiseShapeTest {
    private static Nodes.Values at(int opset) {
        return new Nodes.Values(opset);
    }

    @Test
    void binaryOpsBroadcastLikeNumpy() {
        Nodes.Values v = at(13).dims("a", 1, 3, 1, 5).dims("b", 4, 1).dims("s").dims("c", 2, 1)
                .dims("d", 1, 3).dims("e", 3).dims("x", 4, 5).dims("five", 5).dims("four", 4);
        assertEquals("[1, 3, 4, 5]", v.infer1(op(OpType.Add, "a", "b").build()));
        assertEquals("[1, 3, 4, 5]", v.infer1(op(OpType.Mul, "b", "a").build()), "either side may be the smaller");
        assertEquals("[1, 3, 1, 5]", v.infer1(op(OpType.Div, "a", "s").build()), "a scalar");
        assertEquals("[2, 3]", v.infer1(op(OpType.Max, "c", "d", "e").build()), "variadic Max");
        assertEquals("[2, 3]", v.infer1(op(OpType.Where, "c", "d", "s").build()), "Where broadcasts all three");
        assertEquals("[4, 5]", v.infer1(op(OpType.Equal, "x", "five").build()));
        assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.Sub, "d", "four").build()));
        assertNull(v.infer(op(OpType.Pow, "a", "unknown").build()));
    }

    @Test
    void unaryOpsKeepTheShape() {
        Nodes.Values v = at(13).dims("x", 2, 3, 4);
        for (OpType t : new OpType[] {OpType.Relu, OpType.Sigmoid, OpType.Clip, OpType.Cast, OpType.Identity,
                OpType.Softmax, OpType.QuantizeLinear, OpType.DequantizeLinear, OpType.BatchNormalization,
                OpType.HardSwish, OpType.Floor}) {
            assertEquals("[2, 3, 4]", v.infer1(op(t, "x").build()), t.name());
        }
        assertNull(v.infer(op(OpType.Relu, "unknown").build()));
    }

    @Test
    void matMulAndGemm() {
        Nodes.Values v = at(13).dims("a", 2, 3, 4).dims("b", 4, 5).dims("v", 4).dims("c", 1, 2, 3, 4)
                .dims("d", 5, 1, 4, 6).dims("m", 2, 3).dims("n", 4, 3).dims("t", 3, 2);
        assertEquals("[2, 3, 5]", v.infer1(op(OpType.MatMul, "a", "b").build()));
        assertEquals("[5]", v.infer1(op(OpType.MatMul, "v", "b").build()), "a vector on the left loses its axis");
        assertEquals("[2, 3]", v.infer1(op(OpType.MatMul, "a", "v").build()), "a vector on the right too");
        assertEquals("[5, 2, 3, 6]", v.infer1(op(OpType.MatMul, "c", "d").build()), "batch axes broadcast");
        assertEquals("[2, 4]", v.infer1(op(OpType.Gemm, "m", "n").i("transB", 1).build()));
        assertEquals("[2, 4]", v.infer1(op(OpType.Gemm, "t", "n").i("transA", 1).i("transB", 1).build()));
        assertNull(v.infer(op(OpType.MatMul, "a", "unknown").build()));
    }

    @Test
    void reductionsByAttributeOrInputAxes() {
        Nodes.Values v13 = at(13).dims("x", 1, 3, 4, 5).longs("last", -1);
        assertEquals("[1, 3, 1, 1]", v13.infer1(op(OpType.ReduceMean, "x").ints("axes", 2, 3).build()));
        assertEquals("[1, 3]", v13.infer1(op(OpType.ReduceMean, "x").ints("axes", 2, -1).i("keepdims", 0).build()));
        assertEquals("[1, 3, 4, 1]", v13.infer1(op(OpType.ReduceSum, "x", "last").build()), "ReduceSum-13: input");
        assertEquals("[1, 1, 1, 1]", v13.infer1(op(OpType.ReduceMax, "x").build()), "no axes: all");
        Nodes.Values v18 = at(18).dims("x", 1, 3, 4, 5).longs("a", 1).longs("none");
        assertEquals("[1, 4, 5]", v18.infer1(op(OpType.ReduceMax, "x", "a").i("keepdims", 0).build()),
                "ReduceMax-18: input");
        assertEquals("[1, 3, 4, 5]", v18.infer1(op(OpType.ReduceMean, "x", "none").i("noop_with_empty_axes", 1)
                .build()), "empty axes with noop_with_empty_axes: identity");
        assertEquals("[]", v18.infer1(op(OpType.ReduceMean, "x").i("keepdims", 0).build()));
    }

    @Test
    void constantAndRangeHaveNoShapeRule() {
        Nodes.Values v = at(13).constant("z", ConstTensor.scalar(0f)).constant("l", ConstTensor.scalar(4f))
                .constant("d", ConstTensor.scalar(1f));
        assertNull(v.infer(op(OpType.Constant).tensor("value", ConstTensor.vector(1, 2)).build()));
        assertNull(v.infer(op(OpType.Range, "z", "l", "d").build()));
    }
}
