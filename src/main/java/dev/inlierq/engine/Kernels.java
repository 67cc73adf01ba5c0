package dev.inlierq.engine;

import dev.inlierq.error.UnsupportedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ShapeInference;
import dev.inlierq.graph.Shapes;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The operator implementations of the DJL engine, one compiler per {@link OpType}, registered in an
 * {@link EnumMap}. Each compiler reads the node's parameters once (through {@link OpParams}, shared with
 * shape inference) and returns a {@link Kernel} made of libtorch calls, so every op is differentiable.
 */
final class Kernels {
    @FunctionalInterface
    interface Compiler {
        Kernel compile(Node n, Graph g, NDManager constants);
    }

    static final Map<OpType, Compiler> REGISTRY = new EnumMap<>(OpType.class);

    static {
        REGISTRY.put(OpType.Conv, Kernels::conv);
        REGISTRY.put(OpType.ConvTranspose, Kernels::convTranspose);
        REGISTRY.put(OpType.BatchNormalization, Kernels::batchNorm);
        REGISTRY.put(OpType.Relu, (n, g, m) -> unary(x -> x.getNDArrayInternal().relu()));
        REGISTRY.put(OpType.LeakyRelu, (n, g, m) -> {
            float alpha = n.attrs().getFloat("alpha", 0.01f);
            return unary(x -> x.getNDArrayInternal().leakyRelu(alpha));
        });
        REGISTRY.put(OpType.PRelu, (n, g, m) -> {
            NDArray zero = Scalars.of(m, 0f);
            return (in, b) -> {
                try (NDArray pos = in[0].maximum(zero); NDArray neg = in[0].minimum(zero); NDArray t = neg.mul(in[1])) {
                    return out(pos.add(t));
                }
            };
        });
        REGISTRY.put(OpType.Sigmoid, (n, g, m) -> unary(x -> x.getNDArrayInternal().sigmoid()));
        REGISTRY.put(OpType.Tanh, (n, g, m) -> unary(NDArray::tanh));
        REGISTRY.put(OpType.HardSigmoid, (n, g, m) -> {
            NDArray alpha = Scalars.of(m, n.attrs().getFloat("alpha", 0.2f));
            NDArray beta = Scalars.of(m, n.attrs().getFloat("beta", 0.5f));
            return unary(x -> {
                try (NDArray t = x.mul(alpha); NDArray u = t.add(beta)) {
                    return u.clip(0f, 1f);
                }
            });
        });
        REGISTRY.put(OpType.HardSwish, (n, g, m) -> {
            NDArray six = Scalars.of(m, 6f);
            NDArray half = Scalars.of(m, 0.5f);
            return unary(x -> {
                try (NDArray t = x.div(six); NDArray u = t.add(half); NDArray c = u.clip(0f, 1f)) {
                    return x.mul(c);
                }
            });
        });
        REGISTRY.put(OpType.Clip, (n, g, m) -> {
            float[] b = OpParams.clipBounds(n, g);
            return clip(m, b[0], b[1]);
        });
        REGISTRY.put(OpType.Add, (n, g, m) -> binary(n, g, m, NDArray::add));
        REGISTRY.put(OpType.Sub, (n, g, m) -> binary(n, g, m, NDArray::sub));
        REGISTRY.put(OpType.Mul, (n, g, m) -> binary(n, g, m, NDArray::mul));
        REGISTRY.put(OpType.Div, (n, g, m) -> binary(n, g, m, NDArray::div));
        REGISTRY.put(OpType.Pow, (n, g, m) -> binary(n, g, m, NDArray::pow));
        REGISTRY.put(OpType.Max, (n, g, m) -> variadic(NDArray::maximum));
        REGISTRY.put(OpType.Min, (n, g, m) -> variadic(NDArray::minimum));
        REGISTRY.put(OpType.Sqrt, (n, g, m) -> unary(NDArray::sqrt));
        REGISTRY.put(OpType.Exp, (n, g, m) -> unary(NDArray::exp));
        REGISTRY.put(OpType.Log, (n, g, m) -> unary(NDArray::log));
        REGISTRY.put(OpType.Neg, (n, g, m) -> unary(NDArray::neg));
        REGISTRY.put(OpType.Abs, (n, g, m) -> unary(NDArray::abs));
        REGISTRY.put(OpType.Floor, (n, g, m) -> unary(NDArray::floor));
        REGISTRY.put(OpType.Ceil, (n, g, m) -> unary(NDArray::ceil));
        REGISTRY.put(OpType.Identity, (n, g, m) -> unary(Kernels::alias));
        REGISTRY.put(OpType.Cast, (n, g, m) -> {
            DataType to = dataType((int) n.attrs().getInt("to", 1));
            return unary(x -> x.toType(to, true));
        });
        REGISTRY.put(OpType.MaxPool, Kernels::maxPool);
        REGISTRY.put(OpType.AveragePool, Kernels::avgPool);
        REGISTRY.put(OpType.GlobalAveragePool, (n, g, m) -> {
            int rank = g.shape(n.input(0)).length;
            int[] axes = new int[rank - 2];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i + 2;
            }
            return unary(x -> reduceAxes(x, axes, true, (t, a) -> t.mean(new int[] {a}, true)));
        });
        REGISTRY.put(OpType.Pad, Kernels::pad);
        REGISTRY.put(OpType.Resize, Kernels::resize);
        REGISTRY.put(OpType.Upsample, Kernels::resize);
        REGISTRY.put(OpType.Concat, (n, g, m) -> {
            int axis = Shapes.axis(n.attrs().getInt("axis", 0), g.shape(n.output()).length);
            return (in, b) -> out(NDArrays.concat(new NDList(in), axis));
        });
        REGISTRY.put(OpType.Split, Kernels::split);
        REGISTRY.put(OpType.Slice, Kernels::slice);
        REGISTRY.put(OpType.Gather, Kernels::gather);
        REGISTRY.put(OpType.Reshape, Kernels::reshape);
        REGISTRY.put(OpType.Flatten, (n, g, m) -> {
            long ax = n.attrs().getInt("axis", 1);
            return unary(x -> {
                long[] s = x.getShape().getShape();
                int axis = (int) (ax < 0 ? ax + s.length : ax);
                long outer = 1;
                for (int i = 0; i < axis; i++) {
                    outer *= s[i];
                }
                return x.reshape(outer, -1);
            });
        });
        REGISTRY.put(OpType.Transpose, (n, g, m) -> {
            long[] p = ShapeInference.perm(n, g.shape(n.input(0)).length);
            int[] perm = Arrays.stream(p).mapToInt(v -> (int) v).toArray();
            return unary(x -> x.transpose(perm));
        });
        REGISTRY.put(OpType.Squeeze, (n, g, m) -> staticReshape(g.shape(n.output())));
        REGISTRY.put(OpType.Unsqueeze, (n, g, m) -> staticReshape(g.shape(n.output())));
        REGISTRY.put(OpType.Softmax, Kernels::softmax);
        REGISTRY.put(OpType.MatMul, (n, g, m) -> (in, b) -> out(in[0].matMul(in[1])));
        REGISTRY.put(OpType.Gemm, Kernels::gemm);
        REGISTRY.put(OpType.ReduceMean, (n, g, m) -> reduce(n, g, (x, a, k) -> x.mean(a, k)));
        REGISTRY.put(OpType.ReduceSum, (n, g, m) -> reduce(n, g, (x, a, k) -> x.sum(a, k)));
        REGISTRY.put(OpType.ReduceMax, (n, g, m) -> reduce(n, g, (x, a, k) -> x.max(a, k)));
        REGISTRY.put(OpType.Shape, (n, g, m) -> (in, b) -> out(in[0].getManager().create(in[0].getShape().getShape())));
        REGISTRY.put(OpType.Equal, (n, g, m) -> (in, b) -> out(in[0].eq(in[1])));
        REGISTRY.put(OpType.Where, (n, g, m) -> (in, b) -> {
            // libtorch's where as bound by DJL does not broadcast: expand all three to the output shape
            long[] s = in[0].getShape().getShape();
            for (int i = 1; i < 3; i++) {
                s = Shapes.broadcast(s, in[i].getShape().getShape());
            }
            Shape target = new Shape(s);
            NDArray[] e = new NDArray[3];
            for (int i = 0; i < 3; i++) {
                e[i] = in[i].getShape().equals(target) ? in[i] : in[i].broadcast(target);
            }
            NDArray r = NDArrays.where(e[0], e[1], e[2]);
            for (int i = 0; i < 3; i++) {
                if (e[i] != in[i]) {
                    e[i].close();
                }
            }
            return out(r);
        });
        REGISTRY.put(OpType.Expand, (n, g, m) -> {
            long[] target = OpParams.constLongs(n, 1, g, null);
            return unary(x -> x.broadcast(new Shape(Shapes.broadcast(x.getShape().getShape(), target))));
        });
        REGISTRY.put(OpType.QuantizeLinear, Kernels::quantizeLinear);
        REGISTRY.put(OpType.DequantizeLinear, Kernels::dequantizeLinear);
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
    static NDArray alias(NDArray x) {
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

    private static Kernel unary(Unary f) {
        return (in, b) -> out(f.apply(in[0]));
    }

    interface Binary {
        NDArray apply(NDArray x, NDArray y);
    }

    /**
     * Broadcasting binary op. A floating scalar constant on either side becomes a 0-dimensional array made
     * once, at compile time, in libtorch-owned memory ({@link Scalars}: never a DJL {@code Number} overload,
     * whose operand autograd would read after it is freed): one libtorch call with no broadcast tensor.
     */
    private static Kernel binary(Node n, Graph g, NDManager m, Binary f) {
        ConstTensor a = g.constant(n.input(0));
        ConstTensor c = g.constant(n.input(1));
        if (c != null && c.size() == 1 && a == null && c.isFloating()) {
            NDArray s = Scalars.of(m, (float) c.get(0));
            return (in, b) -> out(f.apply(in[0], s));
        }
        if (a != null && a.size() == 1 && c == null && a.isFloating()) {
            NDArray s = Scalars.of(m, (float) a.get(0));
            return (in, b) -> out(f.apply(s, in[1]));
        }
        return (in, b) -> out(f.apply(in[0], in[1]));
    }

    private static Kernel variadic(Binary f) {
        return (in, b) -> {
            NDArray acc = in[0];
            for (int i = 1; i < in.length; i++) {
                NDArray next = f.apply(acc, in[i]);
                if (acc != in[0]) {
                    acc.close();
                }
                acc = next;
            }
            return out(acc == in[0] ? alias(acc) : acc);
        };
    }

    /** Clip to [lo, hi]; an infinite bound is no bound (the finite one is a {@link Scalars} array made once). */
    static Kernel clip(NDManager m, float lo, float hi) {
        if (Float.isInfinite(lo) && Float.isInfinite(hi)) {
            return unary(Kernels::alias);
        }
        if (Float.isInfinite(lo)) {
            NDArray h = Scalars.of(m, hi);
            return unary(x -> x.minimum(h));
        }
        if (Float.isInfinite(hi)) {
            NDArray l = Scalars.of(m, lo);
            return unary(x -> x.maximum(l));
        }
        return unary(x -> x.clip(lo, hi));
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
        // zero-stuffing: [N, C, d1, 1, d2, 1, ...] padded by s - 1 after each inserted axis
        long[] stuffPad = new long[4 * sr];
        for (int i = 0; i < sr; i++) {
            int pairFromLast = 2 * (sr - 1 - i); // the inserted axis after spatial axis i
            stuffPad[2 * pairFromLast + 1] = s[i] - 1;
        }
        long cinG = wShape[0] / groups;
        long coutG = wShape[1];
        long[] grouped = new long[wShape.length + 1];
        grouped[0] = groups;
        grouped[1] = cinG;
        grouped[2] = coutG;
        System.arraycopy(wShape, 2, grouped, 3, sr);
        int[] swap = new int[grouped.length];
        for (int i = 0; i < swap.length; i++) {
            swap[i] = i;
        }
        swap[1] = 2;
        swap[2] = 1;
        long[] convW = wShape.clone();
        convW[0] = groups * coutG;
        convW[1] = cinG;
        int[] spatial = new int[sr];
        for (int i = 0; i < sr; i++) {
            spatial[i] = 2 + i;
        }
        Shape ones = new Shape(ones(sr));
        Shape zero = new Shape(new long[sr]);
        Shape dil = new Shape(d);
        boolean fStrided = strided;
        boolean fCrops = crops;
        return (in, b) -> {
            NDArray x = in[0];
            long[] xs = x.getShape().getShape();
            NDArray stuffed = x;
            if (fStrided) {
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
                    stuffed = p.reshape(merged);
                }
            }
            NDArray padded = stuffed.pad(new Shape(torchPad), 0);
            if (stuffed != x) {
                stuffed.close();
            }
            if (fCrops) {
                long[] ps = padded.getShape().getShape();
                NDIndex idx = new NDIndex().addAllDim().addAllDim();
                for (int i = 0; i < sr; i++) {
                    idx.addSliceDim(Math.max(0, -begin[i]), ps[2 + i] - Math.max(0, -end[i]));
                }
                NDArray cropped = padded.get(idx);
                padded.close();
                padded = cropped;
            }
            try (NDArray wg = in[1].reshape(grouped); NDArray wt = wg.transpose(swap); NDArray wr = wt.reshape(convW);
                    NDArray wf = wr.flip(spatial); NDArray px = padded) {
                return px.getNDArrayInternal().convolution(px, wf, optional(in, 2), ones, zero, dil, groups)
                        .toArray(new NDArray[0]);
            }
        };
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static Kernel batchNorm(Node n, Graph g, NDManager m) {
        float eps = n.attrs().getFloat("epsilon", 1e-5f);
        float[] gamma = g.constant(n.input(1)).floats();
        float[] beta = g.constant(n.input(2)).floats();
        float[] mean = g.constant(n.input(3)).floats();
        float[] var = g.constant(n.input(4)).floats();
        int rank = g.shape(n.input(0)).length;
        long[] bshape = new long[rank - 1];
        Arrays.fill(bshape, 1);
        bshape[0] = gamma.length;
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt((double) var[c] + eps));
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        NDArray s = DjlRuntime.create(m, scale, new Shape(bshape));
        NDArray t = DjlRuntime.create(m, shift, new Shape(bshape));
        return unary(x -> {
            try (NDArray y = x.mul(s)) {
                return y.add(t);
            }
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

    private static Kernel pad(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        OpParams.PadSpec p = OpParams.pad(n, inShape, g);
        int r = inShape.length;
        for (int i = 0; i < r; i++) {
            if (p.begin()[i] < 0 || p.end()[i] < 0) {
                throw new UnsupportedModelException(n, "negative pads are not supported");
            }
        }
        if (p.mode().equals("constant")) {
            long[] torchPad = torchPad(p.begin(), p.end());
            float value = p.value();
            return unary(x -> x.pad(new Shape(torchPad), value));
        }
        boolean edge = p.mode().equals("edge");
        if (!edge && !p.mode().equals("reflect")) {
            throw new UnsupportedModelException(n, "Pad mode " + p.mode() + " is not supported");
        }
        return unary(x -> {
            NDArray cur = alias(x);
            for (int ax = 0; ax < r; ax++) {
                long before = p.begin()[ax];
                long after = p.end()[ax];
                if (before == 0 && after == 0) {
                    continue;
                }
                long dim = cur.getShape().get(ax);
                long[] idx = new long[(int) (dim + before + after)];
                for (int i = 0; i < idx.length; i++) {
                    long s = i - before;
                    if (edge) {
                        s = Math.max(0, Math.min(dim - 1, s));
                    } else {
                        while (s < 0 || s >= dim) {
                            s = s < 0 ? -s : 2 * (dim - 1) - s;
                        }
                    }
                    idx[i] = s;
                }
                NDArray next = select(cur, ax, idx);
                cur.close();
                cur = next;
            }
            return cur;
        });
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

    private static Kernel resize(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        OpParams.ResizeSpec spec = OpParams.resize(n, inShape, g);
        int r = inShape.length;
        if (spec.outShape()[0] != inShape[0] || spec.outShape()[1] != inShape[1]) {
            throw new UnsupportedModelException(n, "Resize of the batch or channel axis is not supported");
        }
        boolean nearest = spec.mode().equals("nearest");
        boolean linear = spec.mode().equals("linear");
        if (!nearest && !linear) {
            throw new UnsupportedModelException(n, "Resize mode " + spec.mode() + " is not supported");
        }
        Kernel[] steps = new Kernel[r];
        for (int ax = 2; ax < r; ax++) {
            long inDim = inShape[ax];
            long outDim = spec.outShape()[ax];
            double scale = spec.scales()[ax];
            if (inDim == outDim && scale == 1.0) {
                continue;
            }
            int axis = ax;
            double[] src = new double[(int) outDim];
            for (int i = 0; i < outDim; i++) {
                src[i] = sourceCoordinate(spec.coordinateMode(), i, scale, inDim, outDim);
            }
            if (nearest) {
                long[] idx = new long[(int) outDim];
                boolean integerRepeat = outDim % inDim == 0;
                long k = integerRepeat ? outDim / inDim : 0;
                for (int i = 0; i < outDim; i++) {
                    idx[i] = Math.max(0, Math.min(inDim - 1, nearestIndex(spec.nearestMode(), src[i])));
                    integerRepeat = integerRepeat && idx[i] == i / k;
                }
                if (integerRepeat) {
                    steps[ax] = (in, b) -> out(in[0].repeat(axis, k));
                } else {
                    steps[ax] = (in, b) -> out(select(in[0], axis, idx));
                }
            } else {
                long[] i0 = new long[(int) outDim];
                long[] i1 = new long[(int) outDim];
                float[] frac = new float[(int) outDim];
                for (int i = 0; i < outDim; i++) {
                    double x = Math.max(0, Math.min(inDim - 1, src[i]));
                    if (spec.coordinateMode().equals("tf_crop_and_resize")) {
                        throw new UnsupportedModelException(n, "tf_crop_and_resize is not supported");
                    }
                    long f = (long) Math.floor(x);
                    i0[i] = f;
                    i1[i] = Math.min(inDim - 1, f + 1);
                    frac[i] = (float) (x - f);
                }
                long[] wshape = new long[r];
                Arrays.fill(wshape, 1);
                wshape[ax] = outDim;
                NDArray weight = DjlRuntime.create(m, frac, new Shape(wshape));
                steps[ax] = (in, b) -> {
                    try (NDArray a = select(in[0], axis, i0); NDArray c = select(in[0], axis, i1);
                            NDArray d = c.sub(a); NDArray e = d.mul(weight)) {
                        return out(a.add(e));
                    }
                };
            }
        }
        return (in, b) -> {
            NDArray cur = in[0];
            for (Kernel step : steps) {
                if (step == null) {
                    continue;
                }
                NDArray next = step.run(new NDArray[] {cur}, b)[0];
                if (cur != in[0]) {
                    cur.close();
                }
                cur = next;
            }
            return out(cur == in[0] ? alias(cur) : cur);
        };
    }

    /**
     * Input coordinate of output index i (ONNX Resize coordinate_transformation_mode), computed in float32
     * as ONNX Runtime does: at exact .0 / .5 boundaries (scale 0.6 gives 2.5 / 0.6 - 0.5 = 2) a float64
     * evaluation with the float32 scale lands just below and picks another nearest pixel.
     */
    static double sourceCoordinate(String mode, long i, double scale, long inDim, long outDim) {
        float fi = i;
        float sc = (float) scale;
        return switch (mode) {
            case "half_pixel" -> (fi + 0.5f) / sc - 0.5f;
            case "pytorch_half_pixel" -> outDim > 1 ? (fi + 0.5f) / sc - 0.5f : 0f;
            case "align_corners" -> outDim > 1 ? fi * (float) (inDim - 1) / (float) (outDim - 1) : 0f;
            case "asymmetric" -> fi / sc;
            case "half_pixel_symmetric" -> {
                float adj = outDim / (inDim * sc);
                float center = inDim / 2f;
                float offset = center * (1 - adj);
                yield offset + (fi + 0.5f) / sc - 0.5f;
            }
            default -> throw new UnsupportedModelException("coordinate_transformation_mode " + mode + " is not supported");
        };
    }

    static long nearestIndex(String mode, double x) {
        return switch (mode) {
            case "round_prefer_floor" -> x - Math.floor(x) == 0.5 ? (long) Math.floor(x) : Math.round(x);
            case "round_prefer_ceil" -> x - Math.floor(x) == 0.5 ? (long) Math.ceil(x) : Math.round(x);
            case "floor" -> (long) Math.floor(x);
            case "ceil" -> (long) Math.ceil(x);
            default -> throw new UnsupportedModelException("nearest_mode " + mode + " is not supported");
        };
    }

    private static Kernel split(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        int axis = Shapes.axis(n.attrs().getInt("axis", 0), inShape.length);
        long[] sizes = OpParams.splitSizes(n, inShape, g);
        long[] cuts = new long[sizes.length - 1];
        long acc = 0;
        for (int i = 0; i < cuts.length; i++) {
            acc += sizes[i];
            cuts[i] = acc;
        }
        return (in, b) -> in[0].split(cuts, axis).toArray(new NDArray[0]);
    }

    private static Kernel slice(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        OpParams.SliceSpec s = OpParams.slice(n, inShape, g);
        NDIndex idx = new NDIndex();
        boolean plain = true;
        // negative steps (x[..., ::-1] exports): an explicit index list along that axis, gathered after
        // the positive-step axes are sliced
        Map<Integer, long[]> reversed = new java.util.TreeMap<>();
        for (int i = 0; i < inShape.length; i++) {
            long start = s.starts()[i];
            long end = s.ends()[i];
            long step = s.steps()[i];
            if (step < 0) {
                int count = (int) Math.max(0, (start - end - step - 1) / -step);
                long[] list = new long[count];
                for (int k = 0; k < count; k++) {
                    list[k] = start + k * step;
                }
                reversed.put(i, list);
                idx.addAllDim();
            } else if (start == 0 && end == inShape[i] && step == 1) {
                idx.addAllDim();
            } else {
                idx.addSliceDim(start, end, step);
                plain = false;
            }
        }
        if (reversed.isEmpty()) {
            return unary(x -> x.get(idx));
        }
        boolean slicePositive = !plain;
        return unary(x -> {
            NDArray cur = slicePositive ? x.get(idx) : x;
            for (var e : reversed.entrySet()) {
                NDArray next = select(cur, e.getKey(), e.getValue());
                if (cur != x) {
                    cur.close();
                }
                cur = next;
            }
            return cur;
        });
    }

    private static Kernel gather(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        int axis = Shapes.axis(n.attrs().getInt("axis", 0), inShape.length);
        ConstTensor ic = g.constant(n.input(1));
        if (ic == null) {
            throw new UnsupportedModelException(n, "Gather indices must be constant");
        }
        long[] idx = ic.longs();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0) {
                idx[i] += inShape[axis];
            }
        }
        if (ic.rank() == 0) {
            long k = idx[0];
            NDIndex index = new NDIndex();
            for (int i = 0; i < axis; i++) {
                index.addAllDim();
            }
            index.addIndices(k);
            return unary(x -> x.get(index));
        }
        long[] ishape = ic.shape();
        return unary(x -> {
            NDArray sel = select(x, axis, idx);
            if (ishape.length == 1) {
                return sel;
            }
            long[] s = sel.getShape().getShape();
            long[] o = new long[s.length - 1 + ishape.length];
            System.arraycopy(s, 0, o, 0, axis);
            System.arraycopy(ishape, 0, o, axis, ishape.length);
            System.arraycopy(s, axis + 1, o, axis + ishape.length, s.length - axis - 1);
            NDArray r = sel.reshape(o);
            sel.close();
            return r;
        });
    }

    private static Kernel reshape(Node n, Graph g, NDManager m) {
        long[] target = OpParams.constLongs(n, 1, g, null);
        boolean allowZero = n.attrs().getInt("allowzero", 0) != 0;
        long bax = n.attrs().getInt(GraphPreparer.BATCH_AXIS_ATTR, -1);
        return unary(x -> {
            long[] t;
            if (bax >= 0) {
                t = target.clone();
                t[(int) bax] *= x.getShape().size() / Shapes.numel(target);
            } else {
                t = Shapes.resolveReshape(x.getShape().getShape(), target, allowZero);
            }
            return x.reshape(t);
        });
    }

    /** Squeeze/Unsqueeze of batch-independent values (batch-carrying ones became Reshape). */
    private static Kernel staticReshape(long[] outShape) {
        return unary(x -> x.reshape(outShape));
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

    /** The integer range of a Q/DQ zero point's type (uint8 when absent, as ONNX says). */
    static long[] codeRange(ConstTensor zp) {
        dev.inlierq.graph.DType t = zp == null ? dev.inlierq.graph.DType.UINT8 : zp.type();
        return switch (t) {
            case UINT8 -> new long[] {0, 255};
            case INT8 -> new long[] {-128, 127};
            case UINT16 -> new long[] {0, 65535};
            case INT16 -> new long[] {-32768, 32767};
            case UINT4 -> new long[] {0, 15};
            case INT4 -> new long[] {-8, 7};
            case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            default -> throw new UnsupportedModelException("zero point type " + t + " is not supported");
        };
    }

    /** Constant scale and zero point of a QuantizeLinear/DequantizeLinear node, shaped for its input. */
    private record QParams(NDArray scale, NDArray zeroPoint, ConstTensor zeroPointConstant) {
    }

    private static QParams qparams(Node n, Graph g, NDManager m) {
        int rank = g.shape(n.input(0)).length;
        int axis = Shapes.axis(n.attrs().getInt("axis", 1), Math.max(rank, 1));
        ConstTensor sc = g.constant(n.input(1));
        ConstTensor zpc = n.input(2).isEmpty() ? null : g.constant(n.input(2));
        if (sc == null || (!n.input(2).isEmpty() && zpc == null)) {
            throw new UnsupportedModelException(n, "scale and zero point must be constant");
        }
        return new QParams(qparam(m, sc.floats(), rank, axis),
                qparam(m, zpc == null ? new float[] {0f} : zpc.floats(), rank, axis), zpc);
    }

    /** Scale / zero point shaped to broadcast against x: a scalar, or a vector on {@code axis}. */
    private static NDArray qparam(NDManager m, float[] v, int rank, int axis) {
        if (v.length == 1) {
            return Scalars.of(m, v[0]);
        }
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[axis] = v.length;
        return DjlRuntime.create(m, v, new Shape(shape));
    }

    /**
     * QuantizeLinear as simulation: codes = saturate(round_half_even(x / scale) + zero_point), kept as
     * float values (the engine computes in float; the following DequantizeLinear maps them back). Rounding
     * is libtorch's round, which rounds half to even like ONNX.
     */
    private static Kernel quantizeLinear(Node n, Graph g, NDManager m) {
        QParams p = qparams(n, g, m);
        long[] range = codeRange(p.zeroPointConstant());
        NDArray scale = p.scale();
        NDArray zp = p.zeroPoint();
        return unary(x -> {
            try (NDArray d = x.div(scale); NDArray r = d.round(); NDArray z = r.add(zp)) {
                return z.clip(range[0], range[1]);
            }
        });
    }

    /** DequantizeLinear: y = (q - zero_point) * scale, per tensor or per axis. */
    private static Kernel dequantizeLinear(Node n, Graph g, NDManager m) {
        QParams p = qparams(n, g, m);
        NDArray scale = p.scale();
        NDArray zp = p.zeroPoint();
        return unary(x -> {
            if (x.getDataType() != DataType.FLOAT32) {
                try (NDArray f = x.toType(DataType.FLOAT32, true); NDArray c = f.sub(zp)) {
                    return c.mul(scale);
                }
            }
            try (NDArray c = x.sub(zp)) {
                return c.mul(scale);
            }
        });
    }

    private static Kernel constantOnly(Node n, Graph g, NDManager m) {
        throw new UnsupportedModelException(n, "must have constant inputs (it could not be folded)");
    }

    static DataType dataType(int onnx) {
        return switch (onnx) {
            case 1, 10, 11, 16 -> DataType.FLOAT32;
            case 2 -> DataType.UINT8;
            case 3 -> DataType.INT8;
            case 6 -> DataType.INT32;
            case 7 -> DataType.INT64;
            case 9 -> DataType.BOOLEAN;
            default -> throw new UnsupportedModelException("Cast to ONNX type " + onnx + " is not supported");
        };
    }
}
