package dev.inlierq.graph;

import static dev.inlierq.graph.ShapeInference.one;

import java.util.Arrays;
import java.util.List;

/**
 * The pooling family's rules: MaxPool and AveragePool (window arithmetic of {@link OpParams}, ceil_mode
 * included) and GlobalAveragePool; never folded. Kernels: {@code engine.PoolKernels}.
 */
final class PoolOps {
    private PoolOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .notFoldable(PoolOps::pool, OpType.MaxPool, OpType.AveragePool)
                .notFoldable(PoolOps::globalPool, OpType.GlobalAveragePool)
                .build();
    }

    /** Every output (MaxPool's optional indices too) has the pooled shape. */
    private static long[][] pool(Node n, long[] x, ValueLookup v) {
        OpParams.Window win = OpParams.window(n, x, null);
        long[] out = x.clone();
        for (int i = 0; i < win.spatialRank(); i++) {
            out[2 + i] = win.outSize(i, x[2 + i]);
        }
        long[][] r = new long[n.outputs().size()][];
        Arrays.fill(r, out);
        return r;
    }

    private static long[][] globalPool(Node n, long[] x, ValueLookup v) {
        long[] out = x.clone();
        for (int i = 2; i < out.length; i++) {
            out[i] = 1;
        }
        return one(out);
    }
}
