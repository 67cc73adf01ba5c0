package dev.inlierq.detect.decode;

import dev.inlierq.detect.NmsMode;
import java.util.Arrays;

/**
 * Candidate ordering and greedy non-maximum suppression on flat arrays (no per-box objects).
 * Boxes are x1, y1, x2, y2 at {@code boxes[4 * i ..]}; IoU uses areas {@code (x2 - x1) * (y2 - y1)}
 * (no +1), as torchvision does.
 */
public final class Nms {
    private Nms() {
    }

    /**
     * Indices {@code 0..count-1} ordered by descending score, ties by ascending index; NaN scores are
     * left out. A primitive sort of (score, index) keys: deterministic and stable.
     */
    public static int[] sortByScore(float[] scores, int count) {
        long[] keys = new long[count];
        int m = 0;
        for (int i = 0; i < count; i++) {
            float s = scores[i];
            if (Float.isNaN(s)) {
                continue;
            }
            int bits = Float.floatToIntBits(s);
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // monotone in s as a signed int
            keys[m++] = ((long) ~ordered << 32) | i;
        }
        Arrays.sort(keys, 0, m);
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** Intersection over union of boxes i and j; 0 when the union is empty. */
    public static double iou(double[] boxes, int i, int j) {
        double ix = Math.min(boxes[4 * i + 2], boxes[4 * j + 2]) - Math.max(boxes[4 * i], boxes[4 * j]);
        double iy = Math.min(boxes[4 * i + 3], boxes[4 * j + 3]) - Math.max(boxes[4 * i + 1], boxes[4 * j + 1]);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        double inter = ix * iy;
        double union = area(boxes, i) + area(boxes, j) - inter;
        return union > 0 ? inter / union : 0;
    }

    private static double area(double[] b, int i) {
        return Math.max(0, b[4 * i + 2] - b[4 * i]) * Math.max(0, b[4 * i + 3] - b[4 * i + 1]);
    }

    /**
     * Greedy NMS over candidates already in descending score order: a candidate is kept unless its
     * IoU with a kept box (of the same class for {@link NmsMode#CLASS_AWARE}, any for
     * {@link NmsMode#AGNOSTIC}) exceeds {@code iouThreshold}; stops after {@code maxKeep} kept.
     * Processing in global score order equals per-class NMS followed by a global top-k.
     *
     * @param classes class index of each candidate (non-negative)
     * @return the kept candidate indices, ascending (that is, in score order)
     */
    public static int[] greedy(double[] boxes, int[] classes, int count, NmsMode mode, double iouThreshold,
            int maxKeep) {
        int limit = Math.min(count, maxKeep);
        if (mode == NmsMode.NONE) {
            int[] all = new int[limit];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int groups = 1;
        if (mode == NmsMode.CLASS_AWARE) {
            for (int i = 0; i < count; i++) {
                groups = Math.max(groups, classes[i] + 1);
            }
        }
        int[][] keptByGroup = new int[groups][];
        int[] keptInGroup = new int[groups];
        int[] kept = new int[limit];
        int total = 0;
        for (int i = 0; i < count && total < limit; i++) {
            int g = mode == NmsMode.CLASS_AWARE ? classes[i] : 0;
            int[] list = keptByGroup[g];
            boolean suppressed = false;
            for (int k = 0; k < keptInGroup[g] && !suppressed; k++) {
                suppressed = iou(boxes, list[k], i) > iouThreshold;
            }
            if (suppressed) {
                continue;
            }
            if (list == null || keptInGroup[g] == list.length) {
                list = keptByGroup[g] = list == null ? new int[8] : Arrays.copyOf(list, list.length * 2);
            }
            list[keptInGroup[g]++] = i;
            kept[total++] = i;
        }
        return Arrays.copyOf(kept, total);
    }
}
