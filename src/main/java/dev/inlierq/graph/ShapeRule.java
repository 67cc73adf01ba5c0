package dev.inlierq.graph;

/**
 * How an operator's output shapes follow from its inputs (the ONNX operator specification's shape
 * inference), declared per operator in its {@link OpFamily}.
 */
@FunctionalInterface
public interface ShapeRule {
    /**
     * @param n the node
     * @param x the static shape of its first input (never null: without it there is no shape)
     * @param v shapes and constants of the other inputs
     * @return one shape per output, or null when an input the rule needs is not known statically
     */
    long[][] infer(Node n, long[] x, ValueLookup v);
}
