package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import java.util.Arrays;
import java.util.Map;

import static dev.inlierq.engine.Kernels.alias;
import static dev.inlierq.engine.Kernels.optional;
import static dev.inlierq.engine.Kernels.out;
import static dev.inlierq.engine.Kernels.torchPad;

/**
 * Convolution kernels: Conv (with a matrix-product path for pointwise convolutions) and ConvTranspose.
 * The kernels of {@link dev.inlierq.graph.OpFamily#CONV}: exactly the operators that family declares.
 */
final class ConvKernels {
    private ConvKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.Conv, ConvKernels::conv);
        registry.put(OpType.ConvTranspose, ConvKernels::convTranspose);
    }

    private static Kernel conv(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        OpParams.Window w = OpParams.window(n, inShape, g.shape(n.input(1)));
        int groups = (int) w.group();
        Shape stride = new Shape(w.strides());
        Shape dil = new Shape(w.dilations());
        if (isPointwise(w, inShape)) {
            return pointwiseConv(g.shape(n.input(1))[0], inShape[1]);
        }
        if (w.symmetricPads()) {
            Shape pad = new Shape(w.padsBegin());
            return (in, b) -> in[0].getNDArrayInternal().convolution(in[0], in[1], optional(in, 2), stride, pad, dil, groups).toArray(new NDArray[0]);
        }
        long[] torchPad = torchPad(w.padsBegin(), w.padsEnd());
        Shape zero = new Shape(new long[w.spatialRank()]);
        return (in, b) -> {
            try (NDArray p = in[0].pad(new Shape(torchPad), 0)) {
                return p.getNDArrayInternal().convolution(p, in[1], optional(in, 2), stride, zero, dil, groups).toArray(new NDArray[0]);
            }
        };
    }

    private static boolean isPointwise(OpParams.Window w, long[] inShape) {
        if (w.group() != 1 || inShape.length != 4) {
            return false;
        }
        for (int i = 0; i < w.spatialRank(); i++) {
            if (w.kernel()[i] != 1 || w.strides()[i] != 1 || w.padsBegin()[i] != 0 || w.padsEnd()[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A 1x1, stride-1, unpadded, ungrouped convolution as a batched matrix product
     * y[n] = W[M, C] x[n][C, H*W] + b: libtorch's NCHW convolution path for 1x1 kernels runs about half as
     * fast as its GEMM on these shapes.
     */
    private static Kernel pointwiseConv(long outChannels, long inChannels) {
        return (in, b) -> {
            long[] s = in[0].getShape().getShape();
            try (NDArray x = in[0].reshape(s[0], inChannels, s[2] * s[3]); NDArray wm = in[1].reshape(outChannels, inChannels);
                    NDArray y = wm.matMul(x)) {
                NDArray withBias;
                NDArray bias = optional(in, 2);
                if (bias != null) {
                    try (NDArray bc = bias.reshape(outChannels, 1)) {
                        withBias = y.add(bc);
                    }
                } else {
                    withBias = alias(y);
                }
                try (NDArray t = withBias) {
                    return out(t.reshape(s[0], outChannels, s[2], s[3]));
                }
            }
        };
    }

    /**
     * ConvTranspose as a stride-1 convolution (DJL's PyTorch engine has no transposed convolution): the
     * input is zero-stuffed (s - 1 zeros after every element along each spatial axis), padded by
     * (k - 1) * d - pad at the begin and (k - 1) * d - pad + output_padding at the end (negative amounts
     * crop), and convolved with the weight transposed per group ([C_in, C_out/g, k...] to
     * [C_out, C_in/g, k...]) and flipped spatially. Every step is an autograd op.
     */
    private static Kernel convTranspose(Node n, Graph g, NDManager m) {
        long[] wShape = g.shape(n.input(1));
        OpParams.TransposedWindow tw = OpParams.transposedWindow(n, g.shape(n.input(0)), wShape);
        OpParams.Window w = tw.window();
        int groups = (int) w.group();
        int sr = w.spatialRank();
        long[] s = w.strides();
        long[] d = w.dilations();
        long[] begin = new long[sr];
        long[] end = new long[sr];
        boolean strided = false;
        boolean crops = false;
        for (int i = 0; i < sr; i++) {
            long reach = (wShape[2 + i] - 1) * d[i];
            begin[i] = reach - w.padsBegin()[i];
            // the stuffed input carries s - 1 trailing zeros already
            end[i] = reach - w.padsEnd()[i] + tw.outputPadding()[i] - (s[i] - 1);
            strided |= s[i] != 1;
            crops |= begin[i] < 0 || end[i] < 0;
        }
        long[] torchPad = torchPad(Arrays.stream(begin).map(v -> Math.max(0, v)).toArray(),
                Arrays.stream(end).map(v -> Math.max(0, v)).toArray());
        long[] stuffPad = stuffPad(s);
        long cinG = wShape[0] / groups;
        long coutG = wShape[1];
        long[] grouped = groupedWeightShape(wShape, groups, cinG, coutG);
        int[] swap = swapFirstTwoAfterGroup(grouped.length);
        long[] convW = wShape.clone();
        convW[0] = groups * coutG;
        convW[1] = cinG;
        int[] spatial = spatialAxes(sr);
        Shape ones = new Shape(ones(sr));
        Shape zero = new Shape(new long[sr]);
        Shape dil = new Shape(d);
        boolean fStrided = strided;
        boolean fCrops = crops;
        return (in, b) -> {
            NDArray x = in[0];
            NDArray stuffed = fStrided ? zeroStuff(x, s, stuffPad) : x;
            NDArray padded = stuffed.pad(new Shape(torchPad), 0);
            if (stuffed != x) {
                stuffed.close();
            }
            if (fCrops) {
                padded = cropNegativePads(padded, begin, end);
            }
            try (NDArray wg = in[1].reshape(grouped); NDArray wt = wg.transpose(swap); NDArray wr = wt.reshape(convW);
                    NDArray wf = wr.flip(spatial); NDArray px = padded) {
                return px.getNDArrayInternal().convolution(px, wf, optional(in, 2), ones, zero, dil, groups)
                        .toArray(new NDArray[0]);
            }
        };
    }

    /** Zero-stuffing pads of the view [N, C, d1, 1, d2, 1, ...]: s - 1 after each inserted axis. */
    private static long[] stuffPad(long[] s) {
        int sr = s.length;
        long[] stuffPad = new long[4 * sr];
        for (int i = 0; i < sr; i++) {
            int pairFromLast = 2 * (sr - 1 - i); // the inserted axis after spatial axis i
            stuffPad[2 * pairFromLast + 1] = s[i] - 1;
        }
        return stuffPad;
    }

    /** The ConvTranspose weight [C_in, C_out/g, k...] viewed per group: [g, C_in/g, C_out/g, k...]. */
    private static long[] groupedWeightShape(long[] wShape, int groups, long cinG, long coutG) {
        int sr = wShape.length - 2;
        long[] grouped = new long[wShape.length + 1];
        grouped[0] = groups;
        grouped[1] = cinG;
        grouped[2] = coutG;
        System.arraycopy(wShape, 2, grouped, 3, sr);
        return grouped;
    }

    /** The permutation that swaps axes 1 and 2 (C_in/g and C_out/g of the grouped weight). */
    private static int[] swapFirstTwoAfterGroup(int rank) {
        int[] swap = new int[rank];
        for (int i = 0; i < swap.length; i++) {
            swap[i] = i;
        }
        swap[1] = 2;
        swap[2] = 1;
        return swap;
    }

    private static int[] spatialAxes(int sr) {
        int[] spatial = new int[sr];
        for (int i = 0; i < sr; i++) {
            spatial[i] = 2 + i;
        }
        return spatial;
    }

    /** x with s - 1 zeros inserted after every element along each spatial axis (s the strides). */
    private static NDArray zeroStuff(NDArray x, long[] s, long[] stuffPad) {
        int sr = s.length;
        long[] xs = x.getShape().getShape();
        long[] expanded = new long[2 + 2 * sr];
        long[] merged = new long[2 + sr];
        expanded[0] = merged[0] = xs[0];
        expanded[1] = merged[1] = xs[1];
        for (int i = 0; i < sr; i++) {
            expanded[2 + 2 * i] = xs[2 + i];
            expanded[3 + 2 * i] = 1;
            merged[2 + i] = xs[2 + i] * s[i];
        }
        try (NDArray r = x.reshape(expanded); NDArray p = r.pad(new Shape(stuffPad), 0)) {
            return p.reshape(merged);
        }
    }

    /** Crops the spatial axes by the negative begin/end amounts (closing the uncropped array). */
    private static NDArray cropNegativePads(NDArray padded, long[] begin, long[] end) {
        int sr = begin.length;
        long[] ps = padded.getShape().getShape();
        NDIndex idx = new NDIndex().addAllDim().addAllDim();
        for (int i = 0; i < sr; i++) {
            idx.addSliceDim(Math.max(0, -begin[i]), ps[2 + i] - Math.max(0, -end[i]));
        }
        NDArray cropped = padded.get(idx);
        padded.close();
        return cropped;
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }
}
