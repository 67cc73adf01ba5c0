package dev.inlierq.graph;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator families. Each family's class in this package declares, for every operator of the family,
 * its shape rule and its folding rule (or that it is not foldable); the engine's kernel class of the same
 * family ({@code dev.inlierq.engine.<Family>Kernels}) implements exactly the same operators. Every
 * {@link OpType} belongs to exactly one family, checked when this class loads. See docs/design.md, "Adding an
 * operator".
 */
public enum OpFamily {
    /** Activations, arithmetic, comparison, Where, Cast, Identity and BatchNormalization ({@link ElementwiseOps}). */
    ELEMENTWISE(ElementwiseOps.rules()),
    /** Conv and ConvTranspose ({@link ConvOps}). */
    CONV(ConvOps.rules()),
    /** MaxPool, AveragePool, GlobalAveragePool ({@link PoolOps}). */
    POOL(PoolOps.rules()),
    /** Tensor layout and shape ops: Reshape, Concat, Slice, Gather, Transpose, Pad, Shape, ... ({@link ShapeOps}). */
    SHAPE(ShapeOps.rules()),
    /** Resize and Upsample ({@link ResizeOps}). */
    RESIZE(ResizeOps.rules()),
    /** Reductions, Softmax, MatMul and Gemm ({@link ReductionOps}). */
    REDUCTION(ReductionOps.rules()),
    /** QuantizeLinear and DequantizeLinear ({@link QdqOps}). */
    QDQ(QdqOps.rules()),
    /** Constant, ConstantOfShape and Range: values made from attributes and constants ({@link ConstantOps}). */
    CONSTANT(ConstantOps.rules());

    private static final Map<OpType, OpRule> RULES = new EnumMap<>(OpType.class);
    private static final Map<OpType, OpFamily> FAMILY = new EnumMap<>(OpType.class);

    static {
        for (OpFamily f : values()) {
            for (OpRule r : f.rules) {
                OpFamily before = FAMILY.put(r.op(), f);
                if (before != null) {
                    throw new IllegalStateException(r.op() + " is declared by both " + before + " and " + f);
                }
                RULES.put(r.op(), r);
            }
        }
        Set<OpType> missing = EnumSet.allOf(OpType.class);
        missing.removeAll(RULES.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("operators without a family: " + missing);
        }
    }

    private final List<OpRule> rules;
    private final Set<OpType> ops;

    OpFamily(List<OpRule> rules) {
        this.rules = rules;
        Set<OpType> s = EnumSet.noneOf(OpType.class);
        rules.forEach(r -> s.add(r.op()));
        this.ops = Collections.unmodifiableSet(s);
    }

    /** The operators of this family. */
    public Set<OpType> ops() {
        return ops;
    }

    /** The rules of this family's operators, in declaration order. */
    public List<OpRule> rules() {
        return rules;
    }

    /** The family an operator belongs to. */
    public static OpFamily of(OpType op) {
        return FAMILY.get(op);
    }

    /** The shape and folding rule of an operator. */
    public static OpRule rule(OpType op) {
        return RULES.get(op);
    }
}
