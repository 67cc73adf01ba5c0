package dev.inlierq.eval;

import static dev.inlierq.eval.CocoParams.A;
import static dev.inlierq.eval.CocoParams.EPS;
import static dev.inlierq.eval.CocoParams.FP;
import static dev.inlierq.eval.CocoParams.M;
import static dev.inlierq.eval.CocoParams.MAX_DETS;
import static dev.inlierq.eval.CocoParams.R;
import static dev.inlierq.eval.CocoParams.REC_THRS;
import static dev.inlierq.eval.CocoParams.T;
import static dev.inlierq.eval.CocoParams.TP;
import static dev.inlierq.eval.CocoParams.pIndex;
import static dev.inlierq.eval.CocoParams.rIndex;

/**
 * pycocotools' {@code accumulate} for one category: per area range, maxDets and IoU threshold, the
 * cumulative TP/FP of the matched detections in score order, precision made non-increasing and read at
 * the recall thresholds, and the final recall. {@link #curve} is that last step for one curve, with an
 * optional weight per detection, which {@link ImageBootstrap} uses for its resampled images.
 */
final class CocoAccumulator {
    private CocoAccumulator() {
    }

    /** Fills precision and recall of category k for every area range, maxDets and IoU threshold. */
    static void accumulate(int k, int nCat, CocoWork w, int cap, int n, int[] npig, double[] precision,
            double[] recall) {
        int pStride = pIndex(0, 1, k, 0, 0, nCat) - pIndex(0, 0, k, 0, 0, nCat);
        for (int m = 0; m < M; m++) {
            int nd = select(w, n, MAX_DETS[m]);
            for (int a = 0; a < A; a++) {
                if (npig[a] == 0) {
                    continue;
                }
                double np = npig[a];
                for (int t = 0; t < T; t++) {
                    int row = (a * T + t) * cap;
                    recall[rIndex(t, k, a, m, nCat)] = curve(w.state, row, w.sel, nd, null, np, w.rc, w.pr,
                            precision, pIndex(t, 0, k, a, m, nCat), pStride);
                }
            }
        }
    }

    /**
     * The kept detections of rank below {@code maxDet} in their image, into {@code w.sel[0..nd)}, stably
     * sorted by descending score (images in ascending order before the sort). Returns nd.
     */
    static int select(CocoWork w, int n, int maxDet) {
        int nd = 0;
        for (int j = 0; j < n; j++) {
            if (w.rank[j] < maxDet) {
                w.sel[nd++] = j;
            }
        }
        CocoNumerics.sortByScoreDescending(w.sel, 0, nd, w.scores, w.selTmp);
        return nd;
    }

    /**
     * One precision-recall curve: the detections {@code sel[0..nd)} in that (score) order, detection j's state
     * at {@code state[row + j]} counted {@code weight[j]} times (once each when {@code weight} is null);
     * cumulative TP and FP, {@code recall = tp / np}, {@code precision = tp / (tp + fp + eps)} made
     * non-increasing from the right and read at the 101 recall thresholds into
     * {@code precision[pBase + r * pStride]}. Returns the final recall (0 without detections).
     *
     * <p>With weights, only the true positives of non-zero weight add a point to the curve, which gives the same
     * numbers with fewer divisions: any other detection repeats the previous point's recall (or, first, recall 0)
     * with a precision no higher, so it never raises the envelope of an earlier point and is never the first point
     * to reach a recall threshold above 0; at threshold 0 the readout is the largest precision either way. Without
     * weights every detection adds its point, as pycocotools does.
     *
     * @param rc work array of at least nd
     * @param pr work array of at least nd
     */
    static double curve(byte[] state, int row, int[] sel, int nd, int[] weight, double np, double[] rc,
            double[] pr, double[] precision, int pBase, int pStride) {
        long tp = 0;
        long fp = 0;
        int n = 0; // points on the curve
        for (int i = 0; i < nd; i++) {
            int j = sel[i];
            byte s = state[row + j];
            if (weight != null) {
                int wj = weight[j];
                if (s == FP) {
                    fp += wj;
                }
                if (s != TP || wj == 0) {
                    continue;
                }
                tp += wj;
            } else if (s == TP) {
                tp++;
            } else if (s == FP) {
                fp++;
            }
            double tpd = tp;
            rc[n] = tpd / np;
            pr[n] = tpd / ((double) fp + tpd + EPS);
            n++;
        }
        for (int i = n - 1; i > 0; i--) {
            if (pr[i] > pr[i - 1]) {
                pr[i - 1] = pr[i];
            }
        }
        int i = 0;
        for (int r = 0; r < R; r++) {
            double thr = REC_THRS[r];
            while (i < n && rc[i] < thr) {
                i++;
            }
            precision[pBase + r * pStride] = i < n ? pr[i] : 0;
        }
        return n > 0 ? rc[n - 1] : 0;
    }
}
