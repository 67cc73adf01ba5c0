package dev.inlierq.graph;

import dev.inlierq.error.UnsupportedModelException;
import java.util.function.LongUnaryOperator;

/**
 * Evaluates a node whose inputs are all constant, on plain Java arrays, with the {@link FoldRule} its
 * {@link OpFamily} declares: the operators that make up shape sub-graphs (Shape, Gather, Unsqueeze, Cast,
 * Concat, ...) and simple arithmetic on constants. Only used at graph preparation, never on the hot path.
 * Also holds the helpers the families' folding rules share.
 */
public final class ConstantFolder {
    private ConstantFolder() {
    }

    /** Whether graph preparation may evaluate this operator on constant inputs. */
    public static boolean isFoldable(OpType op) {
        return OpFamily.rule(op).foldable();
    }

    /**
     * Folds the node's first output; {@code inputs[i]} is the constant of input i (null if absent).
     * {@code outShape} is the statically inferred output shape (null where the op defines it itself).
     */
    public static ConstTensor fold(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        OpRule rule = OpFamily.rule(n.op());
        if (!rule.foldable()) {
            throw new UnsupportedModelException(n, "cannot be folded");
        }
        return rule.fold().fold(n, in, inShape0, outShape, v);
    }

    /** Maps a flat output index to the flat index of an input broadcast to {@code out}. */
    static LongUnaryOperator broadcastIndex(long[] in, long[] out) {
        int off = out.length - in.length;
        long[] inStr = Shapes.strides(in);
        return byCoordinates(out, (d, c) -> {
            int k = d - off;
            return k >= 0 && in[k] != 1 ? c * inStr[k] : 0;
        });
    }

    /** The source offset that coordinate {@code c} of output dimension {@code d} contributes. */
    @FunctionalInterface
    interface DimOffset {
        long offset(int d, long c);
    }

    /**
     * Maps a flat index of {@code outShape} (row-major) to a source index: the sum over the dimensions of
     * {@code offset(d, coordinate d)}. Broadcasting, Slice and Transpose differ only in that offset.
     */
    static LongUnaryOperator byCoordinates(long[] outShape, DimOffset offset) {
        long[] outStr = Shapes.strides(outShape);
        return o -> {
            long src = 0;
            long rem = o;
            for (int d = 0; d < outStr.length; d++) {
                long c = rem / outStr[d];
                rem %= outStr[d];
                src += offset.offset(d, c);
            }
            return src;
        };
    }

    /** A tensor of {@code outShape} whose element i is {@code src}'s element {@code map(i)}, in src's type. */
    static ConstTensor remap(ConstTensor src, long[] outShape, LongUnaryOperator map) {
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

    /** Values computed in double, stored as float32 or as integers of {@code type} (int64 if it is floating). */
    static ConstTensor make(boolean floating, DType type, long[] shape, double[] v) {
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
