package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

import java.util.Arrays;

/**
 * Maps the elements of a row-major tensor of a given shape to the index of their (scale, zero point) pair
 * under a {@link Granularity}. For {@link Granularity.PerGroup} the parameters are laid out as ONNX blocked
 * quantization's scale tensor: the input's shape with dimension {@code axis} replaced by the group count.
 */
final class ParamLayout {
    final int count;
    final long numel;
    private final long inner;
    private final long axisDim;
    private final int groupSize;
    private final int groups;
    private final int kind; // 0 tensor, 1 channel, 2 group

    private ParamLayout(int kind, int count, long numel, long inner, long axisDim, int groupSize, int groups) {
        this.kind = kind;
        this.count = count;
        this.numel = numel;
        this.inner = inner;
        this.axisDim = axisDim;
        this.groupSize = groupSize;
        this.groups = groups;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            check(d >= 0, "shape", "non-negative dimensions", Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static ParamLayout of(Granularity g, long[] shape) {
        long numel = numel(shape);
        if (g instanceof Granularity.PerTensor) {
            return new ParamLayout(0, 1, numel, 1, 1, 1, 1);
        }
        int axis = g instanceof Granularity.PerChannel pc ? pc.axis() : ((Granularity.PerGroup) g).axis();
        check(axis < shape.length, g.toString(), "a tensor of rank > " + axis, "shape " + Arrays.toString(shape));
        long inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        long d = shape[axis];
        if (g instanceof Granularity.PerChannel) {
            check(d <= Integer.MAX_VALUE, g.toString(), "an axis of at most 2^31-1 channels", d);
            return new ParamLayout(1, (int) d, numel, inner, d, 1, (int) d);
        }
        int b = ((Granularity.PerGroup) g).groupSize();
        long groups = (d + b - 1) / b;
        long outer = d == 0 ? 0 : numel / (d * inner);
        long count = outer * groups * inner;
        check(count <= Integer.MAX_VALUE, g.toString(), "at most 2^31-1 groups", count);
        return new ParamLayout(2, (int) count, numel, inner, d, b, (int) groups);
    }

    /** Index of the parameter of flat element {@code i}. */
    int index(long i) {
        switch (kind) {
            case 0:
                return 0;
            case 1:
                return (int) ((i / inner) % axisDim);
            default:
                long r = i % inner;
                long c = (i / inner) % axisDim;
                long o = i / (inner * axisDim);
                return (int) ((o * groups + c / groupSize) * inner + r);
        }
    }

    /** The shape of the parameter tensor for an input of {@code shape}, as ONNX expects it. */
    static long[] parameterShape(Granularity g, long[] shape) {
        if (g instanceof Granularity.PerTensor) {
            return new long[0];
        }
        if (g instanceof Granularity.PerChannel pc) {
            check(pc.axis() < shape.length, g.toString(), "a tensor of rank > " + pc.axis(), Arrays.toString(shape));
            return new long[] {shape[pc.axis()]};
        }
        Granularity.PerGroup pg = (Granularity.PerGroup) g;
        check(pg.axis() < shape.length, g.toString(), "a tensor of rank > " + pg.axis(), Arrays.toString(shape));
        long[] p = shape.clone();
        p[pg.axis()] = (shape[pg.axis()] + pg.groupSize() - 1) / pg.groupSize();
        return p;
    }
}
