package dev.inlierq.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The graph-side definition of one operator: its shape rule and its folding rule, or the explicit statement
 * that it is never folded (its values then come only from a kernel at run time).
 *
 * @param op    the operator
 * @param shape how its output shapes follow from its inputs
 * @param fold  how it is evaluated on constant inputs; null exactly when made by {@link #notFoldable}
 */
public record OpRule(OpType op, ShapeRule shape, FoldRule fold) {
    public OpRule {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(shape, "shape rule of " + op);
    }

    /** An operator graph preparation evaluates when all its inputs are constant. */
    public static OpRule folding(OpType op, ShapeRule shape, FoldRule fold) {
        return new OpRule(op, shape, Objects.requireNonNull(fold, "folding rule of " + op));
    }

    /** An operator that is only ever run by a kernel. */
    public static OpRule notFoldable(OpType op, ShapeRule shape) {
        return new OpRule(op, shape, null);
    }

    public boolean foldable() {
        return fold != null;
    }

    /** Collects the rules of one family, several operators sharing one rule at a time. */
    static final class Builder {
        private final List<OpRule> rules = new ArrayList<>();

        Builder folding(ShapeRule shape, FoldRule fold, OpType... ops) {
            for (OpType op : ops) {
                rules.add(OpRule.folding(op, shape, fold));
            }
            return this;
        }

        Builder notFoldable(ShapeRule shape, OpType... ops) {
            for (OpType op : ops) {
                rules.add(OpRule.notFoldable(op, shape));
            }
            return this;
        }

        List<OpRule> build() {
            return List.copyOf(rules);
        }
    }
}
