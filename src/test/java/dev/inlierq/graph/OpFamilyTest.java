package dev.inlierq.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every operator is declared by exactly one family, with a shape rule and either a folding rule or an explicit
 * "not foldable"; the foldable set is the one graph preparation has always folded.
 */
class OpFamilyTest {
    @Test
    void everyOperatorHasOneFamilyAShapeRuleAndAFoldingDecision() {
        Set<OpType> seen = EnumSet.noneOf(OpType.class);
        for (OpFamily f : OpFamily.values()) {
            assertTrue(!f.rules().isEmpty(), f + " declares no operator");
            for (OpRule r : f.rules()) {
                assertTrue(seen.add(r.op()), r.op() + " declared twice");
                assertSame(f, OpFamily.of(r.op()));
                assertSame(r, OpFamily.rule(r.op()));
                assertNotNull(r.shape(), r.op() + " has no shape rule");
                assertEquals(r.foldable(), r.fold() != null);
            }
            assertEquals(f.ops().size(), f.rules().size());
        }
        assertEquals(EnumSet.allOf(OpType.class), seen, "operators without a family");
    }

    @Test
    void theFoldableOperatorsAreExactlyTheShapeArithmeticOnes() {
        Set<OpType> foldable = EnumSet.noneOf(OpType.class);
        for (OpType op : OpType.values()) {
            if (ConstantFolder.isFoldable(op)) {
                foldable.add(op);
            }
        }
        assertEquals(EnumSet.of(OpType.Identity, OpType.Cast, OpType.Shape, OpType.Gather,
                OpType.Unsqueeze, OpType.Squeeze, OpType.Concat, OpType.Slice, OpType.Reshape, OpType.Flatten,
                OpType.Transpose, OpType.Add, OpType.Sub, OpType.Mul, OpType.Div, OpType.Equal, OpType.Max, OpType.Min,
                OpType.Neg, OpType.Abs, OpType.Floor, OpType.Ceil, OpType.Sqrt, OpType.Exp, OpType.Where,
                OpType.ConstantOfShape, OpType.Range, OpType.Expand, OpType.Constant, OpType.DequantizeLinear), foldable);
    }

    @Test
    void familiesGroupTheOperatorsAsTheEngineDoes() {
        assertEquals(EnumSet.of(OpType.Conv, OpType.ConvTranspose), OpFamily.CONV.ops());
        assertEquals(EnumSet.of(OpType.Constant, OpType.ConstantOfShape, OpType.Range), OpFamily.CONSTANT.ops());
        assertEquals(OpFamily.SHAPE, OpFamily.of(OpType.Pad));
        assertEquals(OpFamily.REDUCTION, OpFamily.of(OpType.Softmax));
        assertEquals(OpFamily.ELEMENTWISE, OpFamily.of(OpType.BatchNormalization));
    }
}
