package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;

/**
 * Called by the executor on every value a node produces, before its consumers run. A hook may return the
 * value unchanged (to observe it), or a replacement (a fake-quantized version, or a detached leaf that
 * requires a gradient, to probe dL/dx). The executor owns and closes what the hook returns; a hook that
 * wants to keep a value must mark it in {@link #retain}.
 */
@FunctionalInterface
public interface ValueHook {
    NDArray apply(String valueName, NDArray value);

    /** Values the executor must not close after their last consumer (the hook keeps them). */
    default boolean retain(String valueName) {
        return false;
    }

    ValueHook NONE = (name, v) -> v;
}
