package dev.inlierq.graph;

import static dev.inlierq.graph.ConstantFolder.broadcastIndex;
import static dev.inlierq.graph.ConstantFolder.byCoordinates;
import static dev.inlierq.graph.ConstantFolder.make;
import static dev.inlierq.graph.ConstantFolder.remap;
import static dev.inlierq.graph.ShapeInference.contains;
import static dev.inlierq.graph.ShapeInference.one;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape family's rules: the tensor layout ops (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
 * Split, Slice, Gather, Expand, Pad) and Shape. All but Split and Pad fold, since exporters compute reshape
 * targets and resize sizes with them. Kernels: {@code engine.ShapeKernels}.
 */
final class ShapeOps {
    private ShapeOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .notFoldable(ShapeOps::pad, OpType.Pad)
                .notFoldable(ShapeOps::split, OpType.Split)
                .folding(ShapeOps::concat, ShapeOps::concatValues, OpType.Concat)
                .folding((n, x, v) -> one(OpParams.slice(n, x, v).outShape()), ShapeOps::sliceValues, OpType.Slice)
                .folding(ShapeOps::gather, ShapeOps::gatherValues, OpType.Gather)
                .folding(ShapeOps::reshape, ShapeOps::reshaped, OpType.Reshape)
                .folding(ShapeOps::flatten, ShapeOps::reshaped, OpType.Flatten)
                .folding(ShapeOps::squeeze, ShapeOps::reshaped, OpType.Squeeze)
                .folding(ShapeOps::unsqueeze, ShapeOps::reshaped, OpType.Unsqueeze)
                .folding(ShapeOps::transpose, ShapeOps::transposeValues, OpType.Transpose)
                .folding(ShapeOps::expand, (n, in, s, o, v) -> remap(in[0], o, broadcastIndex(s, o)), OpType.Expand)
                .folding((n, x, v) -> one(new long[] {x.length}), ShapeOps::shapeValues, OpType.Shape)
                .build();
    }

    private static long[][] pad(Node n, long[] x, ValueLookup v) {
        OpParams.PadSpec p = OpParams.pad(n, x, v);
        long[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += p.begin()[i] + p.end()[i];
        }
        return one(out);
    }

    private static long[][] concat(Node n, long[] x, ValueLookup v) {
        Attributes a = n.attrs();
        int axis = Shapes.axis(a.getInt("axis", 0), x.length);
        long[] out = x.clone();
        out[axis] = 0;
        for (String in : n.inputs()) {
            long[] s = v.shape(in);
            if (s == null) {
                return null;
            }
            out[axis] += s[axis];
        }
        return one(out);
    }

    private static long[][] split(Node n, long[] x, ValueLookup v) {
        Attributes a = n.attrs();
        int axis = Shapes.axis(a.getInt("axis", 0), x.length);
        long[] sizes = OpParams.splitSizes(n, x, v);
        long[][] r = new long[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            r[i] = x.clone();
            r[i][axis] = sizes[i];
        }
        return r;
    }

    private static long[][] gather(Node n, long[] x, ValueLookup v) {
        Attributes a = n.attrs();
        long[] idx = v.shape(n.input(1));
        if (idx == null) {
            return null;
        }
        int axis = Shapes.axis(a.getInt("axis", 0), x.length);
        long[] out = new long[x.length - 1 + idx.length];
        System.arraycopy(x, 0, out, 0, axis);
        System.arraycopy(idx, 0, out, axis, idx.length);
        System.arraycopy(x, axis + 1, out, axis + idx.length, x.length - axis - 1);
        return one(out);
    }

    private static long[][] reshape(Node n, long[] x, ValueLookup v) {
        Attributes a = n.attrs();
        ConstTensor t = v.constant(n.input(1));
        if (t == null) {
            return null;
        }
        return one(Shapes.resolveReshape(x, t.longs(), a.getInt("allowzero", 0) != 0));
    }

    private static long[][] flatten(Node n, long[] x, ValueLookup v) {
        Attributes a = n.attrs();
        int axis = (int) (a.getInt("axis", 1) < 0 ? a.getInt("axis", 1) + x.length : a.getInt("axis", 1));
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= x[i];
        }
        return one(new long[] {outer, Shapes.numel(x) / Math.max(outer, 1)});
    }

    private static long[][] transpose(Node n, long[] x, ValueLookup v) {
        long[] perm = ShapeInference.perm(n, x.length);
        long[] out = new long[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[(int) perm[i]];
        }
        return one(out);
    }

    private static long[][] squeeze(Node n, long[] x, ValueLookup v) {
        long[] axes = OpParams.axes(n, v);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            boolean drop = axes == null ? x[i] == 1 : contains(axes, i, x.length);
            if (!drop) {
                out.add(x[i]);
            }
        }
        return one(out.stream().mapToLong(Long::longValue).toArray());
    }

    private static long[][] unsqueeze(Node n, long[] x, ValueLookup v) {
        long[] axes = OpParams.axes(n, v);
        int r = x.length + axes.length;
        long[] out = new long[r];
        int j = 0;
        for (int i = 0; i < r; i++) {
            out[i] = contains(axes, i, r) ? 1 : x[j++];
        }
        return one(out);
    }

    private static long[][] expand(Node n, long[] x, ValueLookup v) {
        ConstTensor s = v.constant(n.input(1));
        return s == null ? null : one(Shapes.broadcast(x, s.longs()));
    }

    /** Shape's value: the input's dimensions from {@code start} to {@code end} (clamped, as in opset 15). */
    private static ConstTensor shapeValues(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        Attributes a = n.attrs();
        long[] s = inShape0;
        int r = s.length;
        long start = a.getInt("start", 0);
        long end = a.getInt("end", r);
        int b = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int e = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] vals = Arrays.copyOfRange(s, b, Math.max(b, e));
        return ConstTensor.vector(vals);
    }

    /** Reshape, Flatten, Squeeze and Unsqueeze: the same values in the inferred shape. */
    private static ConstTensor reshaped(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        return in[0].reshape(outShape);
    }

    private static ConstTensor gatherValues(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        Attributes a = n.attrs();
        int axis = Shapes.axis(a.getInt("axis", 0), in[0].rank());
        long[] ds = in[0].shape();
        long[] idx = in[1].longs();
        long inner = 1;
        for (int i = axis + 1; i < ds.length; i++) {
            inner *= ds[i];
        }
        long dim = ds[axis];
        long fInner = inner;
        long nIdx = idx.length;
        return remap(in[0], outShape, o -> {
            long outer = o / (nIdx * fInner);
            long rest = o % (nIdx * fInner);
            long k = idx[(int) (rest / fInner)];
            if (k < 0) {
                k += dim;
            }
            return (outer * dim + k) * fInner + rest % fInner;
        });
    }

    private static ConstTensor sliceValues(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        OpParams.SliceSpec s = OpParams.slice(n, inShape0, v);
        long[] inStr = Shapes.strides(inShape0);
        return remap(in[0], outShape,
                byCoordinates(outShape, (d, c) -> (s.starts()[d] + c * s.steps()[d]) * inStr[d]));
    }

    private static ConstTensor transposeValues(Node n, ConstTensor[] in, long[] inShape0, long[] outShape,
            ValueLookup v) {
        long[] perm = ShapeInference.perm(n, inShape0.length);
        long[] inStr = Shapes.strides(inShape0);
        return remap(in[0], outShape, byCoordinates(outShape, (d, c) -> c * inStr[(int) perm[d]]));
    }

    private static ConstTensor concatValues(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        Attributes a = n.attrs();
        int axis = Shapes.axis(a.getInt("axis", 0), outShape.length);
        boolean floating = false;
        for (ConstTensor t : in) {
            floating |= t.isFloating();
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= outShape[i];
        }
        int total = (int) Shapes.numel(outShape);
        double[] out = new double[total];
        int pos = 0;
        for (long o = 0; o < outer; o++) {
            for (ConstTensor t : in) {
                int chunk = (int) (t.size() / outer);
                for (int k = 0; k < chunk; k++) {
                    out[pos++] = t.get((int) (o * chunk + k));
                }
            }
        }
        return make(floating, in[0].type(), outShape, out);
    }
}
