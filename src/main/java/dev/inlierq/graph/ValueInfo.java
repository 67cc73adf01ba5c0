package dev.inlierq.graph;

import java.util.Arrays;

/** A named graph input or output: element type and shape ({@code -1} for a dimension not fixed). */
public record ValueInfo(String name, DType type, long[] shape) {
    public ValueInfo {
        shape = shape == null ? null : shape.clone();
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    @Override
    public String toString() {
        return name + ":" + type + (shape == null ? "[?]" : Arrays.toString(shape));
    }
}
