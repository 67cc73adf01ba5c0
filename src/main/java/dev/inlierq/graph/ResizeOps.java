package dev.inlierq.graph;

import static dev.inlierq.graph.ShapeInference.one;

import java.util.List;

/**
 * The resize family's rules: Resize and Upsample, sized from constant scales or sizes by
 * {@link OpParams#resize}; never folded. Kernels: {@code engine.ResizeKernels}.
 */
final class ResizeOps {
    private ResizeOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .notFoldable((n, x, v) -> one(OpParams.resize(n, x, v).outShape()), OpType.Resize, OpType.Upsample)
                .build();
    }
}
