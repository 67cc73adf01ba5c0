package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpFamily;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The operator implementations of the DJL engine, one compiler per {@link OpType}, registered in an
 * {@link EnumMap} by one kernel class per {@link OpFamily} ({@link ElementwiseKernels}, {@link ConvKernels},
 * {@link PoolKernels}, {@link ShapeKernels}, {@link ResizeKernels}, {@link ReductionKernels},
 * {@link QdqKernels}, {@link ConstantKernels}); each must register exactly the operators its family declares
 * in the graph package, which is checked when this class loads. Each compiler reads the node's parameters once
 * (through {@link OpParams}, shared with shape inference) and returns a {@link Kernel} made of libtorch calls,
 * so every op is differentiable. This class also holds the helpers the families share.
 */
public final class Kernels {
    @FunctionalInterface
    interface Compiler {
        Kernel compile(Node n, Graph g, NDManager constants);
    }

    static final Map<OpType, Compiler> REGISTRY = new EnumMap<>(OpType.class);

    static {
        for (OpFamily f : OpFamily.values()) {
            Map<OpType, Compiler> family = new EnumMap<>(OpType.class);
            kernelsOf(f).accept(family);
            if (!family.keySet().equals(f.ops())) {
                throw new IllegalStateException("the kernels of " + f + " cover " + family.keySet()
                        + ", the family declares " + f.ops());
            }
            REGISTRY.putAll(family);
        }
    }

    /** The kernel class of each family (a switch without default: a new family does not compile without one). */
    private static Consumer<Map<OpType, Compiler>> kernelsOf(OpFamily f) {
        return switch (f) {
            case ELEMENTWISE -> ElementwiseKernels::register;
            case CONV -> ConvKernels::register;
            case POOL -> PoolKernels::register;
            case SHAPE -> ShapeKernels::register;
            case RESIZE -> ResizeKernels::register;
            case REDUCTION -> ReductionKernels::register;
            case QDQ -> QdqKernels::register;
            case CONSTANT -> ConstantKernels::register;
        };
    }

    private Kernels() {
    }

    static Kernel compile(Node n, Graph g, NDManager constants) {
        Compiler c = REGISTRY.get(n.op());
        if (c == null) {
            throw new IllegalStateException("no kernel for " + n.op());
        }
        return c.compile(n, g, constants);
    }

    /**
     * A new handle on the same values that stays in the autograd graph. DJL's {@code duplicate()} clones
     * without recording a gradient function, so a kernel returning it cut every gradient flowing through
     * Identity, a bound-less Clip, single-input Max/Min, a no-op Resize or Reduce, and edge/reflect Pad.
     */
    public static NDArray alias(NDArray x) {
        return x.reshape(x.getShape());
    }

    /** The i-th input, or null when the node omits that optional trailing input. */
    static NDArray optional(NDArray[] in, int i) {
        return i < in.length ? in[i] : null;
    }

    static NDArray[] out(NDArray a) {
        return new NDArray[] {a};
    }

    interface Unary {
        NDArray apply(NDArray x);
    }

    static Kernel unary(Unary f) {
        return (in, b) -> out(f.apply(in[0]));
    }

    /** ONNX (begin..., end...) pads to torch's pad order: last axis first, (begin, end) pairs. */
    static long[] torchPad(long[] begin, long[] end) {
        int r = begin.length;
        long[] p = new long[2 * r];
        for (int i = 0; i < r; i++) {
            p[2 * i] = begin[r - 1 - i];
            p[2 * i + 1] = end[r - 1 - i];
        }
        return p;
    }

    /** index_select along one axis (gather with an index broadcast over the other axes). */
    static NDArray select(NDArray x, int axis, long[] idx) {
        long[] s = x.getShape().getShape();
        long[] ishape = new long[s.length];
        Arrays.fill(ishape, 1);
        ishape[axis] = idx.length;
        long[] oshape = s.clone();
        oshape[axis] = idx.length;
        try (NDArray i = DjlRuntime.create(x.getManager(), idx, new Shape(ishape)); NDArray ib = i.broadcast(new Shape(oshape))) {
            return x.gather(ib, axis);
        }
    }
}
