package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;

/** A node compiled for execution: its parameters resolved once, applied to each batch. */
@FunctionalInterface
interface Kernel {
    /**
     * @param in    one array per node input (constants included; null for omitted optional inputs)
     * @param batch the batch size of this run
     * @return one array per node output
     */
    NDArray[] run(NDArray[] in, int batch);
}
