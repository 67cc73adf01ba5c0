package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.Shapes;
import java.util.Arrays;
import java.util.Map;

import static dev.inlierq.engine.Kernels.out;
import static dev.inlierq.engine.Kernels.unary;

/**
 * Reductions (ReduceMean/Sum/Max), Softmax and the matrix products MatMul and Gemm.
 * The kernels of {@link dev.inlierq.graph.OpFamily#REDUCTION}: exactly the operators that family declares.
 */
final class ReductionKernels {
    private ReductionKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.Softmax, ReductionKernels::softmax);
        registry.put(OpType.MatMul, (n, g, m) -> (in, b) -> out(in[0].matMul(in[1])));
        registry.put(OpType.Gemm, ReductionKernels::gemm);
        registry.put(OpType.ReduceMean, (n, g, m) -> reduce(n, g, (x, a, k) -> x.mean(a, k)));
        registry.put(OpType.ReduceSum, (n, g, m) -> reduce(n, g, (x, a, k) -> x.sum(a, k)));
        registry.put(OpType.ReduceMax, (n, g, m) -> reduce(n, g, (x, a, k) -> x.max(a, k)));
    }

    private static Kernel softmax(Node n, Graph g, NDManager m) {
        int rank = g.shape(n.input(0)).length;
        int axis = OpParams.softmaxAxis(n, rank, g);
        if (!OpParams.legacySoftmax(g) || axis == rank - 1) {
            return unary(x -> x.softmax(axis));
        }
        return unary(x -> {
            long[] s = x.getShape().getShape();
            long outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= s[i];
            }
            try (NDArray flat = x.reshape(outer, -1); NDArray sm = flat.softmax(1)) {
                return sm.reshape(s);
            }
        });
    }

    private static Kernel gemm(Node n, Graph g, NDManager m) {
        float alpha = n.attrs().getFloat("alpha", 1f);
        float beta = n.attrs().getFloat("beta", 1f);
        boolean ta = n.attrs().getInt("transA", 0) != 0;
        boolean tb = n.attrs().getInt("transB", 0) != 0;
        NDArray alphaArray = Scalars.of(m, alpha);
        NDArray betaArray = Scalars.of(m, beta);
        return (in, b) -> {
            NDArray a = ta ? in[0].transpose() : in[0];
            NDArray w = tb ? in[1].transpose() : in[1];
            NDArray y = a.matMul(w);
            if (a != in[0]) {
                a.close();
            }
            if (w != in[1]) {
                w.close();
            }
            if (alpha != 1f) {
                NDArray t = y.mul(alphaArray);
                y.close();
                y = t;
            }
            if (in.length > 2 && in[2] != null) {
                NDArray c = beta == 1f ? in[2] : in[2].mul(betaArray);
                NDArray t = y.add(c);
                y.close();
                if (c != in[2]) {
                    c.close();
                }
                y = t;
            }
            return out(y);
        };
    }

    interface Reducer {
        NDArray apply(NDArray x, int[] axes, boolean keep);
    }

    private static Kernel reduce(Node n, Graph g, Reducer f) {
        int rank = g.shape(n.input(0)).length;
        long[] axes = OpParams.axes(n, g);
        boolean keep = n.attrs().getInt("keepdims", 1) != 0;
        boolean noop = n.attrs().getInt("noop_with_empty_axes", 0) != 0;
        if ((axes == null || axes.length == 0) && noop) {
            return unary(Kernels::alias);
        }
        int[] ax;
        if (axes == null || axes.length == 0) {
            ax = new int[rank];
            for (int i = 0; i < rank; i++) {
                ax[i] = i;
            }
        } else {
            ax = Arrays.stream(axes).mapToInt(a -> Shapes.axis(a, rank)).toArray();
        }
        return unary(x -> reduceAxes(x, ax, keep, (t, a) -> f.apply(t, new int[] {a}, true)));
    }

    interface AxisReducer {
        NDArray apply(NDArray x, int axis);
    }

    /** Reduces one axis at a time (libtorch's bindings take a single axis), keeping dims until the end. */
    static NDArray reduceAxes(NDArray x, int[] axes, boolean keep, AxisReducer f) {
        int[] sorted = axes.clone();
        Arrays.sort(sorted);
        NDArray cur = x;
        for (int i = sorted.length - 1; i >= 0; i--) {
            NDArray next = f.apply(cur, sorted[i]);
            if (cur != x) {
                cur.close();
            }
            cur = next;
        }
        if (keep) {
            return cur;
        }
        long[] s = cur.getShape().getShape();
        long[] o = new long[s.length - sorted.length];
        int j = 0;
        for (int i = 0; i < s.length; i++) {
            if (Arrays.binarySearch(sorted, i) < 0) {
                o[j++] = s[i];
            }
        }
        NDArray r = cur.reshape(o);
        cur.close();
        return r;
    }
}
