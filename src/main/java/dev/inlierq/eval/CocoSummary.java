package dev.inlierq.eval;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.inlierq.eval.CocoParams.A;
import static dev.inlierq.eval.CocoParams.IOU_THRS;
import static dev.inlierq.eval.CocoParams.M;
import static dev.inlierq.eval.CocoParams.R;
import static dev.inlierq.eval.CocoParams.T;
import static dev.inlierq.eval.CocoParams.pIndex;
import static dev.inlierq.eval.CocoParams.rIndex;

/**
 * pycocotools' {@code summarize}: the 12 standard numbers and the per-category AP, each the mean (in
 * numpy's summation order) of the accumulated entries {@code > -1}, or -1 when there are none.
 */
final class CocoSummary {
    private CocoSummary() {
    }

    /** Mean of precision entries {@code > -1} over (t, r, k) in C order; {@code tOnly < 0} means all t. */
    static double summarizePrecision(double[] precision, int nCat, int tOnly, int a, int m) {
        return meanOfDefined(precision, nCat, tOnly, A * M, a * M + m);
    }

    /**
     * Mean of the entries {@code > -1} of {@code values[((t * R + r) * nCat + k) * kStride + offset]} over
     * (t, r, k) in that order, numpy's summation: pycocotools' layout with {@code kStride = A * M} and
     * {@code offset = a * M + m}, or a (t, r, k) array with 1 and 0. {@code tOnly < 0} means all t,
     * {@link Integer#MIN_VALUE} (a threshold that is not there) gives -1, as do no entries.
     */
    static double meanOfDefined(double[] values, int nCat, int tOnly, int kStride, int offset) {
        if (tOnly == Integer.MIN_VALUE) {
            return -1;
        }
        int tFrom = tOnly < 0 ? 0 : tOnly;
        int tTo = tOnly < 0 ? T : tOnly + 1;
        double[] buf = new double[(tTo - tFrom) * R * nCat];
        int n = 0;
        for (int t = tFrom; t < tTo; t++) {
            for (int r = 0; r < R; r++) {
                for (int k = 0; k < nCat; k++) {
                    double v = values[((t * R + r) * nCat + k) * kStride + offset];
                    if (v > -1) {
                        buf[n++] = v;
                    }
                }
            }
        }
        return n == 0 ? -1 : CocoNumerics.numpyMean(buf, n);
    }

    static double summarizeRecall(double[] recall, int nCat, int a, int m) {
        double[] buf = new double[T * nCat];
        int n = 0;
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < nCat; k++) {
                double v = recall[rIndex(t, k, a, m, nCat)];
                if (v > -1) {
                    buf[n++] = v;
                }
            }
        }
        return n == 0 ? -1 : CocoNumerics.numpyMean(buf, n);
    }

    /** The index of the threshold exactly equal to {@code v}, or {@link Integer#MIN_VALUE} (-> -1 stat). */
    static int indexOf(double[] thresholds, double v) {
        for (int i = 0; i < thresholds.length; i++) {
            if (thresholds[i] == v) {
                return i;
            }
        }
        return Integer.MIN_VALUE;
    }

    /**
     * The 12 numbers of {@code COCOeval.stats}: AP, AP50, AP75, AP small/medium/large, AR1, AR10, AR100,
     * AR small/medium/large.
     */
    static double[] stats(double[] precision, double[] recall, int nCat) {
        int t50 = indexOf(IOU_THRS, 0.5);
        int t75 = indexOf(IOU_THRS, 0.75);
        return new double[] {
            summarizePrecision(precision, nCat, -1, 0, 2),
            summarizePrecision(precision, nCat, t50, 0, 2),
            summarizePrecision(precision, nCat, t75, 0, 2),
            summarizePrecision(precision, nCat, -1, 1, 2),
            summarizePrecision(precision, nCat, -1, 2, 2),
            summarizePrecision(precision, nCat, -1, 3, 2),
            summarizeRecall(recall, nCat, 0, 0),
            summarizeRecall(recall, nCat, 0, 1),
            summarizeRecall(recall, nCat, 0, 2),
            summarizeRecall(recall, nCat, 1, 2),
            summarizeRecall(recall, nCat, 2, 2),
            summarizeRecall(recall, nCat, 3, 2),
        };
    }

    /** AP per category (area all, maxDets 100, mean over thresholds and recalls): -1 when it has no entry. */
    static Map<Integer, Double> perCategory(double[] precision, int[] catIds) {
        int nCat = catIds.length;
        Map<Integer, Double> perCategory = new LinkedHashMap<>();
        double[] buf = new double[T * R];
        for (int k = 0; k < nCat; k++) {
            int n = 0;
            for (int t = 0; t < T; t++) {
                for (int r = 0; r < R; r++) {
                    double v = precision[pIndex(t, r, k, 0, 2, nCat)];
                    if (v > -1) {
                        buf[n++] = v;
                    }
                }
            }
            perCategory.put(catIds[k], n == 0 ? -1.0 : CocoNumerics.numpyMean(buf, n));
        }
        return perCategory;
    }
}
