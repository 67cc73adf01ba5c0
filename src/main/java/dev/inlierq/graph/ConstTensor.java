package dev.inlierq.graph;

import dev.inlierq.tensor.FloatTensor;
import java.util.Arrays;

/**
 * An immutable constant tensor of the graph (an initializer or a folded value). Floating types are held
 * as float32 values, integer and boolean types as int64 values; exactly one of the two arrays is set.
 */
public final class ConstTensor {
    private final DType type;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;

    private ConstTensor(DType type, long[] shape, float[] floats, long[] longs) {
        this.type = type;
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        long n = FloatTensor.numel(shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + have);
        }
    }

    public static ConstTensor ofFloats(long[] shape, float[] values) {
        return new ConstTensor(DType.FLOAT, shape, values.clone(), null);
    }

    public static ConstTensor ofLongs(DType type, long[] shape, long[] values) {
        if (type.isFloating()) {
            throw new IllegalArgumentException(type + " is not an integer type");
        }
        return new ConstTensor(type, shape, null, values.clone());
    }

    public static ConstTensor ofLongs(long[] shape, long[] values) {
        return ofLongs(DType.INT64, shape, values);
    }

    public static ConstTensor scalar(float v) {
        return ofFloats(new long[0], new float[] {v});
    }

    public static ConstTensor vector(long... v) {
        return ofLongs(new long[] {v.length}, v);
    }

    public DType type() {
        return type;
    }

    public boolean isFloating() {
        return floats != null;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** Values as float32 (integers converted). */
    public float[] floats() {
        if (floats != null) {
            return floats.clone();
        }
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = longs[i];
        }
        return f;
    }

    /** Values as int64 (floats truncated toward zero, as ONNX Cast does). */
    public long[] longs() {
        if (longs != null) {
            return longs.clone();
        }
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (long) floats[i];
        }
        return l;
    }

    public double get(int flatIndex) {
        return floats != null ? floats[flatIndex] : longs[flatIndex];
    }

    public ConstTensor reshape(long[] newShape) {
        return floats != null ? new ConstTensor(type, newShape, floats, null) : new ConstTensor(type, newShape, null, longs);
    }

    public FloatTensor toFloatTensor() {
        return new FloatTensor(shape, floats());
    }

    /** A new tensor of the given type holding these values (ONNX Cast semantics for the types we fold). */
    public ConstTensor cast(DType to) {
        if (to.isFloating()) {
            return new ConstTensor(DType.FLOAT, shape, floats(), null);
        }
        long[] v = longs();
        if (to == DType.BOOL) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (floats != null ? floats[i] != 0 : v[i] != 0) ? 1 : 0;
            }
        }
        return new ConstTensor(to, shape, null, v);
    }

    @Override
    public String toString() {
        return "ConstTensor(" + type + Arrays.toString(shape) + ")";
    }
}
