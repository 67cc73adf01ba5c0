package dev.inlierq.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;

/** Assertions on graphs that several tests share. */
public final class GraphAssertions {
    private GraphAssertions() {
    }

    /**
     * The same initializers, name for name, shape for shape and value for value (integers compared as integers);
     * everything else (inputs, metadata) may differ.
     */
    public static void assertSameWeights(Graph expected, Graph actual) {
        assertEquals(expected.initializers().keySet(), actual.initializers().keySet());
        expected.initializers().forEach((name, t) -> {
            ConstTensor u = actual.initializers().get(name);
            assertArrayEquals(t.shape(), u.shape(), name);
            if (t.isFloating()) {
                assertArrayEquals(t.floats(), u.floats(), name);
            } else {
                assertArrayEquals(t.longs(), u.longs(), name);
            }
        });
    }
}
