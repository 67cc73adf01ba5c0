package dev.inlierq.graph;

import dev.inlierq.error.UnsupportedModelException;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * Evaluates a node whose inputs are all constant, on plain Java arrays, for the operators that make up
 * shape sub-graphs (Shape, Gather, Unsqueeze, Cast, Concat, ...) and simple arithmetic on constants.
 * Only used at graph preparation, never on the hot path.
 */
public final class ConstantFolder {
    /** Operators this folder evaluates. */
    public static final Set<OpType> FOLDABLE = EnumSet.of(OpType.Identity, OpType.Cast, OpType.Shape, OpType.Gather,
            OpType.Unsqueeze, OpType.Squeeze, OpType.Concat, OpType.Slice, OpType.Reshape, OpType.Flatten,
            OpType.Transpose, OpType.Add, OpType.Sub, OpType.Mul, OpType.Div, OpType.Equal, OpType.Max, OpType.Min,
            OpType.Neg, OpType.Abs, OpType.Floor, OpType.Ceil, OpType.Sqrt, OpType.Exp, OpType.Where,
            OpType.ConstantOfShape, OpType.Range, OpType.Expand, OpType.Constant, OpType.DequantizeLinear);

    private ConstantFolder() {
    }

    /**
     * Folds the node's first output; {@code inputs[i]} is the constant of input i (null if absent).
     * {@code outShape} is the statically inferred output shape (null where the op defines it itself).
     */
    public static ConstTensor fold(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        Attributes a = n.attrs();
        return switch (n.op()) {
            case Constant -> constant(n);
            case Identity -> in[0];
            case DequantizeLinear -> dequantize(n, in, v);
            case Cast -> in[0].cast(DType.fromOnnx((int) a.getInt("to", 1)));
            case Shape -> shape(n, inShape0);
            case Reshape, Flatten, Squeeze, Unsqueeze -> in[0].reshape(outShape);
            case ConstantOfShape -> constantOfShape(n, in);
            case Range -> range(in);
            case Gather -> gather(n, in, outShape);
            case Slice -> slice(n, in, inShape0, outShape, v);
            case Transpose -> transpose(n, in, inShape0, outShape);
            case Expand -> remap(in[0], outShape, broadcastIndex(inShape0, outShape));
            case Concat -> concat(n, in, outShape);
            case Neg, Abs, Floor, Ceil, Sqrt, Exp -> unaryMath(n, in, outShape);
            case Add, Sub, Mul, Div, Equal, Max, Min -> binary(n, in, outShape);
            case Where -> where(in, outShape);
            default -> throw new UnsupportedModelException(n, "cannot be folded");
        };
    }

    private static ConstTensor shape(Node n, long[] inShape0) {
        Attributes a = n.attrs();
        long[] s = inShape0;
        int r = s.length;
        long start = a.getInt("start", 0);
        long end = a.getInt("end", r);
        int b = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int e = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] vals = java.util.Arrays.copyOfRange(s, b, Math.max(b, e));
        return ConstTensor.vector(vals);
    }

    private static ConstTensor constantOfShape(Node n, ConstTensor[] in) {
        Attributes a = n.attrs();
        ConstTensor val = a.getTensor("value");
        long[] shape = in[0].longs();
        int count = (int) Shapes.numel(shape);
        if (val == null || val.isFloating()) {
            float[] f = new float[count];
            java.util.Arrays.fill(f, val == null ? 0f : (float) val.get(0));
            return ConstTensor.ofFloats(shape, f);
        }
        long[] l = new long[count];
        java.util.Arrays.fill(l, (long) val.get(0));
        return ConstTensor.ofLongs(val.type(), shape, l);
    }

    private static ConstTensor range(ConstTensor[] in) {
        double start = in[0].get(0);
        double limit = in[1].get(0);
        double delta = in[2].get(0);
        int count = (int) Math.max(0, Math.ceil((limit - start) / delta));
        if (in[0].isFloating()) {
            float[] f = new float[count];
            for (int i = 0; i < count; i++) {
                f[i] = (float) (start + i * delta);
            }
            return ConstTensor.ofFloats(new long[] {count}, f);
        }
        long[] l = new long[count];
        for (int i = 0; i < count; i++) {
            l[i] = (long) (start + i * delta);
        }
        return ConstTensor.ofLongs(in[0].type(), new long[] {count}, l);
    }

    private static ConstTensor gather(Node n, ConstTensor[] in, long[] outShape) {
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

    private static ConstTensor slice(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        OpParams.SliceSpec s = OpParams.slice(n, inShape0, v);
        long[] inStr = Shapes.strides(inShape0);
        long[] outStr = Shapes.strides(outShape);
        return remap(in[0], outShape, o -> {
            long src = 0;
            long rem = o;
            for (int d = 0; d < outStr.length; d++) {
                long c = rem / outStr[d];
                rem %= outStr[d];
                src += (s.starts()[d] + c * s.steps()[d]) * inStr[d];
            }
            return src;
        });
    }

    private static ConstTensor transpose(Node n, ConstTensor[] in, long[] inShape0, long[] outShape) {
        long[] perm = ShapeInference.perm(n, inShape0.length);
        long[] inStr = Shapes.strides(inShape0);
        long[] outStr = Shapes.strides(outShape);
        return remap(in[0], outShape, o -> {
            long src = 0;
            long rem = o;
            for (int d = 0; d < outStr.length; d++) {
                long c = rem / outStr[d];
                rem %= outStr[d];
                src += c * inStr[(int) perm[d]];
            }
            return src;
        });
    }

    private static ConstTensor concat(Node n, ConstTensor[] in, long[] outShape) {
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

    private static ConstTensor unaryMath(Node n, ConstTensor[] in, long[] outShape) {
        double[] out = new double[in[0].size()];
        for (int i = 0; i < out.length; i++) {
            double x = in[0].get(i);
            out[i] = switch (n.op()) {
                case Neg -> -x;
                case Abs -> Math.abs(x);
                case Floor -> Math.floor(x);
                case Ceil -> Math.ceil(x);
                case Sqrt -> Math.sqrt(x);
                default -> Math.exp(x);
            };
        }
        return make(in[0].isFloating(), in[0].type(), outShape, out);
    }

    private static ConstTensor binary(Node n, ConstTensor[] in, long[] outShape) {
        ConstTensor x = in[0];
        ConstTensor y = in[1];
        boolean floating = x.isFloating() || y.isFloating();
        LongUnaryOperator ix = broadcastIndex(x.shape(), outShape);
        LongUnaryOperator iy = broadcastIndex(y.shape(), outShape);
        double[] out = new double[(int) Shapes.numel(outShape)];
        for (int i = 0; i < out.length; i++) {
            double p = x.get((int) ix.applyAsLong(i));
            double q = y.get((int) iy.applyAsLong(i));
            out[i] = switch (n.op()) {
                case Add -> p + q;
                case Sub -> p - q;
                case Mul -> p * q;
                case Div -> floating ? p / q : (double) ((long) p / (long) q);
                case Equal -> p == q ? 1 : 0;
                case Max -> Math.max(p, q);
                default -> Math.min(p, q);
            };
        }
        if (n.op() == OpType.Equal) {
            long[] l = new long[out.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = (long) out[i];
            }
            return ConstTensor.ofLongs(DType.BOOL, outShape, l);
        }
        return make(floating, x.isFloating() ? x.type() : y.type(), outShape, out);
    }

    private static ConstTensor where(ConstTensor[] in, long[] outShape) {
        LongUnaryOperator ic = broadcastIndex(in[0].shape(), outShape);
        LongUnaryOperator ix = broadcastIndex(in[1].shape(), outShape);
        LongUnaryOperator iy = broadcastIndex(in[2].shape(), outShape);
        double[] out = new double[(int) Shapes.numel(outShape)];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[0].get((int) ic.applyAsLong(i)) != 0 ? in[1].get((int) ix.applyAsLong(i))
                    : in[2].get((int) iy.applyAsLong(i));
        }
        return make(in[1].isFloating(), in[1].type(), outShape, out);
    }

    /**
     * DequantizeLinear of constant codes (a QDQ model's weights and biases): y = (q - zero_point) * scale,
     * computed in float32 as ONNX Runtime does; per-axis when the scale is a vector.
     */
    static ConstTensor dequantize(Node n, ConstTensor[] in, ValueLookup v) {
        long[] shape = in[0].shape();
        float[] scale = in[1].floats();
        long[] zp = in.length > 2 && in[2] != null ? in[2].longs() : new long[scale.length];
        long[] q = in[0].longs();
        float[] out = new float[q.length];
        if (scale.length == 1) {
            for (int i = 0; i < q.length; i++) {
                out[i] = (float) (q[i] - zp[0]) * scale[0];
            }
            return ConstTensor.ofFloats(shape, out);
        }
        int axis = Shapes.axis(n.attrs().getInt("axis", 1), shape.length);
        long inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        long dim = shape[axis];
        if (scale.length != dim) {
            throw new UnsupportedModelException(n, "blocked DequantizeLinear is not supported");
        }
        for (int i = 0; i < q.length; i++) {
            int c = (int) ((i / inner) % dim);
            out[i] = (float) (q[i] - zp[c]) * scale[c];
        }
        return ConstTensor.ofFloats(shape, out);
    }

    /** The value of a Constant node (value, value_float(s), value_int(s)). */
    public static ConstTensor constant(Node n) {
        Attributes a = n.attrs();
        if (a.getTensor("value") != null) {
            return a.getTensor("value");
        }
        if (a.has("value_float")) {
            return ConstTensor.scalar(a.getFloat("value_float", 0));
        }
        if (a.has("value_floats")) {
            float[] f = a.getFloats("value_floats", null);
            return ConstTensor.ofFloats(new long[] {f.length}, f);
        }
        if (a.has("value_int")) {
            return ConstTensor.ofLongs(new long[0], new long[] {a.getInt("value_int", 0)});
        }
        if (a.has("value_ints")) {
            return ConstTensor.vector(a.getInts("value_ints", null));
        }
        throw new UnsupportedModelException(n, "Constant without a supported value attribute");
    }

    /** Maps a flat output index to the flat index of an input broadcast to {@code out}. */
    static LongUnaryOperator broadcastIndex(long[] in, long[] out) {
        int off = out.length - in.length;
        long[] inStr = Shapes.strides(in);
        long[] outStr = Shapes.strides(out);
        return o -> {
            long src = 0;
            long rem = o;
            for (int d = 0; d < out.length; d++) {
                long c = rem / outStr[d];
                rem %= outStr[d];
                int k = d - off;
                if (k >= 0 && in[k] != 1) {
                    src += c * inStr[k];
                }
            }
            return src;
        };
    }

    private static ConstTensor remap(ConstTensor src, long[] outShape, LongUnaryOperator map) {
        int n = (int) Shapes.numel(outShape);
        if (src.isFloating()) {
            float[] s = src.floats();
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = s[(int) map.applyAsLong(i)];
            }
            return ConstTensor.ofFloats(outShape, out);
        }
        long[] s = src.longs();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = s[(int) map.applyAsLong(i)];
        }
        return ConstTensor.ofLongs(src.type(), outShape, out);
    }

    private static ConstTensor make(boolean floating, DType type, long[] shape, double[] v) {
        if (floating) {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) v[i];
            }
            return ConstTensor.ofFloats(shape, f);
        }
        long[] l = new long[v.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (long) v[i];
        }
        return ConstTensor.ofLongs(type.isFloating() ? DType.INT64 : type, shape, l);
    }
}
