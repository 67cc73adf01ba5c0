package dev.inlierq.eval;

/**
 * The greedy matching of the nuScenes detection benchmark (H. Caesar et al., "nuScenes: A multimodal dataset for
 * autonomous driving", CVPR 2020; the devkit's {@code accumulate}) for one class at one distance threshold: the
 * detections, visited in score order, each take the nearest ground-truth centre of their class on their image that
 * no earlier detection took, if it lies closer than the threshold. The first centre in file order wins a tie of
 * distances; a detection whose nearest free centre is too far is a false positive, even if a farther one is free
 * (the devkit does the same: it compares only the nearest).
 */
final class CentreMatcher {
    private CentreMatcher() {
    }

    /**
     * The ground-truth centre each detection takes, in the given order: its index into {@code gt}, or -1 for a false
     * positive.
     *
     * @param gt the ground-truth centres, in pixels
     * @param k the category index
     * @param dts the detections; their centres are {@code (x + w / 2, y + h / 2)}, in pixels
     * @param order indices into {@code dts} of category {@code k}'s detections, by descending score
     * @param threshold the distance threshold in metres; a match needs a distance strictly below it
     * @param cellSize metres per pixel
     */
    static int[] match(BevCentres gt, int k, CocoBoxes dts, int[] order, double threshold, double cellSize) {
        boolean[] taken = new boolean[gt.size()];
        int[] matched = new int[order.length];
        for (int r = 0; r < order.length; r++) {
            int d = order[r];
            double best = Double.POSITIVE_INFINITY;
            int match = -1;
            for (int g = gt.from(k, dts.img[d]); g < gt.to(k, dts.img[d]); g++) {
                if (taken[g]) {
                    continue;
                }
                double metres = metres(gt, g, dts, d, cellSize);
                if (metres < best) {
                    best = metres;
                    match = g;
                }
            }
            if (best < threshold) {
                taken[match] = true;
                matched[r] = match;
            } else {
                matched[r] = -1;
            }
        }
        return matched;
    }

    /** Whether each detection of a {@link #match} result is a true positive. */
    static boolean[] truePositives(int[] matched) {
        boolean[] tp = new boolean[matched.length];
        for (int r = 0; r < matched.length; r++) {
            tp[r] = matched[r] >= 0;
        }
        return tp;
    }

    /** The distance in metres from ground-truth centre {@code g} to the centre of detection {@code d}'s box. */
    static double metres(BevCentres gt, int g, CocoBoxes dts, int d, double cellSize) {
        double dx = gt.x[g] - (dts.x[d] + dts.w[d] / 2);
        double dy = gt.y[g] - (dts.y[d] + dts.h[d] / 2);
        return Math.sqrt(dx * dx + dy * dy) * cellSize;
    }
}
