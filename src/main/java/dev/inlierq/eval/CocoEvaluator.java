package dev.inlierq.eval;

import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * COCO box-detection evaluation with the semantics of pycocotools' {@code COCOeval} (version 2.0.x,
 * {@code iouType='bbox'}, {@code useCats=1}, default {@code Params}), which is the reference behaviour:
 * for the same ground truth, detections and image ids, the 12 numbers agree with
 * {@code COCOeval.stats} (checked against pycocotools 2.0.11 to the last bit on the test fixtures).
 *
 * <p>What is reproduced:
 * <ul>
 *   <li>Parameters: IoU thresholds {@code linspace(.5, .95, 10)} and recall thresholds
 *       {@code linspace(0, 1, 101)} computed as numpy does ({@code i * step + start}, last = stop);
 *       maxDets 1, 10, 100; area ranges all {@code [0, 1e10]}, small {@code [0, 32²]}, medium
 *       {@code [32², 96²]}, large {@code [96², 1e10]}, both ends inclusive. A ground-truth box's area is
 *       its {@code area} field, a detection's is {@code w * h}.</li>
 *   <li>Per (image, category): detections sorted by descending score (stable) and cut to 100;
 *       ground truth with {@code iscrowd} or outside the area range is "ignored" and sorted last
 *       (stable). IoU is {@code intersection / union}, or {@code intersection / detection area} for a
 *       crowd box; widths and heights are the boxes' own {@code w, h}.</li>
 *   <li>Greedy matching per IoU threshold {@code t}, detections in score order: the best-IoU ground truth
 *       with {@code iou >= min(t, 1 - 1e-10)} wins (a later box wins a tie), a matched non-crowd box is
 *       not reused, a crowd box can absorb any number of detections, and the search stops at the first
 *       ignored box once a non-ignored match was found. A detection matched to an ignored box is
 *       ignored; so is an unmatched detection outside the area range.</li>
 *   <li>Accumulation per (category, area range, maxDets) over the evaluated images in ascending id
 *       order: the first maxDets detections of every image, stably sorted by descending score,
 *       cumulative TP/FP, {@code precision = tp / (tp + fp + eps)} with {@code eps = 2^-52}, made
 *       non-increasing from the right, read at the 101 recall thresholds with a left binary search (0
 *       past the last reached recall); recall is the final {@code tp / (non-ignored gt count)}. A
 *       category with no non-ignored ground truth for that area range gives -1 and is left out of the
 *       means.</li>
 *   <li>Each summary number is the mean of all entries {@code > -1} (numpy's pairwise summation order),
 *       or -1 when there are none; AP50 and AP75 use the thresholds equal to .5 and .75.</li>
 * </ul>
 *
 * <p>Detections on images outside the evaluated set are dropped, as are detections whose category is
 * not declared in the dataset (pycocotools evaluates only the ground truth's categories). The one
 * deliberate difference: pycocotools records a match by storing the ground truth's annotation id, so a
 * ground-truth box with id 0 is treated as never matched; here a match is a match whatever the id.
 *
 * <p>Instances are immutable and thread-safe; evaluation allocates its own work arrays.
 */
public final class CocoEvaluator {

    private static final double[] IOU_THRS = linspace(0.5, 0.95, 10);
    private static final double[] REC_THRS = linspace(0.0, 1.0, 101);
    private static final int[] MAX_DETS = {1, 10, 100};
    private static final double[][] AREA_RNG = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    private static final double EPS = Math.ulp(1.0); // np.spacing(1)

    private static final int T = IOU_THRS.length;
    private static final int R = REC_THRS.length;
    private static final int A = AREA_RNG.length;
    private static final int M = MAX_DETS.length;
    private static final int MAX_DET = MAX_DETS[M - 1];

    private static final byte IGNORED = 0;
    private static final byte TP = 1;
    private static final byte FP = 2;

    private final CocoDataset dataset;

    public CocoEvaluator(CocoDataset dataset) {
        this.dataset = Objects.requireNonNull(dataset);
    }

    /** The 10 IoU thresholds .50:.05:.95, as numpy's {@code linspace} builds them. */
    public static double[] iouThresholds() {
        return IOU_THRS.clone();
    }

    /** The 101 recall thresholds 0:.01:1, as numpy's {@code linspace} builds them. */
    public static double[] recallThresholds() {
        return REC_THRS.clone();
    }

    /** Evaluates the detections over every image of the dataset. */
    public CocoMetrics evaluate(Collection<Detection> detections) {
        long[] ids = new long[dataset.images().size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = dataset.images().get(i).id();
        }
        return evaluate(detections, ids);
    }

    /**
     * Evaluates the detections over the given images only (pycocotools' {@code params.imgIds}); images
     * of the set without ground truth still count, through their detections.
     *
     * @throws IllegalArgumentException when an image id is not in the dataset, or a detection has a
     *     non-finite box or score
     * @throws UserError {@link ExitCode#BAD_ANNOTATIONS} when a detection refers to an image id that
     *     the dataset does not declare (the detections do not belong to this annotation file)
     */
    public CocoMetrics evaluate(Collection<Detection> detections, Collection<Long> imageIds) {
        long[] ids = new long[imageIds.size()];
        int i = 0;
        for (Long id : imageIds) {
            ids[i++] = id;
        }
        return evaluate(detections, ids);
    }

    private CocoMetrics evaluate(Collection<Detection> detections, long[] requestedIds) {
        long[] imgIds = Arrays.stream(requestedIds).sorted().distinct().toArray();
        for (long id : imgIds) {
            if (dataset.image(id).isEmpty()) {
                throw new IllegalArgumentException("image id " + id + " is not in the dataset");
            }
        }
        int[] catIds = dataset.categoryIds().stream().mapToInt(Integer::intValue).toArray();
        int nCat = catIds.length;

        Boxes gts = groupGroundTruth(imgIds, catIds);
        Boxes dts = groupDetections(detections, imgIds, catIds);

        double[] precision = new double[T * R * nCat * A * M];
        double[] recall = new double[T * nCat * A * M];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);

        Work work = new Work();
        for (int k = 0; k < nCat; k++) {
            evaluateCategory(k, nCat, gts, dts, work, precision, recall);
        }

        int t50 = indexOf(IOU_THRS, 0.5);
        int t75 = indexOf(IOU_THRS, 0.75);
        double[] stats = {
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
            perCategory.put(catIds[k], n == 0 ? -1.0 : numpyMean(buf, n));
        }
        return CocoMetrics.fromStats(stats, perCategory);
    }

    // ------------------------------------------------------------ grouping

    /**
     * Boxes of one kind as parallel arrays, ordered by (category index, image index, original order);
     * {@code catStart[k]..catStart[k+1]} is category k's slice.
     */
    private static final class Boxes {
        final int n;
        final double[] x;
        final double[] y;
        final double[] w;
        final double[] h;
        final double[] areaOrScore;
        final boolean[] crowd;
        final int[] img;
        final int[] catStart;

        Boxes(int n, int nCat, boolean withCrowd) {
            this.n = n;
            x = new double[n];
            y = new double[n];
            w = new double[n];
            h = new double[n];
            areaOrScore = new double[n];
            crowd = withCrowd ? new boolean[n] : null;
            img = new int[n];
            catStart = new int[nCat + 1];
        }
    }

    /** Stable counting sort of {@code 0..n-1} by category index then image index (LSD, two passes). */
    private static int[] orderByCategoryThenImage(int[] cat, int[] img, int n, int nCat, int nImg) {
        int[] byImg = countingSort(img, identity(n), nImg);
        return countingSort(cat, byImg, nCat);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static int[] countingSort(int[] key, int[] order, int range) {
        int[] start = new int[range + 1];
        for (int i : order) {
            start[key[i] + 1]++;
        }
        for (int b = 0; b < range; b++) {
            start[b + 1] += start[b];
        }
        int[] out = new int[order.length];
        for (int i : order) {
            out[start[key[i]]++] = i;
        }
        return out;
    }

    private Boxes groupGroundTruth(long[] imgIds, int[] catIds) {
        int total = 0;
        for (long id : imgIds) {
            total += dataset.annotations(id).size();
        }
        CocoDataset.Annotation[] anns = new CocoDataset.Annotation[total];
        int[] cat = new int[total];
        int[] img = new int[total];
        int n = 0;
        for (int i = 0; i < imgIds.length; i++) {
            for (CocoDataset.Annotation a : dataset.annotations(imgIds[i])) {
                int k = Arrays.binarySearch(catIds, a.categoryId());
                if (k < 0) {
                    continue; // cannot happen for a validated dataset
                }
                anns[n] = a;
                cat[n] = k;
                img[n] = i;
                n++;
            }
        }
        int[] order = orderByCategoryThenImage(cat, img, n, catIds.length, imgIds.length);
        Boxes b = new Boxes(n, catIds.length, true);
        for (int j = 0; j < n; j++) {
            CocoDataset.Annotation a = anns[order[j]];
            b.x[j] = a.x();
            b.y[j] = a.y();
            b.w[j] = a.w();
            b.h[j] = a.h();
            b.areaOrScore[j] = a.area();
            b.crowd[j] = a.iscrowd();
            b.img[j] = img[order[j]];
            b.catStart[cat[order[j]] + 1]++;
        }
        prefixSum(b.catStart);
        return b;
    }

    private Boxes groupDetections(Collection<Detection> detections, long[] imgIds, int[] catIds) {
        int total = detections.size();
        Detection[] kept = new Detection[total];
        int[] cat = new int[total];
        int[] img = new int[total];
        int n = 0;
        for (Detection d : detections) {
            int i = Arrays.binarySearch(imgIds, d.imageId());
            if (i < 0) {
                if (dataset.image(d.imageId()).isEmpty()) {
                    throw new UserError(ExitCode.BAD_ANNOTATIONS, "a detection refers to image id " + d.imageId()
                            + ", which the annotation file does not declare");
                }
                continue;
            }
            int k = Arrays.binarySearch(catIds, d.categoryId());
            if (k < 0) {
                continue;
            }
            if (!(Double.isFinite(d.x()) && Double.isFinite(d.y()) && Double.isFinite(d.w())
                    && Double.isFinite(d.h()) && Double.isFinite(d.score()))) {
                throw new IllegalArgumentException("detection with a non-finite box or score: " + d);
            }
            kept[n] = d;
            cat[n] = k;
            img[n] = i;
            n++;
        }
        int[] order = orderByCategoryThenImage(cat, img, n, catIds.length, imgIds.length);
        Boxes b = new Boxes(n, catIds.length, false);
        for (int j = 0; j < n; j++) {
            Detection d = kept[order[j]];
            b.x[j] = d.x();
            b.y[j] = d.y();
            b.w[j] = d.w();
            b.h[j] = d.h();
            b.areaOrScore[j] = d.score();
            b.img[j] = img[order[j]];
            b.catStart[cat[order[j]] + 1]++;
        }
        prefixSum(b.catStart);
        return b;
    }

    private static void prefixSum(int[] a) {
        for (int i = 1; i < a.length; i++) {
            a[i] += a[i - 1];
        }
    }

    // ------------------------------------------------------------ per category

    /** Reusable work arrays, grown on demand. */
    private static final class Work {
        int[] cellDets = new int[128];
        int[] sortTmp = new int[128];
        double[] iou = new double[1024];
        boolean[] gtIgnore = new boolean[64];
        int[] gtPerm = new int[64];
        boolean[] gtMatched = new boolean[64];
        // per-category accumulation
        double[] scores = new double[256];
        int[] rank = new int[256];
        byte[] state = new byte[256 * A * T];
        int[] sel = new int[256];
        int[] selTmp = new int[256];
        double[] rc = new double[256];
        double[] pr = new double[256];

        void ensureCell(int g, int d) {
            if (cellDets.length < d) {
                cellDets = new int[d];
                sortTmp = new int[d];
            }
            int dCut = Math.min(d, MAX_DET);
            if (iou.length < dCut * g) {
                iou = new double[dCut * g];
            }
            if (gtIgnore.length < g) {
                gtIgnore = new boolean[g];
                gtPerm = new int[g];
                gtMatched = new boolean[g];
            }
        }

        void ensureCategory(int capacity) {
            if (scores.length < capacity) {
                scores = new double[capacity];
                rank = new int[capacity];
                state = new byte[capacity * A * T];
                sel = new int[capacity];
                selTmp = new int[capacity];
                rc = new double[capacity];
                pr = new double[capacity];
            }
        }
    }

    private static void evaluateCategory(int k, int nCat, Boxes gts, Boxes dts, Work w,
            double[] precision, double[] recall) {
        int g0 = gts.catStart[k];
        int g1 = gts.catStart[k + 1];
        int d0 = dts.catStart[k];
        int d1 = dts.catStart[k + 1];
        if (g0 == g1 && d0 == d1) {
            return; // no image has anything of this category: every entry stays -1
        }
        int cap = Math.max(1, d1 - d0);
        w.ensureCategory(cap);
        int[] npig = new int[A];
        int n = 0; // detections kept so far (first 100 per image)
        int gi = g0;
        int di = d0;
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
            n = evaluateCell(gts, gi, gEnd, dts, di, dEnd, w, cap, n, npig);
            gi = gEnd;
            di = dEnd;
        }
        accumulate(k, nCat, w, cap, n, npig, precision, recall);
    }

    /**
     * Matches one (image, category) cell for every area range and IoU threshold, appending its
     * detections (best first, at most 100) to the category's work arrays. Returns the new count.
     */
    private static int evaluateCell(Boxes gts, int gStart, int gEnd, Boxes dts, int dStart, int dEnd, Work w,
            int cap, int base, int[] npig) {
        int nG = gEnd - gStart;
        int nD0 = dEnd - dStart;
        w.ensureCell(nG, nD0);
        int[] det = w.cellDets;
        for (int j = 0; j < nD0; j++) {
            det[j] = dStart + j;
        }
        sortByScoreDescending(det, 0, nD0, dts.areaOrScore, w.sortTmp);
        int nD = Math.min(nD0, MAX_DET);

        // IoU of every kept detection with every gt in original order (pycocotools' maskApi bbIou)
        double[] iou = w.iou;
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

        for (int d = 0; d < nD; d++) {
            w.scores[base + d] = dts.areaOrScore[det[d]];
            w.rank[base + d] = d;
        }

        boolean[] ign = w.gtIgnore;
        int[] perm = w.gtPerm;
        boolean[] matched = w.gtMatched;
        for (int a = 0; a < A; a++) {
            double lo = AREA_RNG[a][0];
            double hi = AREA_RNG[a][1];
            // ground truth: non-ignored first, then ignored, each in original order
            int p = 0;
            for (int g = 0; g < nG; g++) {
                int gj = gStart + g;
                double area = gts.areaOrScore[gj];
                boolean ignored = gts.crowd[gj] || area < lo || area > hi;
                if (!ignored) {
                    perm[p++] = g;
                }
            }
            npig[a] += p;
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
            for (int t = 0; t < T; t++) {
                double thr = Math.min(IOU_THRS[t], 1 - 1e-10);
                Arrays.fill(matched, 0, nG, false);
                int row = (a * T + t) * cap + base;
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
        return base + nD;
    }

    /** Fills precision and recall of category k for every area range, maxDets and IoU threshold. */
    private static void accumulate(int k, int nCat, Work w, int cap, int n, int[] npig, double[] precision,
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
            sortByScoreDescending(w.sel, 0, nd, w.scores, w.selTmp);
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

    // ------------------------------------------------------------ summaries

    private static int pIndex(int t, int r, int k, int a, int m, int nCat) {
        return (((t * R + r) * nCat + k) * A + a) * M + m;
    }

    private static int rIndex(int t, int k, int a, int m, int nCat) {
        return ((t * nCat + k) * A + a) * M + m;
    }

    /** Mean of precision entries {@code > -1} over (t, r, k) in C order; {@code tOnly < 0} means all t. */
    private static double summarizePrecision(double[] precision, int nCat, int tOnly, int a, int m) {
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
                    double v = precision[pIndex(t, r, k, a, m, nCat)];
                    if (v > -1) {
                        buf[n++] = v;
                    }
                }
            }
        }
        return n == 0 ? -1 : numpyMean(buf, n);
    }

    private static double summarizeRecall(double[] recall, int nCat, int a, int m) {
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
        return n == 0 ? -1 : numpyMean(buf, n);
    }

    /** The index of the threshold exactly equal to {@code v}, or {@link Integer#MIN_VALUE} (-> -1 stat). */
    private static int indexOf(double[] thresholds, double v) {
        for (int i = 0; i < thresholds.length; i++) {
            if (thresholds[i] == v) {
                return i;
            }
        }
        return Integer.MIN_VALUE;
    }

    // ------------------------------------------------------------ numeric helpers (numpy-compatible)

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
    private static void sortByScoreDescending(int[] idx, int from, int to, double[] key, int[] tmp) {
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
