package dev.inlierq.engine;

import ai.djl.ndarray.NDManager;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpFamily;
import dev.inlierq.graph.OpType;
import java.util.Map;

/**
 * Kernels of the {@link OpFamily#CONSTANT} family (Constant, ConstantOfShape, Range): graph preparation folds
 * them, so a node left in the graph has an input computed at run time, which this engine refuses.
 */
final class ConstantKernels {
    private ConstantKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.Constant, ConstantKernels::constantOnly);
        registry.put(OpType.ConstantOfShape, ConstantKernels::constantOnly);
        registry.put(OpType.Range, ConstantKernels::constantOnly);
    }

    private static Kernel constantOnly(Node n, Graph g, NDManager m) {
        throw new UnsupportedModelException(n, "must have constant inputs (it could not be folded)");
    }
}
