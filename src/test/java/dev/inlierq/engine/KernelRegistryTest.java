package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.graph.OpFamily;
import dev.inlierq.graph.OpType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every operator the graph package declares has a kernel, registered by its family's kernel class (loading
 * {@link Kernels} fails when a kernel class registers more or fewer operators than its family declares).
 */
class KernelRegistryTest {
    @Test
    void everyOperatorHasAKernel() {
        assertEquals(EnumSet.allOf(OpType.class), EnumSet.copyOf(Kernels.REGISTRY.keySet()));
    }

    @Test
    void eachFamilysKernelsAreTheFamilysOperators() {
        Set<OpType> all = EnumSet.noneOf(OpType.class);
        for (OpFamily f : OpFamily.values()) {
            all.addAll(f.ops());
        }
        assertEquals(all, Kernels.REGISTRY.keySet());
    }
}
