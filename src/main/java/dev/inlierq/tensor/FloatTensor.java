package dev.inlierq.tensor;

import dev.inlierq.error.InvalidModelException;
import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order, held on the Java heap. The neutral exchange type
 * between image pre-processing, the two execution engines (ONNX Runtime and the DJL engine) and the
 * output decoders. The data array is owned by the tensor: callers must not modify it after handing it
 * over.
 */
public record FloatTensor(long[] shape, float[] data) {

    public FloatTensor {
        shape = shape.clone();
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    /** Number of elements a tensor of this shape holds. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    public long size() {
        return data.length;
    }

    /** Index of the first NaN or infinite value, or -1 if every value is finite. */
    public static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The largest absolute difference of {@code other} from {@code ref}, relative to the largest magnitude of
     * {@code ref} (plus 1e-6, so an all-zero reference gives the absolute difference in millionths).
     */
    public static double maxRelativeError(float[] ref, float[] other) {
        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ref[i] - other[i]));
        }
        return maxDiff / (maxAbs + 1e-6);
    }

    /**
     * Returns this tensor if every value is finite; otherwise throws {@link InvalidModelException} (exit 4)
     * naming {@code what}, the first bad value and its index.
     */
    public FloatTensor requireFinite(String what) {
        int i = firstNonFinite(data);
        if (i >= 0) {
            throw new InvalidModelException(what + " holds a non-finite value (" + data[i] + " at index " + i
                    + " of shape " + Arrays.toString(shape) + ")");
        }
        return this;
    }

    /** The slice along axis 0 at {@code index}, copied: for a batch, one sample with a leading 1. */
    public FloatTensor sample(int index) {
        long[] s = shape.clone();
        int per = (int) (data.length / shape[0]);
        s[0] = 1;
        return new FloatTensor(s, Arrays.copyOfRange(data, index * per, (index + 1) * per));
    }

    /** Stacks tensors of equal shape [1, ...] (or [...]) along a new or existing batch axis 0. */
    public static FloatTensor stack(java.util.List<FloatTensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to stack");
        }
        long[] first = parts.get(0).shape;
        int per = parts.get(0).data.length;
        float[] out = new float[per * parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            FloatTensor t = parts.get(i);
            if (!Arrays.equals(t.shape, first)) {
                throw new IllegalArgumentException("cannot stack " + Arrays.toString(t.shape)
                        + " with " + Arrays.toString(first));
            }
            System.arraycopy(t.data, 0, out, i * per, per);
        }
        long[] s = first.clone();
        s[0] = first[0] * parts.size();
        return new FloatTensor(s, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
