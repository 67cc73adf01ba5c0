package dev.inlierq.graph;

import static dev.inlierq.graph.ShapeInference.one;

import java.util.List;

/**
 * The convolution family's rules: Conv and ConvTranspose, sized by the window arithmetic of {@link OpParams};
 * never folded. Kernels: {@code engine.ConvKernels}.
 */
final class ConvOps {
    private ConvOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .notFoldable(ConvOps::conv, OpType.Conv)
                .notFoldable(ConvOps::convTranspose, OpType.ConvTranspose)
                .build();
    }

    private static long[][] conv(Node n, long[] x, ValueLookup v) {
        long[] w = v.shape(n.input(1));
        OpParams.Window win = OpParams.window(n, x, w);
        long[] out = new long[x.length];
        out[0] = x[0];
        out[1] = w[0];
        for (int i = 0; i < win.spatialRank(); i++) {
            out[2 + i] = win.outSize(i, x[2 + i]);
        }
        return one(out);
    }

    private static long[][] convTranspose(Node n, long[] x, ValueLookup v) {
        long[] w = v.shape(n.input(1));
        OpParams.TransposedWindow tw = OpParams.transposedWindow(n, x, w);
        long[] out = new long[x.length];
        out[0] = x[0];
        out[1] = w[1] * tw.window().group();
        System.arraycopy(tw.outSpatial(), 0, out, 2, tw.outSpatial().length);
        return one(out);
    }
}
