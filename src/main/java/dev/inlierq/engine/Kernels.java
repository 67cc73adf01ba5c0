package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The operator implementations of the DJL engine, one compiler per {@link OpType}, registered in an
 * {@link EnumMap} by the op-family classes ({@link ElementwiseKernels}, {@link ConvKernels},
 * {@link PoolKernels}, {@link ShapeKernels}, {@link ResizeKernels}, {@link ReductionKernels},
 * {@link QdqKernels}). Each compiler reads the node's parameters once (through {@link OpParams}, shared with
 * shape inference) and returns a {@link Kernel} made of libtorch calls, so every op is differentiable.
 * This class also holds the helpers the families share.
 */
public final class Kernels {
    @FunctionalInterface
    interface Compiler {
        Kernel compile(Node n, Graph g, NDManager constants);
    }

    static final Map<OpType, Compiler> REGISTRY = new EnumMap<>(OpType.class);

    static {
        ElementwiseKernels.register(REGISTRY);
        ConvKernels.register(REGISTRY);
        PoolKernels.register(REGISTRY);
        ShapeKernels.register(REGISTRY);
        ResizeKernels.register(REGISTRY);
        ReductionKernels.register(REGISTRY);
        QdqKernels.register(REGISTRY);
        REGISTRY.put(OpType.Constant, Kernels::constantOnly);
        REGISTRY.put(OpType.ConstantOfShape, Kernels::constantOnly);
        REGISTRY.put(OpType.Range, Kernels::constantOnly);
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

    private static Kernel constantOnly(Node n, Graph g, NDManager m) {
        throw new UnsupportedModelException(n, "must have constant inputs (it could not be folded)");
    }
}
