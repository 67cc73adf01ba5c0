package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.UnsupportedModelException;
import org.junit.jupiter.api.Test;

/** Folding rules one node at a time: exact values, element types and shapes of the folded constants. */
class FoldRulesTest {
    private static final long[] SCALAR = {};

    private static Nodes.Values at(int opset) {
        return new Nodes.Values(opset);
    }

    private static ConstTensor longs(long[] shape, long... v) {
        return ConstTensor.ofLongs(shape, v);
    }

    private static ConstTensor floats(long[] shape, float... v) {
        return ConstTensor.ofFloats(shape, v);
    }

    private static void assertLongs(ConstTensor t, DType type, long[] shape, long... values) {
        assertEquals(type, t.type());
        assertArrayEquals(shape, t.shape());
        assertTrue(!t.isFloating(), "integer tensor expected");
        assertArrayEquals(values, t.longs());
    }

    private static void assertFloats(ConstTensor t, long[] shape, float... values) {
        assertTrue(t.isFloating(), "float tensor expected");
        assertArrayEquals(shape, t.shape());
        assertArrayEquals(values, t.floats());
    }

    @Test
    void constantNodesInEveryValueForm() {
        Nodes.Values v = at(13);
        assertLongs(v.fold(op(OpType.Constant).tensor("value", ConstTensor.vector(1, 48)).build()), DType.INT64,
                new long[] {2}, 1, 48);
        assertFloats(v.fold(op(OpType.Constant).f("value_float", 0.5f).build()), SCALAR, 0.5f);
        assertFloats(v.fold(op(OpType.Constant).floats("value_floats", 1, 2).build()), new long[] {2}, 1, 2);
        assertLongs(v.fold(op(OpType.Constant).i("value_int", -3).build()), DType.INT64, SCALAR, -3);
        assertLongs(v.fold(op(OpType.Constant).ints("value_ints", 4, 5, 6).build()), DType.INT64, new long[] {3}, 4, 5, 6);
        assertThrows(UnsupportedModelException.class, () -> v.fold(op(OpType.Constant).str("value_string", "a").build()));
    }

    @Test
    void castTruncatesToIntegersAndMakesBooleans() {
        Nodes.Values v = at(13).constant("f", floats(new long[] {3}, 1.7f, -1.7f, 0.2f)).longs("i", 3, 0);
        assertLongs(v.fold(op(OpType.Cast, "f").i("to", 7).build()), DType.INT64, new long[] {3}, 1, -1, 0);
        assertLongs(v.fold(op(OpType.Cast, "f").i("to", 9).build()), DType.BOOL, new long[] {3}, 1, 1, 1);
        assertLongs(v.fold(op(OpType.Cast, "i").i("to", 9).build()), DType.BOOL, new long[] {2}, 1, 0);
        assertFloats(v.fold(op(OpType.Cast, "i").i("to", 1).build()), new long[] {2}, 3, 0);
        assertLongs(v.fold(op(OpType.Cast, "i").i("to", 6).build()), DType.INT32, new long[] {2}, 3, 0);
    }

    @Test
    void shapeWithStartAndEnd() {
        Nodes.Values v = at(15).dims("x", 1, 3, 8, 9);
        assertLongs(v.fold(op(OpType.Shape, "x").build()), DType.INT64, new long[] {4}, 1, 3, 8, 9);
        assertLongs(v.fold(op(OpType.Shape, "x").i("start", 2).build()), DType.INT64, new long[] {2}, 8, 9);
        assertLongs(v.fold(op(OpType.Shape, "x").i("end", -1).build()), DType.INT64, new long[] {3}, 1, 3, 8);
        assertLongs(v.fold(op(OpType.Shape, "x").i("start", -10).i("end", 1).build()), DType.INT64, new long[] {1}, 1);
    }

    @Test
    void gatherSliceConcatTransposeExpand() {
        Nodes.Values v = at(13).longs("d", 10, 20, 30, 40).constant("last", longs(SCALAR, -1)).longs("i02", 0, 2)
                .constant("m", longs(new long[] {2, 3}, 1, 2, 3, 4, 5, 6)).longs("i20", 2, 0)
                .longs("s", -1).longs("e", Long.MIN_VALUE).longs("a", 0).longs("st", -2)
                .longs("one", 1).longs("m1", -1).constant("f48", floats(new long[] {1}, 48f))
                .constant("c2", longs(new long[] {2, 1}, 5, 6)).longs("t", 3, 1).longs("p", 1, 2);
        assertLongs(v.fold(op(OpType.Gather, "d", "last").build()), DType.INT64, SCALAR, 40);
        assertLongs(v.fold(op(OpType.Gather, "d", "i02").build()), DType.INT64, new long[] {2}, 10, 30);
        assertLongs(v.fold(op(OpType.Gather, "m", "i20").i("axis", 1).build()), DType.INT64, new long[] {2, 2},
                3, 1, 6, 4);
        assertLongs(v.fold(op(OpType.Slice, "d", "s", "e", "a", "st").build()), DType.INT64, new long[] {2}, 40, 20);
        assertLongs(v.fold(op(OpType.Concat, "one", "m1", "d").i("axis", 0).build()), DType.INT64, new long[] {6},
                1, -1, 10, 20, 30, 40);
        assertFloats(v.fold(op(OpType.Concat, "one", "f48").i("axis", 0).build()), new long[] {2}, 1, 48);
        assertLongs(v.fold(op(OpType.Concat, "m", "c2").i("axis", -1).build()), DType.INT64, new long[] {2, 4},
                1, 2, 3, 5, 4, 5, 6, 6);
        assertLongs(v.fold(op(OpType.Transpose, "m").build()), DType.INT64, new long[] {3, 2}, 1, 4, 2, 5, 3, 6);
        assertLongs(v.fold(op(OpType.Expand, "p", "t").build()), DType.INT64, new long[] {3, 2}, 1, 2, 1, 2, 1, 2);
    }

    @Test
    void reshapeLikeOpsKeepValuesAndType() {
        Nodes.Values v = at(11).constant("m", longs(new long[] {2, 3}, 1, 2, 3, 4, 5, 6)).longs("t", 3, -1)
                .constant("s", longs(SCALAR, 7));
        assertLongs(v.fold(op(OpType.Reshape, "m", "t").build()), DType.INT64, new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        assertLongs(v.fold(op(OpType.Flatten, "m").i("axis", 0).build()), DType.INT64, new long[] {1, 6},
                1, 2, 3, 4, 5, 6);
        assertLongs(v.fold(op(OpType.Unsqueeze, "s").ints("axes", 0).build()), DType.INT64, new long[] {1}, 7);
        assertLongs(v.fold(op(OpType.Identity, "s").build()), DType.INT64, SCALAR, 7);
    }

    @Test
    void arithmeticKeepsIntegersIntegral() {
        Nodes.Values v = at(13).longs("a", 7, -7, 3).constant("two", longs(SCALAR, 2))
                .constant("f", floats(new long[] {3}, 7, -7, 3)).longs("b", 7, 0, 5);
        assertLongs(v.fold(op(OpType.Div, "a", "two").build()), DType.INT64, new long[] {3}, 3, -3, 1);
        assertFloats(v.fold(op(OpType.Div, "f", "two").build()), new long[] {3}, 3.5f, -3.5f, 1.5f);
        assertFloats(v.fold(op(OpType.Mul, "two", "f").build()), new long[] {3}, 14, -14, 6);
        assertLongs(v.fold(op(OpType.Add, "a", "two").build()), DType.INT64, new long[] {3}, 9, -5, 5);
        assertLongs(v.fold(op(OpType.Sub, "two", "a").build()), DType.INT64, new long[] {3}, -5, 9, -1);
        assertLongs(v.fold(op(OpType.Max, "a", "b").build()), DType.INT64, new long[] {3}, 7, 0, 5);
        assertLongs(v.fold(op(OpType.Min, "a", "b").build()), DType.INT64, new long[] {3}, 7, -7, 3);
        assertLongs(v.fold(op(OpType.Equal, "a", "b").build()), DType.BOOL, new long[] {3}, 1, 0, 0);
    }

    @Test
    void maxAndMinFoldEveryInput() {
        Nodes.Values v = at(13).longs("a", 7, -7, 3).longs("b", 7, 0, 5).constant("c", longs(SCALAR, 4));
        assertLongs(v.fold(op(OpType.Max, "a", "b", "c").build()), DType.INT64, new long[] {3}, 7, 4, 5);
        assertLongs(v.fold(op(OpType.Min, "a", "b", "c").build()), DType.INT64, new long[] {3}, 4, -7, 3);
        assertLongs(v.fold(op(OpType.Max, "a").build()), DType.INT64, new long[] {3}, 7, -7, 3);
    }

    @Test
    void unaryMathAndWhere() {
        Nodes.Values v = at(13).constant("f", floats(new long[] {3}, -2.5f, 0, 4)).longs("i", -9, 9, 16)
                .constant("c", ConstTensor.ofLongs(DType.BOOL, new long[] {3}, new long[] {1, 0, 1}))
                .constant("zero", floats(SCALAR, 0));
        assertFloats(v.fold(op(OpType.Neg, "f").build()), new long[] {3}, 2.5f, -0f, -4);
        assertFloats(v.fold(op(OpType.Abs, "f").build()), new long[] {3}, 2.5f, 0, 4);
        assertFloats(v.fold(op(OpType.Floor, "f").build()), new long[] {3}, -3, 0, 4);
        assertFloats(v.fold(op(OpType.Ceil, "f").build()), new long[] {3}, -2, 0, 4);
        assertFloats(v.fold(op(OpType.Exp, "f").build()), new long[] {3}, (float) Math.exp(-2.5), 1, (float) Math.exp(4));
        assertLongs(v.fold(op(OpType.Sqrt, "i").build()), DType.INT64, new long[] {3}, 0, 3, 4);
        assertFloats(v.fold(op(OpType.Where, "c", "f", "zero").build()), new long[] {3}, -2.5f, 0, 4);
        assertLongs(v.fold(op(OpType.Where, "c", "i", "i").build()), DType.INT64, new long[] {3}, -9, 9, 16);
    }

    @Test
    void constantOfShapeAndRange() {
        Nodes.Values v = at(13).longs("dims", 2, 3).longs("two", 2)
                .constant("i0", longs(SCALAR, 0)).constant("i10", longs(SCALAR, 10)).constant("i3", longs(SCALAR, 3))
                .constant("f1", floats(SCALAR, 1)).constant("f2", floats(SCALAR, 2)).constant("fq", floats(SCALAR, 0.25f))
                .constant("i5", longs(SCALAR, 5)).constant("im2", longs(SCALAR, -2));
        assertFloats(v.fold(op(OpType.ConstantOfShape, "dims").build()), new long[] {2, 3}, 0, 0, 0, 0, 0, 0);
        assertLongs(v.fold(op(OpType.ConstantOfShape, "two").tensor("value", ConstTensor.vector(7)).build()),
                DType.INT64, new long[] {2}, 7, 7);
        assertFloats(v.fold(op(OpType.ConstantOfShape, "two").tensor("value", floats(new long[] {1}, 0.5f)).build()),
                new long[] {2}, 0.5f, 0.5f);
        assertLongs(v.fold(op(OpType.Range, "i0", "i10", "i3").build()), DType.INT64, new long[] {4}, 0, 3, 6, 9);
        assertFloats(v.fold(op(OpType.Range, "f1", "f2", "fq").build()), new long[] {4}, 1, 1.25f, 1.5f, 1.75f);
        assertLongs(v.fold(op(OpType.Range, "i5", "i0", "im2").build()), DType.INT64, new long[] {3}, 5, 3, 1);
        assertLongs(v.fold(op(OpType.Range, "i5", "i0", "i3").build()), DType.INT64, new long[] {0});
    }

    @Test
    void dequantizeLinearPerTensorAndPerAxis() {
        Nodes.Values v = at(13)
                .constant("q", ConstTensor.ofLongs(DType.INT8, new long[] {3}, new long[] {-128, 0, 127}))
                .constant("s", floats(SCALAR, 0.5f))
                .constant("w", ConstTensor.ofLongs(DType.UINT8, new long[] {2, 2}, new long[] {10, 20, 30, 40}))
                .constant("sc", floats(new long[] {2}, 1, 0.5f))
                .constant("zp", ConstTensor.ofLongs(DType.UINT8, new long[] {2}, new long[] {10, 20}))
                .constant("sc3", floats(new long[] {3}, 1, 1, 1));
        assertFloats(v.fold(op(OpType.DequantizeLinear, "q", "s").build()), new long[] {3}, -64, 0, 63.5f);
        assertFloats(v.fold(op(OpType.DequantizeLinear, "w", "sc", "zp").i("axis", 0).build()), new long[] {2, 2},
                0, 10, 5, 10);
        assertFloats(v.fold(op(OpType.DequantizeLinear, "w", "sc", "zp").build()), new long[] {2, 2}, 0, 0, 20, 10);
        assertThrows(UnsupportedModelException.class, () -> v.fold(op(OpType.DequantizeLinear, "w", "sc3").build()));
    }

    @Test
    void opsWithoutAFoldingRuleAreRefused() {
        Nodes.Values v = at(13).constant("f", floats(new long[] {2}, -1, 1));
        var e = assertThrows(UnsupportedModelException.class, () -> v.fold(op(OpType.Relu, "f").build()));
        assertTrue(e.getMessage().contains("cannot be folded"), e.getMessage());
    }
}
