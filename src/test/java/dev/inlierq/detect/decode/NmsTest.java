package dev.inlierq.detect.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.detect.NmsMode;
import org.junit.jupiter.api.Test;

class NmsTest {

    @Test
    void iouOfHalfOverlappingSquares() {
        double[] b = {0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30};
        assertEquals(50.0 / 150, Nms.iou(b, 0, 1), 1e-12);
        assertEquals(0, Nms.iou(b, 0, 2));
        assertEquals(1, Nms.iou(b, 2, 2));
    }

    @Test
    void sortsByScoreWithStableTiesAndDropsNaN() {
        float[] scores = {0.5f, 0.9f, 0.5f, Float.NaN, 0.9f, -1f, 0f};
        assertArrayEquals(new int[] {1, 4, 0, 2, 6, 5}, Nms.sortByScore(scores, scores.length));
        assertArrayEquals(new int[] {1, 0}, Nms.sortByScore(scores, 2));
    }

    /** Boxes 0 and 1 overlap with IoU 0.8 (same class); box 2 is elsewhere. */
    private static final double[] OVERLAP = {0, 0, 10, 10, 0, 0, 10, 8, 50, 50, 60, 60};

    @Test
    void overlapAboveThresholdIsSuppressed() {
        int[] sameClass = {0, 0, 0};
        assertArrayEquals(new int[] {0, 2}, Nms.greedy(OVERLAP, sameClass, 3, NmsMode.CLASS_AWARE, 0.5, 100));
        assertArrayEquals(new int[] {0, 1, 2}, Nms.greedy(OVERLAP, sameClass, 3, NmsMode.CLASS_AWARE, 0.8, 100),
                "IoU equal to the threshold is kept (suppression needs IoU > threshold)");
    }

    @Test
    void classAwareKeepsOtherClassesAgnosticDoesNot() {
        int[] classes = {0, 1, 0};
        assertArrayEquals(new int[] {0, 1, 2}, Nms.greedy(OVERLAP, classes, 3, NmsMode.CLASS_AWARE, 0.5, 100));
        assertArrayEquals(new int[] {0, 2}, Nms.greedy(OVERLAP, classes, 3, NmsMode.AGNOSTIC, 0.5, 100));
        assertArrayEquals(new int[] {0, 1, 2}, Nms.greedy(OVERLAP, classes, 3, NmsMode.NONE, 0.5, 100));
    }

    @Test
    void suppressedBoxesDoNotSuppressOthers() {
        // 0 suppresses 1; 1 would suppress 2, but 1 is gone, and 0 and 2 barely touch
        double[] chain = {0, 0, 10, 10, 4, 0, 14, 10, 8, 0, 18, 10};
        assertArrayEquals(new int[] {0, 2}, Nms.greedy(chain, new int[3], 3, NmsMode.CLASS_AWARE, 0.4, 100));
    }

    @Test
    void maxDetectionsKeepsTheTopScoresAcrossClasses() {
        double[] disjoint = new double[4 * 5];
        for (int i = 0; i < 5; i++) {
            disjoint[4 * i] = 20 * i;
            disjoint[4 * i + 2] = 20 * i + 10;
            disjoint[4 * i + 3] = 10;
        }
        int[] classes = {3, 1, 3, 0, 2};
        assertArrayEquals(new int[] {0, 1, 2}, Nms.greedy(disjoint, classes, 5, NmsMode.CLASS_AWARE, 0.5, 3));
        assertArrayEquals(new int[] {0, 1}, Nms.greedy(disjoint, classes, 5, NmsMode.NONE, 0.5, 2));
    }
}
