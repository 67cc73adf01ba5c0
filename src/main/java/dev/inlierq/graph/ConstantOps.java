package dev.inlierq.graph;

import static dev.inlierq.graph.ShapeInference.one;

import dev.inlierq.error.UnsupportedModelException;
import java.util.Arrays;
import java.util.List;

/**
 * The constant family's rules: Constant, ConstantOfShape and Range make values from attributes and constant
 * inputs, and are always folded (their kernels, {@code engine.ConstantKernels}, only refuse a node left
 * unfolded). Constant and Range have no shape rule: folding gives their shapes.
 */
final class ConstantOps {
    private ConstantOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .folding(ConstantOps::noShapeRule, ConstantOps::constant, OpType.Constant)
                .folding(ConstantOps::constantOfShapeShape, ConstantOps::constantOfShape, OpType.ConstantOfShape)
                .folding(ConstantOps::noShapeRule, ConstantOps::range, OpType.Range)
                .build();
    }

    private static long[][] noShapeRule(Node n, long[] x, ValueLookup v) {
        return null;
    }

    private static long[][] constantOfShapeShape(Node n, long[] x, ValueLookup v) {
        ConstTensor s = v.constant(n.input(0));
        return s == null ? null : one(s.longs());
    }

    /** The value of a Constant node (value, value_float(s), value_int(s)). */
    private static ConstTensor constant(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
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

    private static ConstTensor constantOfShape(Node n, ConstTensor[] in, long[] inShape0, long[] outShape,
            ValueLookup v) {
        Attributes a = n.attrs();
        ConstTensor val = a.getTensor("value");
        long[] shape = in[0].longs();
        int count = (int) Shapes.numel(shape);
        if (val == null || val.isFloating()) {
            float[] f = new float[count];
            Arrays.fill(f, val == null ? 0f : (float) val.get(0));
            return ConstTensor.ofFloats(shape, f);
        }
        long[] l = new long[count];
        Arrays.fill(l, (long) val.get(0));
        return ConstTensor.ofLongs(val.type(), shape, l);
    }

    private static ConstTensor range(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
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
}
