package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import java.util.Arrays;
import java.util.Map;

import static dev.inlierq.engine.Kernels.alias;
import static dev.inlierq.engine.Kernels.torchPad;
import static dev.inlierq.engine.Kernels.unary;

/**
 * Pooling kernels: MaxPool, AveragePool and GlobalAveragePool, sized exactly as ONNX sizes their outputs.
 * The kernels of {@link dev.inlierq.graph.OpFamily#POOL}: exactly the operators that family declares.
 */
final class PoolKernels {
    private PoolKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.MaxPool, PoolKernels::maxPool);
        registry.put(OpType.AveragePool, PoolKernels::avgPool);
        registry.put(OpType.GlobalAveragePool, (n, g, m) -> {
            int rank = g.shape(n.input(0)).length;
            int[] axes = new int[rank - 2];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i + 2;
            }
            return unary(x -> ReductionKernels.reduceAxes(x, axes, true, (t, a) -> t.mean(new int[] {a}, true)));
        });
    }

    private static Kernel maxPool(Node n, Graph g, NDManager m) {
        OpParams.Window w = OpParams.window(n, g.shape(n.input(0)), null);
        for (long d : w.dilations()) {
            if (d != 1) {
                throw new UnsupportedModelException(n, "dilated MaxPool is not supported");
            }
        }
        if (n.outputs().size() > 1) {
            throw new UnsupportedModelException(n, "MaxPool indices output is not supported");
        }
        Shape kernel = new Shape(w.kernel());
        Shape stride = new Shape(w.strides());
        boolean ceil = w.ceilMode();
        long[] inShape = g.shape(n.input(0));
        if (w.spatialRank() == 2 && inShape.length == 4) {
            return slicedMaxPool(w, inShape);
        }
        if (w.symmetricPads() && allAtMostHalf(w.padsBegin(), w.kernel())) {
            Shape pad = new Shape(w.padsBegin());
            return unary(x -> x.getNDArrayInternal().maxPool(kernel, stride, pad, ceil));
        }
        long[] torchPad = torchPad(w.padsBegin(), exactEndPads(w, g.shape(n.input(0))));
        Shape zero = new Shape(new long[w.spatialRank()]);
        return unary(x -> {
            try (NDArray p = x.pad(new Shape(torchPad), Float.NEGATIVE_INFINITY)) {
                return p.getNDArrayInternal().maxPool(kernel, stride, zero, false);
            }
        });
    }

    /**
     * A 2-D max-pool as the element-wise maximum of strided slices, one spatial axis after the other:
     * out[y] = max_k xpad[k + s * y] over the k_h row offsets, then the same over the k_w column offsets.
     * The maximum is separable, and these few element-wise ops over views run several times faster than
     * libtorch's NCHW max-pool kernel (38 ms to about 5 ms for FastestDet's first pool at batch 8).
     * Padding is explicit with -inf, sized so that the output has ONNX's size (ceil_mode included).
     */
    private static Kernel slicedMaxPool(OpParams.Window w, long[] inShape) {
        long[] end = exactEndPads(w, inShape);
        long[] torchPad = torchPad(w.padsBegin(), end);
        boolean padded = java.util.Arrays.stream(torchPad).anyMatch(v -> v != 0);
        long[] outSize = {w.outSize(0, inShape[2]), w.outSize(1, inShape[3])};
        return unary(x -> {
            NDArray cur = padded ? x.pad(new Shape(torchPad), Float.NEGATIVE_INFINITY) : alias(x);
            for (int ax = 0; ax < 2; ax++) {
                long k = w.kernel()[ax];
                long st = w.strides()[ax];
                long len = st * (outSize[ax] - 1) + 1;
                NDArray acc = null;
                for (long o = 0; o < k; o++) {
                    NDIndex idx = new NDIndex().addAllDim().addAllDim();
                    if (ax == 1) {
                        idx.addAllDim();
                    }
                    idx.addSliceDim(o, o + len, st);
                    NDArray view = cur.get(idx);
                    if (acc == null) {
                        acc = view;
                    } else {
                        NDArray next = acc.maximum(view);
                        acc.close();
                        view.close();
                        acc = next;
                    }
                }
                cur.close();
                cur = acc;
            }
            return cur;
        });
    }

    /**
     * End pads with which floor-mode pooling over the explicitly padded input yields ONNX's output size.
     * libtorch's ceil_mode over an explicitly padded input keeps a last window that starts in the end
     * padding, which ONNX (and ONNX Runtime) drop; sizing the end padding exactly and pooling in floor
     * mode avoids the disagreement.
     */
    static long[] exactEndPads(OpParams.Window w, long[] inShape) {
        int sr = w.spatialRank();
        long[] end = new long[sr];
        for (int i = 0; i < sr; i++) {
            long in = inShape[inShape.length - sr + i];
            long out = w.outSize(i, in);
            long eff = (w.kernel()[i] - 1) * w.dilations()[i] + 1;
            end[i] = Math.max(0, (out - 1) * w.strides()[i] + eff - in - w.padsBegin()[i]);
        }
        return end;
    }

    private static boolean allAtMostHalf(long[] pads, long[] kernel) {
        for (int i = 0; i < pads.length; i++) {
            if (pads[i] > kernel[i] / 2) {
                return false;
            }
        }
        return true;
    }

    private static Kernel avgPool(Node n, Graph g, NDManager m) {
        OpParams.Window w = OpParams.window(n, g.shape(n.input(0)), null);
        Shape kernel = new Shape(w.kernel());
        Shape stride = new Shape(w.strides());
        boolean ceil = w.ceilMode();
        boolean include = w.countIncludePad();
        // libtorch's avg_pool as bound by DJL counts padded cells whatever count_include_pad says, so
        // only count_include_pad=1 (or no padding) may use its padding; otherwise pad explicitly and divide
        boolean noPad = Arrays.stream(w.padsBegin()).allMatch(v -> v == 0) && Arrays.stream(w.padsEnd()).allMatch(v -> v == 0);
        if (w.symmetricPads() && allAtMostHalf(w.padsBegin(), w.kernel()) && (include || noPad)) {
            Shape pad = new Shape(w.padsBegin());
            return unary(x -> x.getNDArrayInternal().avgPool(kernel, stride, pad, ceil, include));
        }
        // explicit padding sized to ONNX's output, floor-mode pooling, and division by the number of cells
        // ONNX counts in each window (real cells, plus declared padding when count_include_pad)
        long[] inShape = g.shape(n.input(0));
        int sr = w.spatialRank();
        long[] endX = exactEndPads(w, inShape);
        long[] torchPad = torchPad(w.padsBegin(), endX);
        Shape zero = new Shape(new long[sr]);
        long[] maskShape = new long[2 + sr];
        maskShape[0] = 1;
        maskShape[1] = 1;
        long[] maskBegin = new long[sr];
        long[] maskEnd = new long[sr];
        for (int i = 0; i < sr; i++) {
            long in = inShape[inShape.length - sr + i];
            long declaredEnd = Math.min(w.padsEnd()[i], endX[i]);
            maskShape[2 + i] = include ? w.padsBegin()[i] + in + declaredEnd : in;
            maskBegin[i] = include ? 0 : w.padsBegin()[i];
            maskEnd[i] = include ? endX[i] - declaredEnd : endX[i];
        }
        NDArray count;
        try (NDArray ones = m.ones(new Shape(maskShape)); NDArray mask = ones.pad(new Shape(torchPad(maskBegin, maskEnd)), 0)) {
            count = mask.getNDArrayInternal().avgPool(kernel, stride, zero, false, true);
        }
        boolean fullWindows;
        try (NDArray isOne = count.eq(1f); NDArray all = isOne.all()) {
            fullWindows = all.getBoolean();
        }
        return unary(x -> {
            try (NDArray p = x.pad(new Shape(torchPad), 0)) {
                NDArray mean = p.getNDArrayInternal().avgPool(kernel, stride, zero, false, true);
                if (fullWindows) {
                    return mean;
                }
                NDArray r = mean.div(count);
                mean.close();
                return r;
            }
        });
    }
}
