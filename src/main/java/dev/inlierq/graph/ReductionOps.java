package dev.inlierq.graph;

import static dev.inlierq.graph.ShapeInference.contains;
import static dev.inlierq.graph.ShapeInference.one;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reduction family's rules: ReduceMean/Sum/Max (axes from the attribute or the input, by opset),
 * Softmax, MatMul (numpy matmul broadcasting) and Gemm; never folded. Kernels: {@code engine.ReductionKernels}.
 */
final class ReductionOps {
    private ReductionOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .notFoldable(ShapeInference::same, OpType.Softmax)
                .notFoldable(ReductionOps::matMul, OpType.MatMul)
                .notFoldable(ReductionOps::gemm, OpType.Gemm)
                .notFoldable(ReductionOps::reduce, OpType.ReduceMean, OpType.ReduceSum, OpType.ReduceMax)
                .build();
    }

    private static long[][] matMul(Node n, long[] x, ValueLookup v) {
        long[] b = v.shape(n.input(1));
        if (b == null) {
            return null;
        }
        return one(matmulShape(x, b));
    }

    private static long[][] gemm(Node n, long[] x, ValueLookup v) {
        Attributes a = n.attrs();
        long[] b = v.shape(n.input(1));
        long m = a.getInt("transA", 0) != 0 ? x[1] : x[0];
        long nn = a.getInt("transB", 0) != 0 ? b[0] : b[1];
        return one(new long[] {m, nn});
    }

    private static long[][] reduce(Node n, long[] x, ValueLookup v) {
        Attributes a = n.attrs();
        long[] axes = OpParams.axes(n, v);
        boolean keep = a.getInt("keepdims", 1) != 0;
        boolean noop = a.getInt("noop_with_empty_axes", 0) != 0;
        if ((axes == null || axes.length == 0) && noop) {
            return one(x);
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            boolean red = axes == null || axes.length == 0 || contains(axes, i, x.length);
            if (!red) {
                out.add(x[i]);
            } else if (keep) {
                out.add(1L);
            }
        }
        return one(out.stream().mapToLong(Long::longValue).toArray());
    }

    private static long[] matmulShape(long[] a, long[] b) {
        long[] aa = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] bb = b.length == 1 ? new long[] {b[0], 1} : b;
        long[] batchA = Arrays.copyOf(aa, aa.length - 2);
        long[] batchB = Arrays.copyOf(bb, bb.length - 2);
        long[] batch = Shapes.broadcast(batchA, batchB);
        List<Long> out = new ArrayList<>();
        for (long d : batch) {
            out.add(d);
        }
        if (a.length > 1) {
            out.add(aa[aa.length - 2]);
        }
        if (b.length > 1) {
            out.add(bb[bb.length - 1]);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
