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
 * the recall thresholds, and the final recall.
 */
final class CocoAccumulator {
    private CocoAccumulator() {
    }

    /** Fills precision and recall of category k for every area range, maxDets and IoU threshold. */
    static void accumulate(int k, int nCat, CocoWork w, int cap, int n, int[] npig, double[] precision,
            double[] recall) {
        double[] rc = w.rc;
        double[] pr = w.pr;
        for (int m = 0; m < M; m++) {
            int maxDet = MAX_DETS[m];
            int nd = 0;
            for (int j = 0; j < n; j++) {
                if (w.rank[j] < maxDet) {
                    w.sel[nd++] = j;
                }
            }
            CocoNumerics.sortByScoreDescending(w.sel, 0, nd, w.scores, w.selTmp);
            for (int a = 0; a < A; a++) {
                if (npig[a] == 0) {
                    continue;
                }
                double np = npig[a];
                for (int t = 0; t < T; t++) {
                    int row = (a * T + t) * cap;
                    long tp = 0;
                    long fp = 0;
                    for (int i = 0; i < nd; i++) {
                        byte s = w.state[row + w.sel[i]];
                        if (s == TP) {
                            tp++;
                        } else if (s == FP) {
                            fp++;
                        }
                        double tpd = tp;
                        rc[i] = tpd / np;
                        pr[i] = tpd / ((double) fp + tpd + EPS);
                    }
                    recall[rIndex(t, k, a, m, nCat)] = nd > 0 ? rc[nd - 1] : 0;
                    for (int i = nd - 1; i > 0; i--) {
                        if (pr[i] > pr[i - 1]) {
                            pr[i - 1] = pr[i];
                        }
                    }
                    int i = 0;
                    for (int r = 0; r < R; r++) {
                        double thr = REC_THRS[r];
                        while (i < nd && rc[i] < thr) {
                            i++;
                        }
                        precision[pIndex(t, r, k, a, m, nCat)] = i < nd ? pr[i] : 0;
                    }
                }
            }
        }
    }
}
