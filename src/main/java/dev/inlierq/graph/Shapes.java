package dev.inlierq.graph;

import dev.inlierq.error.InvalidModelException;
import java.util.Arrays;

/** Small shape utilities shared by shape inference, folding and the engine. */
public final class Shapes {
    private Shapes() {
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Numpy-style broadcast of two shapes; throws if incompatible. */
    public static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new InvalidModelException("cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Normalises a possibly negative axis against a rank. */
    public static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) {
            throw new InvalidModelException("axis " + axis + " out of range for rank " + rank);
        }
        return (int) a;
    }

    public static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * ONNX Reshape target resolution: 0 copies the input dimension (unless allowzero), one -1 is inferred.
     */
    public static long[] resolveReshape(long[] in, long[] target, boolean allowZero) {
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new InvalidModelException("two -1 in reshape target " + Arrays.toString(target));
                }
                infer = i;
            } else {
                known *= out[i];
            }
        }
        long total = numel(in);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new InvalidModelException("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(target));
            }
            out[infer] = total / known;
        } else if (known != total) {
            throw new InvalidModelException("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(target));
        }
        return out;
    }
}
