package dev.inlierq.eval;

import java.util.Arrays;

import static dev.inlierq.eval.CocoParams.A;
import static dev.inlierq.eval.CocoParams.AREA_RNG;
import static dev.inlierq.eval.CocoParams.FP;
import static dev.inlierq.eval.CocoParams.IGNORED;
import static dev.inlierq.eval.CocoParams.IOU_THRS;
import static dev.inlierq.eval.CocoParams.MAX_DET;
import static dev.inlierq.eval.CocoParams.T;
import static dev.inlierq.eval.CocoParams.TP;

/**
 * pycocotools' {@code evaluateImg} for one category: per (image, category) cell, detections sorted by
 * score and cut to 100, IoU with every ground-truth box, and greedy matching per area range and IoU
 * threshold; the resulting per-detection states are then accumulated by {@link CocoAccumulator}, or kept by
 * {@link ImageMatches} ({@link #matchCategory}) to be accumulated with a weight per image.
 */
final class CocoMatcher {
    private CocoMatcher() {
    }

    static void evaluateCategory(int k, int nCat, CocoBoxes gts, CocoBoxes dts, CocoWork w,
            double[] precision, double[] recall) {
        if (isEmpty(k, gts, dts)) {
            return; // no image has anything of this category: every entry stays -1
        }
        int[] npig = new int[A];
        int n = matchCategory(k, gts, dts, w, npig);
        CocoAccumulator.accumulate(k, nCat, w, capacity(k, dts), n, npig, precision, recall);
    }

    /** Whether no evaluated image has a ground-truth box or a detection of category k. */
    static boolean isEmpty(int k, CocoBoxes gts, CocoBoxes dts) {
        return gts.catStart[k] == gts.catStart[k + 1] && dts.catStart[k] == dts.catStart[k + 1];
    }

    /** The row length of category k's per-detection work arrays ({@code w.state} holds A x T rows of it). */
    static int capacity(int k, CocoBoxes dts) {
        return Math.max(1, dts.catStart[k + 1] - dts.catStart[k]);
    }

    /**
     * Matches every (image, category) cell of category k (images ascending), for every area range and IoU
     * threshold. Fills, for the kept detections {@code 0..n)} (each image's best 100, in per-image score order):
     * {@code w.state} (row {@code (a * T + t) * capacity(k, dts)}), {@code w.scores}, {@code w.rank} and
     * {@code w.detImg}; adds the non-ignored ground truth per area range to {@code npig}; records each cell's
     * image and non-ignored count for the area range "all" in {@code w.cellImg, w.cellGt} ({@code w.cells} of
     * them). Returns n.
     */
    static int matchCategory(int k, CocoBoxes gts, CocoBoxes dts, CocoWork w, int[] npig) {
        int g1 = gts.catStart[k + 1];
        int d1 = dts.catStart[k + 1];
        int cap = capacity(k, dts);
        w.ensureCategory(cap);
        w.cells = 0;
        int n = 0; // detections kept so far (first 100 per image)
        int gi = gts.catStart[k];
        int di = dts.catStart[k];
        while (gi < g1 || di < d1) {
            int img = Math.min(gi < g1 ? gts.img[gi] : Integer.MAX_VALUE, di < d1 ? dts.img[di] : Integer.MAX_VALUE);
            int gEnd = gi;
            while (gEnd < g1 && gts.img[gEnd] == img) {
                gEnd++;
            }
            int dEnd = di;
            while (dEnd < d1 && dts.img[dEnd] == img) {
                dEnd++;
            }
            int before = npig[0];
            int n1 = evaluateCell(gts, gi, gEnd, dts, di, dEnd, w, cap, n, npig);
            for (int j = n; j < n1; j++) {
                w.detImg[j] = img;
            }
            w.addCell(img, npig[0] - before);
            n = n1;
            gi = gEnd;
            di = dEnd;
        }
        return n;
    }

    /**
     * Matches one (image, category) cell for every area range and IoU threshold, appending its
     * detections (best first, at most 100) to the category's work arrays. Returns the new count.
     */
    private static int evaluateCell(CocoBoxes gts, int gStart, int gEnd, CocoBoxes dts, int dStart, int dEnd,
            CocoWork w, int cap, int base, int[] npig) {
        int nG = gEnd - gStart;
        int nD0 = dEnd - dStart;
        w.ensureCell(nG, nD0);
        int[] det = w.cellDets;
        for (int j = 0; j < nD0; j++) {
            det[j] = dStart + j;
        }
        CocoNumerics.sortByScoreDescending(det, 0, nD0, dts.areaOrScore, w.sortTmp);
        int nD = Math.min(nD0, MAX_DET);

        computeIou(gts, gStart, nG, dts, det, nD, w.iou);

        for (int d = 0; d < nD; d++) {
            w.scores[base + d] = dts.areaOrScore[det[d]];
            w.rank[base + d] = d;
        }

        for (int a = 0; a < A; a++) {
            double lo = AREA_RNG[a][0];
            double hi = AREA_RNG[a][1];
            npig[a] += orderGroundTruth(gts, gStart, nG, lo, hi, w.gtPerm, w.gtIgnore);
            for (int t = 0; t < T; t++) {
                double thr = Math.min(IOU_THRS[t], 1 - 1e-10);
                int row = (a * T + t) * cap + base;
                matchAtThreshold(gts, gStart, nG, dts, det, nD, lo, hi, thr, w, row);
            }
        }
        return base + nD;
    }

    /**
     * IoU of every kept detection with every gt in original order (pycocotools' maskApi bbIou), into
     * {@code iou[d * nG + g]}.
     */
    private static void computeIou(CocoBoxes gts, int gStart, int nG, CocoBoxes dts, int[] det, int nD,
            double[] iou) {
        for (int d = 0; d < nD; d++) {
            int dj = det[d];
            double dx = dts.x[dj];
            double dy = dts.y[dj];
            double dw = dts.w[dj];
            double dh = dts.h[dj];
            double da = dw * dh;
            for (int g = 0; g < nG; g++) {
                int gj = gStart + g;
                double gx = gts.x[gj];
                double gy = gts.y[gj];
                double gw = gts.w[gj];
                double gh = gts.h[gj];
                double v = 0;
                double iw = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
                if (iw > 0) {
                    double ih = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
                    if (ih > 0) {
                        double inter = iw * ih;
                        double union = gts.crowd[gj] ? da : da + gw * gh - inter;
                        v = inter / union;
                    }
                }
                iou[d * nG + g] = v;
            }
        }
    }

    /**
     * Orders the cell's ground truth for one area range: non-ignored first, then ignored, each in original
     * order, into {@code perm} (offsets from {@code gStart}), with {@code ign[g]} telling whether
     * {@code perm[g]} is ignored. Returns the number of non-ignored boxes.
     */
    private static int orderGroundTruth(CocoBoxes gts, int gStart, int nG, double lo, double hi, int[] perm,
            boolean[] ign) {
        int p = 0;
        for (int g = 0; g < nG; g++) {
            int gj = gStart + g;
            double area = gts.areaOrScore[gj];
            boolean ignored = gts.crowd[gj] || area < lo || area > hi;
            if (!ignored) {
                perm[p++] = g;
            }
        }
        int nonIgnored = p;
        for (int g = 0; g < nG; g++) {
            int gj = gStart + g;
            double area = gts.areaOrScore[gj];
            if (gts.crowd[gj] || area < lo || area > hi) {
                perm[p++] = g;
            }
        }
        for (int g = 0; g < nG; g++) {
            int gj = gStart + perm[g];
            double area = gts.areaOrScore[gj];
            ign[g] = gts.crowd[gj] || area < lo || area > hi;
        }
        return nonIgnored;
    }

    /**
     * Greedy matching of the kept detections (best first) at one IoU threshold, writing each one's state
     * (TP, FP or ignored) at {@code w.state[row + d]}.
     */
    private static void matchAtThreshold(CocoBoxes gts, int gStart, int nG, CocoBoxes dts, int[] det, int nD,
            double lo, double hi, double thr, CocoWork w, int row) {
        double[] iou = w.iou;
        boolean[] ign = w.gtIgnore;
        int[] perm = w.gtPerm;
        boolean[] matched = w.gtMatched;
        Arrays.fill(matched, 0, nG, false);
        for (int d = 0; d < nD; d++) {
            double best = thr;
            int m = -1;
            int off = d * nG;
            for (int g = 0; g < nG; g++) {
                int orig = perm[g];
                if (matched[g] && !gts.crowd[gStart + orig]) {
                    continue;
                }
                if (m > -1 && !ign[m] && ign[g]) {
                    break;
                }
                double v = iou[off + orig];
                if (v < best) {
                    continue;
                }
                best = v;
                m = g;
            }
            byte s;
            if (m == -1) {
                int dj = det[d];
                double area = dts.w[dj] * dts.h[dj];
                s = (area < lo || area > hi) ? IGNORED : FP;
            } else {
                matched[m] = true;
                s = ign[m] ? IGNORED : TP;
            }
            w.state[row + d] = s;
        }
    }
}
