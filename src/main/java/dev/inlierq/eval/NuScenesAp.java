package dev.inlierq.eval;

import static dev.inlierq.eval.CocoParams.R;
import static dev.inlierq.eval.CocoParams.REC_THRS;

/**
 * The average precision of the nuScenes detection benchmark (H. Caesar et al., "nuScenes: A multimodal dataset for
 * autonomous driving", CVPR 2020; the devkit's {@code accumulate} and {@code calc_ap} with
 * {@code min_recall = min_precision = 0.1}) from the true-positive flags of one class's detections in score order.
 *
 * <p>After detection {@code i}, precision is {@code TP / (TP + FP)} and recall {@code TP / nPos}. This curve is
 * read at the 101 recalls {@code 0, 0.01, ..., 1} by linear interpolation between operating points, as numpy's
 * {@code interp(recalls, rec, prec, right=0)} does: below the first recall the first precision, above the last
 * recall 0, at a recall reached by several points the precision of the last of them. The precision is not made
 * monotone. The points at recall 0.1 and below are dropped, 0.1 is subtracted from the others and negatives set to
 * 0, and AP is their mean (numpy's summation order) divided by 0.9: a perfect detector gets 1, and the parts of the
 * curve below 10% recall or 10% precision count for nothing. Without any true positive, AP is 0.
 */
final class NuScenesAp {
    /** The devkit's {@code min_recall} and {@code min_precision}. */
    static final double MIN_RECALL = 0.1;
    static final double MIN_PRECISION = 0.1;

    private NuScenesAp() {
    }

    /** The AP of detections with these true-positive flags (score order) against {@code nPos > 0} boxes. */
    static double ap(boolean[] tp, int nPos) {
        double[] curve = precisionAtRecalls(tp, nPos);
        int first = (int) Math.round(100 * MIN_RECALL) + 1;
        double[] kept = new double[R - first];
        for (int r = first; r < R; r++) {
            double v = curve[r] - MIN_PRECISION;
            kept[r - first] = v < 0 ? 0 : v;
        }
        return CocoNumerics.numpyMean(kept, kept.length) / (1.0 - MIN_PRECISION);
    }

    /**
     * The precision at each of the 101 recall thresholds (the devkit's interpolated {@code precision}); all 0
     * without a true positive.
     */
    static double[] precisionAtRecalls(boolean[] tp, int nPos) {
        double[] rec = recalls(tp, nPos);
        int n = tp.length;
        double[] prec = new double[n];
        int ctp = 0;
        for (int i = 0; i < n; i++) {
            ctp += tp[i] ? 1 : 0;
            prec[i] = (double) ctp / (double) (i + 1);
        }
        return ctp == 0 ? new double[R] : atRecalls(rec, prec);
    }

    /**
     * The recall {@code TP / nPos} after each detection of these true-positive flags (score order).
     *
     * @throws IllegalArgumentException for {@code nPos <= 0}
     */
    static double[] recalls(boolean[] tp, int nPos) {
        if (nPos <= 0) {
            throw new IllegalArgumentException("no ground truth to recall: " + nPos);
        }
        double[] rec = new double[tp.length];
        int ctp = 0;
        for (int i = 0; i < tp.length; i++) {
            ctp += tp[i] ? 1 : 0;
            rec[i] = (double) ctp / (double) nPos;
        }
        return rec;
    }

    /**
     * A curve given at the operating points of recalls {@code rec} (non-decreasing, not empty) read at the 101
     * recalls, as {@code numpy.interp(recalls, rec, values, right=0)}: below the first recall the first value, above
     * the last recall 0.
     */
    static double[] atRecalls(double[] rec, double[] values) {
        return CocoNumerics.interp(REC_THRS, rec, values, values[0], 0);
    }
}
