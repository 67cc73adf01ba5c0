package dev.inlierq.detect.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SpecCheck} against declared shapes: every problem of every output, in one list. */
class SpecCheckTest {
    private static final DetectorSpec V5 = DetectorSpecs.parse("""
            input: {name: images, width: 64, height: 64, channelOrder: RGB, resize: STRETCH}
            head:
              family: anchor_yolo
              levels:
                - {output: p3, stride: 8, anchors: [10, 13]}
                - {output: p4, stride: 16, anchors: [30, 61]}
            classes: [1, 2]
            """, DetectorSpecs.Format.YAML, "v5.yaml", "v5");

    @Test
    void fittingShapesHaveNoProblem() {
        assertEquals(List.of(), SpecCheck.problems(V5, Map.of("images", new long[] {-1, 3, 64, 64}),
                Map.of("p3", new long[] {1, 7, 8, 8}, "p4", new long[] {1, 7, 4, 4})));
    }

    @Test
    void everyLevelThatDoesNotFitIsReported() {
        List<String> problems = SpecCheck.problems(V5, Map.of("images", new long[] {1, 3, 64, 64}),
                Map.of("p3", new long[] {1, 8, 8, 8}, "p4", new long[] {1, 7, 16}));
        String all = String.join("; ", problems);
        assertTrue(all.contains("'p3' [1, 8, 8, 8]") && all.contains("'p4' [1, 7, 16]"), all);
    }

    @Test
    void unknownShapesAreLeftToDecoding() {
        assertEquals(List.of(), SpecCheck.problems(V5, Map.of("images", new long[] {-1, 3, -1, -1}),
                Map.of("p3", new long[] {-1, 7, -1, -1}, "p4", new long[] {1, 7, 4, 4})));
    }
}
