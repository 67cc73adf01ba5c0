package dev.inlierq.graph;

/**
 * How an operator is evaluated on constant inputs, on plain Java arrays, at graph preparation (the
 * operators of shape sub-graphs and simple arithmetic), declared per operator in its {@link OpFamily}.
 */
@FunctionalInterface
public interface FoldRule {
    /**
     * @param n        the node
     * @param in       the constant of each input (null for an omitted optional input)
     * @param inShape0 the static shape of the first input (for Shape, the only thing it needs)
     * @param outShape the first output's inferred shape (null for ops folded without a shape rule)
     * @param v        shapes and constants, for parameters read through {@link OpParams}
     * @return the first output's value
     */
    ConstTensor fold(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v);
}
