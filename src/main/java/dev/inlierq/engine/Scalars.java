package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.BiFunction;

/**
 * Arithmetic between an array and a number, with the number held in memory that libtorch owns.
 *
 * <p>DJL's overloads that take a {@code Number} ({@code add}, {@code mul}, {@code div}, {@code pow},
 * {@code maximum}, {@code rdiv}, ...) wrap the number in a Java direct buffer without copying it, and most close
 * that array right after the call. Autograd keeps such an operand for the backward pass (the derivative of
 * {@code x * c} with respect to {@code x} is {@code c}), so once the garbage collector frees the buffer, the
 * backward pass reads freed memory: gradients that are NaN, zero or merely wrong, depending on when the
 * collector ran and what reused the memory. Every path of this tool that may record autograd therefore goes
 * through these methods (or keeps a {@link #of} scalar alive), never through DJL's {@code Number} overloads.
 * The results are those of the overloads: the same 0-dimensional float operand, the same libtorch op.
 */
public final class Scalars {
    private Scalars() {
    }

    /** A 0-dimensional float32 array holding {@code v}, in libtorch-owned memory, owned by {@code m}. */
    public static NDArray of(NDManager m, float v) {
        return DjlRuntime.create(m, new float[] {v}, new Shape());
    }

    /** {@code x + v}. */
    public static NDArray add(NDArray x, float v) {
        return with(x, v, NDArray::add);
    }

    /** {@code x - v}. */
    public static NDArray sub(NDArray x, float v) {
        return with(x, v, NDArray::sub);
    }

    /** {@code v - x}. */
    public static NDArray rsub(float v, NDArray x) {
        return with(x, v, (a, s) -> s.sub(a));
    }

    /** {@code x * v}. */
    public static NDArray mul(NDArray x, float v) {
        return with(x, v, NDArray::mul);
    }

    /** {@code x / v}. */
    public static NDArray div(NDArray x, float v) {
        return with(x, v, NDArray::div);
    }

    /** {@code x ^ v}. */
    public static NDArray pow(NDArray x, float v) {
        return with(x, v, NDArray::pow);
    }

    /** {@code max(x, v)} element-wise. */
    public static NDArray maximum(NDArray x, float v) {
        return with(x, v, NDArray::maximum);
    }

    /** {@code min(x, v)} element-wise. */
    public static NDArray minimum(NDArray x, float v) {
        return with(x, v, NDArray::minimum);
    }

    /**
     * {@code op(x, s)} with {@code s} a {@link #of} scalar. Closing {@code s} afterwards only drops this handle:
     * autograd holds its own reference to the libtorch-owned memory.
     */
    private static NDArray with(NDArray x, float v, BiFunction<NDArray, NDArray, NDArray> op) {
        try (NDArray s = of(x.getManager(), v)) {
            return op.apply(x, s);
        }
    }
}
