package dev.inlierq.graph;

import dev.inlierq.error.InvalidModelException;
import java.util.Arrays;

/**
 * Static output shapes of one node from the shapes (and, where needed, constant values) of its inputs,
 * following the ONNX operator specification: the {@link ShapeRule} its {@link OpFamily} declares. Returns
 * null when an input shape is unknown. Also holds the helpers the families' shape rules share.
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    public static long[][] infer(Node n, ValueLookup v) {
        long[] x = n.inputs().isEmpty() || n.input(0).isEmpty() ? null : v.shape(n.input(0));
        if (x == null) {
            return null;
        }
        return OpFamily.rule(n.op()).shape().infer(n, x, v);
    }

    /** The shape rule of ops whose single output has their first input's shape. */
    static long[][] same(Node n, long[] x, ValueLookup v) {
        return one(x);
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

    static boolean contains(long[] axes, int i, int rank) {
        for (long ax : axes) {
            if ((ax < 0 ? ax + rank : ax) == i) {
                return true;
            }
        }
        return false;
    }

    static long[][] one(long[] s) {
        return new long[][] {s};
    }
}
