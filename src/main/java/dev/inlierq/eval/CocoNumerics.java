package dev.inlierq.eval;

/**
 * The numpy-compatible arithmetic of the COCO evaluation: {@code linspace}, {@code mean} with numpy's
 * pairwise summation, and the stable descending sort that stands in for numpy's mergesort {@code argsort},
 * so that every number agrees with pycocotools to the last bit.
 */
final class CocoNumerics {
    private CocoNumerics() {
    }

    /** {@code numpy.linspace(start, stop, num)} with endpoint: {@code i * step + start}, last = stop. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        int div = num - 1;
        double delta = stop - start;
        double step = delta / div;
        for (int i = 0; i < num; i++) {
            y[i] = step == 0 ? (i / (double) div) * delta + start : i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /**
     * {@code numpy.mean} of {@code a[0..n)} for a contiguous float64 array: numpy's pairwise summation
     * (8 partial sums over blocks of up to 128 elements, halved recursively), divided by n.
     */
    static double numpyMean(double[] a, int n) {
        return (0.0 + pairwiseSum(a, 0, n)) / n;
    }

    /**
     * {@code numpy.nanmean(a)}: the NaNs replaced by 0, numpy's pairwise sum over all of {@code a}, divided by the
     * number of values that are not NaN; NaN when every value is (or there is none).
     */
    static double numpyNanMean(double[] a) {
        double[] zeroed = new double[a.length];
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isNaN(a[i])) {
                zeroed[i] = a[i];
                count++;
            }
        }
        return count == 0 ? Double.NaN : (0.0 + pairwiseSum(zeroed, 0, a.length)) / count;
    }

    /**
     * {@code numpy.interp(x, xp, fp, left, right)} for non-decreasing {@code xp} (not empty): at each {@code x[i]}
     * below {@code xp[0]} the value {@code left}, above the last {@code xp} the value {@code right}, else with
     * {@code j} the last index where {@code xp[j] <= x[i]}: {@code fp[j]} when {@code j} is the last index or
     * {@code xp[j] == x[i]} (so at a value that {@code xp} repeats, that of the last of them), otherwise the line from
     * point {@code j} to point {@code j + 1}, computed as numpy computes it.
     */
    static double[] interp(double[] x, double[] xp, double[] fp, double left, double right) {
        int n = xp.length;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            if (v < xp[0]) {
                out[i] = left;
                continue;
            }
            if (v > xp[n - 1]) {
                out[i] = right;
                continue;
            }
            int lo = 0; // the last index with xp[lo] <= v: xp[lo] <= v holds, find the first index above v
            int hi = n;
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (xp[mid] <= v) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            if (lo == n - 1 || xp[lo] == v) {
                out[i] = fp[lo];
            } else {
                double slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
                out[i] = slope * (v - xp[lo]) + fp[lo];
            }
        }
        return out;
    }

    private static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = -0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else if (n <= 128) {
            double r0 = a[from];
            double r1 = a[from + 1];
            double r2 = a[from + 2];
            double r3 = a[from + 3];
            double r4 = a[from + 4];
            double r5 = a[from + 5];
            double r6 = a[from + 6];
            double r7 = a[from + 7];
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                int b = from + i;
                r0 += a[b];
                r1 += a[b + 1];
                r2 += a[b + 2];
                r3 += a[b + 3];
                r4 += a[b + 4];
                r5 += a[b + 5];
                r6 += a[b + 6];
                r7 += a[b + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
        }
    }

    /** Stable sort of {@code idx[from..to)} by descending {@code key[idx]} (ties keep their order). */
    static void sortByScoreDescending(int[] idx, int from, int to, double[] key, int[] tmp) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int v = idx[i];
                double kv = key[v];
                int j = i - 1;
                while (j >= from && key[idx[j]] < kv) {
                    idx[j + 1] = idx[j];
                    j--;
                }
                idx[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sortByScoreDescending(idx, from, mid, key, tmp);
        sortByScoreDescending(idx, mid, to, key, tmp);
        if (!(key[idx[mid - 1]] < key[idx[mid]])) {
            return; // already in order
        }
        System.arraycopy(idx, from, tmp, from, mid - from);
        int i = from;
        int j = mid;
        int o = from;
        while (i < mid && j < to) {
            // take from the right only when strictly greater: keeps equal keys in original order
            if (key[idx[j]] > key[tmp[i]]) {
                idx[o++] = idx[j++];
            } else {
                idx[o++] = tmp[i++];
            }
        }
        while (i < mid) {
            idx[o++] = tmp[i++];
        }
    }
}
