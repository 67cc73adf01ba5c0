package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CocoMetricsTest {
    private static final double[] STATS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.0005, -1, 0.1235};

    @Test
    void jsonMapHasTheTwelveKeysInOrder() {
        CocoMetrics m = CocoMetrics.fromStats(STATS, Map.of(3, 0.5, 1, -1.0));
        Map<String, Object> json = m.toJsonMap();
        assertEquals(List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"),
                List.copyOf(json.keySet()));
        assertEquals(0.1, json.get("AP"));
        assertEquals(0.9, json.get("AR100"));
        assertEquals(-1.0, json.get("ARm"));
        assertEquals(List.of(1, 3), List.copyOf(m.perCategoryAp().keySet()));
    }

    @Test
    void summaryTextFollowsPycocotools() {
        String[] lines = CocoMetrics.fromStats(STATS, Map.of()).summaryText().split("\n");
        assertEquals(12, lines.length);
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.100", lines[0]);
        assertEquals(" Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.300", lines[2]);
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 0.500", lines[4]);
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.700", lines[6]);
        // Python rounds the exact binary value: 0.0005 is slightly above 5e-4 -> 0.001, 0.1235 slightly below
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.001", lines[9]);
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines[10]);
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.123", lines[11]);
    }
}
