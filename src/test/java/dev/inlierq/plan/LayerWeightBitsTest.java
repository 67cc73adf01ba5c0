package dev.inlierq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.OutlierChain;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-layer weight bits (mixed precision) in the plan, under the first/last 8-bit rule. */
class LayerWeightBitsTest {
    @TempDir
    Path tmp;

    @Test
    void perLayerBitsReplaceTheDefaultButNotTheEdgeRule() {
        Graph g = GraphPreparer.prepare(OnnxReader.read(OutlierChain.model(tmp)));
        Map<String, Integer> bits = Map.of("first", 4, "mid_plain", 8, "mid_outliers", 3);
        QuantPlan p = Planner.plan(g, PlanOptions.builder().weightBits(4).layerWeightBits(bits).build());
        assertEquals(8, p.weightOf("first").bits(), "first layer at 8 bit by the edge rule");
        assertEquals(8, p.weightOf("mid_plain").bits());
        assertEquals(3, p.weightOf("mid_outliers").bits());
        assertEquals(8, p.weightOf("last").bits());
        assertTrue(p.weightOf("mid_plain").reason().contains("per-layer bits"), p.weightOf("mid_plain").reason());
        assertEquals("first:w8a8,mid_plain:w8a8,mid_outliers:w3a8,last:w8a8", p.layerBits(g));
        QuantPlan noEdges = Planner.plan(g, PlanOptions.builder().weightBits(4).firstLastAt8Bit(false)
                .layerWeightBits(bits).build());
        assertEquals(4, noEdges.weightOf("first").bits());
        assertEquals(4, noEdges.weightOf("last").bits(), "no entry: --w-bits");
        assertEquals(Map.of("mid_plain", 8), PlanOptions.builder().build().withLayerWeightBits(Map.of("mid_plain", 8))
                .layerWeightBits());
    }

    @Test
    void bitsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PlanOptions.builder().layerWeightBits(Map.of("x", 9))
                .build());
        assertThrows(IllegalArgumentException.class, () -> PlanOptions.builder().layerWeightBits(Map.of("x", 1))
                .build());
    }
}
