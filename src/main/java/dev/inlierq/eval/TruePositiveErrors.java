package dev.inlierq.eval;

import static dev.inlierq.eval.CocoParams.R;

import java.util.Arrays;

/**
 * The true-positive errors of the nuScenes detection benchmark (H. Caesar et al., "nuScenes: A multimodal dataset for
 * autonomous driving", CVPR 2020, section 3; the devkit's {@code accumulate} with {@code dist_th_tp = 2} m,
 * {@code cummean} and {@code calc_tp} with {@code min_recall = 0.1}) for one class, on BEV maps.
 *
 * <p>Every true positive of the matching at {@link #DISTANCE} records three errors against the ground truth it took:
 * <ul>
 *   <li>ATE, the distance between the centres in metres (the one the matching measured);</li>
 *   <li>ASE, 1 - IoU of the two boxes moved onto a common centre and turned to a common heading, in one of three
 *       forms for the whole evaluation ({@link #aseForm}, {@link CenterDistanceMetrics.AseForm}):
 *       <ul>
 *         <li>{@code 3d}, the devkit's: the 3D boxes, {@code min(w) min(l) min(h) / (w l h + w' l' h' - min(w)
 *             min(l) min(h))} with the footprint's width and length (the ground truth's {@code rotated_bbox}
 *             sides, the detection's {@link dev.inlierq.detect.Box3d}; pixels) and the height (metres: the IoU
 *             does not depend on the units of each axis);</li>
 *         <li>{@code footprint}: the same of the rotated footprints, width and length alone;</li>
 *         <li>{@code hull}: the same of the axis-aligned {@code bbox} width and height of both sides (detections
 *             that are hulls are compared with the ground truth's hull, not its {@code rotated_bbox});</li>
 *       </ul>
 *       the IoU is 0 when both boxes are empty;</li>
 *   <li>AOE, the smallest absolute difference between the detection's yaw and the ground truth's {@code rotated_bbox}
 *       yaw, with period 2 pi, in radians in [0, pi]; a missing value (NaN) when either has no heading.</li>
 * </ul>
 * Each error's running mean over the true positives in score order ({@code cummean}: missing values skipped, 0 before
 * the first known one, 1 throughout when none is known) becomes a function of the confidence: the devkit reads the
 * detections' scores at the 101 recalls as it reads the precision ({@link NuScenesAp#atRecalls}: linear between
 * operating points, 0 past the highest recall), then reads the running mean at those scores by linear interpolation
 * between the true positives' scores ({@code numpy.interp} on the reversed arrays). The class's error is the mean of
 * that curve from recall index {@code round(100 * 0.1) + 1 = 11} to the last index whose score is not 0 (the highest
 * recall reached), and 1 when that range is empty or the class has no true positive.
 */
final class TruePositiveErrors {
    /**
     * The devkit's {@code dist_th_tp}: the matching threshold of the true-positive errors, in metres; one of
     * {@link CenterDistanceEvaluator#THRESHOLDS}, whose matching at it the errors reuse.
     */
    static final double DISTANCE = 2.0;

    private TruePositiveErrors() {
    }

    /**
     * The form of the scale error for these ground-truth boxes and detections: {@code 3d} when there is a detection
     * and every detection and every ground-truth box has a footprint (length and width) and a height;
     * {@code footprint} when they all have a footprint; else {@code hull}.
     */
    static CenterDistanceMetrics.AseForm aseForm(BevCentres gt, CocoBoxes dts) {
        if (dts.n == 0 || !allKnown(gt.length) || !allKnown(dts.length)) {
            return CenterDistanceMetrics.AseForm.HULL;
        }
        return allKnown(gt.height) && allKnown(dts.height) ? CenterDistanceMetrics.AseForm.BOX_3D
                : CenterDistanceMetrics.AseForm.FOOTPRINT;
    }

    private static boolean allKnown(double[] values) {
        for (double v : values) {
            if (Double.isNaN(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The errors of one class.
     *
     * @param gt the ground truth of the evaluation
     * @param dts the detections of the evaluation
     * @param order indices into {@code dts} of the class's detections, by descending score
     * @param matched the ground-truth index each of them took at {@link #DISTANCE}, -1 for none
     *     ({@link CentreMatcher#match})
     * @param nPos the class's ground-truth boxes, positive
     * @param cellSize metres per pixel
     * @param withAoe whether to compute the orientation error; else it is NaN
     * @param form the scale error's form ({@link #aseForm})
     */
    static CenterDistanceMetrics.TpErrors of(BevCentres gt, CocoBoxes dts, int[] order, int[] matched, int nPos,
            double cellSize, boolean withAoe, CenterDistanceMetrics.AseForm form) {
        int nTp = 0;
        for (int g : matched) {
            nTp += g >= 0 ? 1 : 0;
        }
        if (nTp == 0) {
            return new CenterDistanceMetrics.TpErrors(1, 1, withAoe ? 1 : Double.NaN);
        }
        double[] scores = new double[order.length];
        double[] tpScores = new double[nTp];
        double[] ate = new double[nTp];
        double[] ase = new double[nTp];
        double[] aoe = new double[nTp];
        int t = 0;
        for (int r = 0; r < order.length; r++) {
            int d = order[r];
            int g = matched[r];
            scores[r] = dts.areaOrScore[d];
            if (g < 0) {
                continue;
            }
            tpScores[t] = scores[r];
            ate[t] = CentreMatcher.metres(gt, g, dts, d, cellSize);
            ase[t] = 1 - scaleIou(gt, g, dts, d, form);
            aoe[t] = yawDifference(gt.yaw[g], dts.yaw[d]);
            t++;
        }
        double[] confidence = NuScenesAp.atRecalls(NuScenesAp.recalls(CentreMatcher.truePositives(matched), nPos),
                scores);
        int last = 0;
        for (int r = 0; r < R; r++) {
            if (confidence[r] != 0) {
                last = r;
            }
        }
        return new CenterDistanceMetrics.TpErrors(error(ate, tpScores, confidence, last),
                error(ase, tpScores, confidence, last),
                withAoe ? error(aoe, tpScores, confidence, last) : Double.NaN);
    }

    /**
     * The devkit's {@code calc_tp} of one error: its running mean read at the confidence of each recall, averaged from
     * recall index 11 to {@code last}; 1 when that is empty.
     */
    private static double error(double[] perTp, double[] tpScores, double[] confidence, int last) {
        int first = (int) Math.round(100 * NuScenesAp.MIN_RECALL) + 1;
        if (last < first) {
            return 1;
        }
        int n = perTp.length;
        double[] mean = cumulativeMean(perTp);
        double[] xp = new double[n];
        double[] fp = new double[n];
        for (int i = 0; i < n; i++) {
            xp[i] = tpScores[n - 1 - i];
            fp[i] = mean[n - 1 - i];
        }
        double[] x = new double[R];
        for (int r = 0; r < R; r++) {
            x[r] = confidence[R - 1 - r];
        }
        double[] reversed = CocoNumerics.interp(x, xp, fp, fp[0], fp[n - 1]);
        double[] kept = new double[last - first + 1];
        for (int r = first; r <= last; r++) {
            kept[r - first] = reversed[R - 1 - r];
        }
        return CocoNumerics.numpyMean(kept, kept.length);
    }

    /**
     * The devkit's {@code cummean}: at each position the mean of the values so far that are not NaN (summed in order),
     * 0 before the first such value; all 1 when every value is NaN.
     */
    static double[] cumulativeMean(double[] values) {
        double[] out = new double[values.length];
        double sum = 0;
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                sum += values[i];
                count++;
            }
            out[i] = count == 0 ? 0 : sum / count;
        }
        if (count == 0) {
            Arrays.fill(out, 1);
        }
        return out;
    }

    /** The IoU of ground truth {@code g}'s and detection {@code d}'s boxes on a common centre, in {@code form}. */
    static double scaleIou(BevCentres gt, int g, CocoBoxes dts, int d, CenterDistanceMetrics.AseForm form) {
        return switch (form) {
            case BOX_3D -> alignedIou3d(gt.width[g], gt.length[g], gt.height[g], dts.width[d], dts.length[d],
                    dts.height[d]);
            case FOOTPRINT -> alignedIou(gt.width[g], gt.length[g], dts.width[d], dts.length[d]);
            case HULL -> alignedIou(gt.w[g], gt.h[g], dts.w[d], dts.h[d]);
        };
    }

    /**
     * The IoU of two 3D boxes of sizes {@code (w1, l1, h1)} and {@code (w2, l2, h2)} put on a common centre and
     * heading, as the devkit's {@code scale_iou} computes it (products in the order width, length, height); 0 when
     * both volumes are 0.
     */
    static double alignedIou3d(double w1, double l1, double h1, double w2, double l2, double h2) {
        double inter = Math.min(w1, w2) * Math.min(l1, l2) * Math.min(h1, h2);
        double union = w1 * l1 * h1 + w2 * l2 * h2 - inter;
        return union > 0 ? inter / union : 0;
    }

    /** The IoU of two axis-aligned boxes of these sizes put on a common centre; 0 when both areas are 0. */
    static double alignedIou(double w1, double h1, double w2, double h2) {
        double inter = Math.min(w1, w2) * Math.min(h1, h2);
        double union = w1 * h1 + w2 * h2 - inter;
        return union > 0 ? inter / union : 0;
    }

    /**
     * The smallest absolute difference of two headings in radians, with period 2 pi, in [0, pi], computed as the devkit
     * does ({@code (a - b + pi) mod 2 pi - pi} with Python's modulo); NaN when either is NaN.
     */
    static double yawDifference(double a, double b) {
        double period = 2 * Math.PI;
        double m = (a - b + period / 2) % period;
        if (m < 0) {
            m += period;
        }
        return Math.abs(m - period / 2);
    }
}
