package dev.inlierq.graph;

import dev.inlierq.error.InvalidModelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Static output shapes of one node from the shapes (and, where needed, constant values) of its inputs,
 * following the ONNX operator specification. Returns null when an input shape is unknown.
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    public static long[][] infer(Node n, ValueLookup v) {
        long[] x = n.inputs().isEmpty() || n.input(0).isEmpty() ? null : v.shape(n.input(0));
        if (x == null && n.op() != OpType.Constant && n.op() != OpType.Range) {
            return null;
        }
        return switch (n.op()) {
            case Conv -> conv(n, x, v);
            case ConvTranspose -> convTranspose(n, x, v);
            case MaxPool, AveragePool -> pool(n, x);
            case GlobalAveragePool -> globalPool(x);
            case BatchNormalization, Relu, LeakyRelu, PRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Clip, Sqrt,
                    Exp, Log, Neg, Abs, Identity, Cast, Floor, Ceil, Softmax, QuantizeLinear, DequantizeLinear -> one(x);
            case Add, Sub, Mul, Div, Pow, Max, Min, Equal, Where -> broadcast(n, x, v);
            case Pad -> pad(n, x, v);
            case Resize, Upsample -> one(OpParams.resize(n, x, v).outShape());
            case Concat -> concat(n, x, v);
            case Split -> split(n, x, v);
            case Slice -> one(OpParams.slice(n, x, v).outShape());
            case Gather -> gather(n, x, v);
            case Reshape -> reshape(n, x, v);
            case Flatten -> flatten(n, x);
            case Transpose -> transpose(n, x);
            case Squeeze -> squeeze(n, x, v);
            case Unsqueeze -> unsqueeze(n, x, v);
            case MatMul -> matMul(n, x, v);
            case Gemm -> gemm(n, x, v);
            case ReduceMean, ReduceSum, ReduceMax -> reduce(n, x, v);
            case Shape -> one(new long[] {x.length});
            case ConstantOfShape, Expand -> shapeFromInput(n, x, v);
            case Constant, Range -> null; // folded directly
        };
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

    private static long[][] pool(Node n, long[] x) {
        OpParams.Window win = OpParams.window(n, x, null);
        long[] out = x.clone();
        for (int i = 0; i < win.spatialRank(); i++) {
            out[2 + i] = win.outSize(i, x[2 + i]);
        }
        long[][] r = new long[n.outputs().size()][];
        Arrays.fill(r, out);
        return r;
    }

    private static long[][] globalPool(long[] x) {
        long[] out = x.clone();
        for (int i = 2; i < out.length; i++) {
            out[i] = 1;
        }
        return one(out);
    }

    private static long[][] broadcast(Node n, long[] x, ValueLookup v) {
        long[] out = x;
        for (int i = 1; i < n.inputs().size(); i++) {
            long[] s = v.shape(n.input(i));
            if (s == null) {
                return null;
            }
            out = Shapes.broadcast(out, s);
        }
        return one(out);
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

    private static long[][] flatten(Node n, long[] x) {
        Attributes a = n.attrs();
        int axis = (int) (a.getInt("axis", 1) < 0 ? a.getInt("axis", 1) + x.length : a.getInt("axis", 1));
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= x[i];
        }
        return one(new long[] {outer, Shapes.numel(x) / Math.max(outer, 1)});
    }

    private static long[][] transpose(Node n, long[] x) {
        long[] perm = perm(n, x.length);
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

    private static long[][] shapeFromInput(Node n, long[] x, ValueLookup v) {
        ConstTensor s = v.constant(n.input(n.op() == OpType.Expand ? 1 : 0));
        if (s == null) {
            return null;
        }
        return one(n.op() == OpType.Expand ? Shapes.broadcast(x, s.longs()) : s.longs());
    }

    public static long[] perm(Node n, int rank) {
        long[] perm = n.attrs().getInts("perm", null);
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        boolean[] seen = new boolean[rank];
        for (long a : perm) {
            if (perm.length != rank || a < 0 || a >= rank || seen[(int) a]) {
                throw new InvalidModelException(n + ": perm " + Arrays.toString(perm) + " is not a permutation of "
                        + rank + " axes");
            }
            seen[(int) a] = true;
        }
        return perm;
    }

    public static long[] matmulShape(long[] a, long[] b) {
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

    static boolean contains(long[] axes, int i, int rank) {
        for (long ax : axes) {
            if ((ax < 0 ? ax + rank : ax) == i) {
                return true;
            }
        }
        return false;
    }

    private static long[][] one(long[] s) {
        return new long[][] {s};
    }
}
