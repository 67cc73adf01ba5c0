package dev.inlierq.eval;

import java.util.Arrays;

import static dev.inlierq.eval.CocoParams.A;
import static dev.inlierq.eval.CocoParams.IOU_THRS;
import static dev.inlierq.eval.CocoParams.MAX_DET;
import static dev.inlierq.eval.CocoParams.R;
import static dev.inlierq.eval.CocoParams.T;

/**
 * One detection set matched once against the ground truth of an {@link ImageBootstrap}, for the area range "all"
 * and 100 detections per image and category: per category, each kept detection's state (true positive, false
 * positive or ignored) at the 10 IoU thresholds and its image, the detections' order (the evaluator's stable
 * descending-score order over the images in ascending id order), and per image the number of non-ignored
 * ground-truth boxes. All of it comes from {@link CocoEvaluator}'s own matching and is computed once;
 * {@link #point(int[])} then accumulates it with a weight per image, without sorting again.
 *
 * <p>Instances are immutable and thread-safe; {@link #point(int[])} allocates its own work arrays.
 */
public final class ImageMatches {
    private static final int T50 = CocoSummary.indexOf(IOU_THRS, 0.5);
    private static final int T75 = CocoSummary.indexOf(IOU_THRS, 0.75);

    private final ImageBootstrap owner;
    private final int images;
    private final int nCat;
    private final Category[] categories;
    private final int maxDetections;

    /**
     * One category's matches: {@code state[t * n + j]} of kept detection j (in the evaluator's per-image order),
     * {@code order} the n detections by descending score, {@code detImg[j]} the image index of detection j, and
     * the images with counting ground truth ({@code gtImg}) with their counts ({@code gtCount}).
     */
    private record Category(int n, byte[] state, int[] order, int[] detImg, int[] gtImg, int[] gtCount) {
    }

    ImageMatches(ImageBootstrap owner, CocoBoxes gts, CocoBoxes dts, int images, int nCat) {
        this.owner = owner;
        this.images = images;
        this.nCat = nCat;
        this.categories = new Category[nCat];
        CocoWork w = new CocoWork();
        int[] npig = new int[A];
        int most = 0;
        for (int k = 0; k < nCat; k++) {
            if (CocoMatcher.isEmpty(k, gts, dts)) {
                continue;
            }
            Arrays.fill(npig, 0);
            int n = CocoMatcher.matchCategory(k, gts, dts, w, npig);
            int cap = CocoMatcher.capacity(k, dts);
            int nd = CocoAccumulator.select(w, n, MAX_DET); // every kept detection: each image's best 100
            byte[] state = new byte[T * n];
            for (int t = 0; t < T; t++) {
                System.arraycopy(w.state, t * cap, state, t * n, n); // area range "all": a = 0
            }
            int cells = 0;
            for (int c = 0; c < w.cells; c++) {
                cells += w.cellGt[c] > 0 ? 1 : 0;
            }
            int[] gtImg = new int[cells];
            int[] gtCount = new int[cells];
            int c2 = 0;
            for (int c = 0; c < w.cells; c++) {
                if (w.cellGt[c] > 0) {
                    gtImg[c2] = w.cellImg[c];
                    gtCount[c2++] = w.cellGt[c];
                }
            }
            categories[k] = new Category(n, state, Arrays.copyOf(w.sel, nd), Arrays.copyOf(w.detImg, n), gtImg,
                    gtCount);
            most = Math.max(most, n);
        }
        this.maxDetections = most;
    }

    /** The number of evaluated images, the length of a multiplicity array. */
    public int images() {
        return images;
    }

    /**
     * AP, AP50 and AP75 (area "all", 100 detections) with image i counted {@code multiplicity[i]} times (images in
     * ascending id order): every detection and every ground-truth box of image i weighs {@code multiplicity[i]} in
     * the cumulative TP and FP counts and in the number of counting ground-truth boxes; a category whose weighted
     * count is 0 is left out of the means, as the evaluator leaves out a category without ground truth. With every
     * multiplicity 1 the numbers equal {@link CocoEvaluator}'s exactly; -1 when no category counts.
     *
     * @throws IllegalArgumentException when the array's length is not {@link #images()} or an entry is negative
     */
    public ImageBootstrap.Point point(int[] multiplicity) {
        ImageBootstrap.checkMultiplicities(multiplicity, images);
        return point(multiplicity, new Work());
    }

    /** Work arrays of {@link #point(int[], Work)}, reused across samples by one thread. */
    final class Work {
        final double[] precision = new double[T * R * nCat];
        final int[] weight = new int[Math.max(1, maxDetections)];
        final double[] rc = new double[Math.max(1, maxDetections)];
        final double[] pr = new double[Math.max(1, maxDetections)];
    }

    /** {@link #point(int[])} without the checks, with the given work arrays. */
    ImageBootstrap.Point point(int[] multiplicity, Work w) {
        double[] precision = w.precision; // (t, r, k) order
        for (int k = 0; k < nCat; k++) {
            Category c = categories[k];
            long np = 0;
            if (c != null) {
                for (int i = 0; i < c.gtImg.length; i++) {
                    np += (long) multiplicity[c.gtImg[i]] * c.gtCount[i];
                }
            }
            if (np == 0) {
                for (int tr = 0; tr < T * R; tr++) {
                    precision[tr * nCat + k] = -1;
                }
                continue;
            }
            for (int j = 0; j < c.n; j++) {
                w.weight[j] = multiplicity[c.detImg[j]];
            }
            for (int t = 0; t < T; t++) {
                CocoAccumulator.curve(c.state, t * c.n, c.order, c.n, w.weight, np, w.rc, w.pr, precision,
                        t * R * nCat + k, nCat);
            }
        }
        return new ImageBootstrap.Point(CocoSummary.meanOfDefined(precision, nCat, -1, 1, 0),
                CocoSummary.meanOfDefined(precision, nCat, T50, 1, 0),
                CocoSummary.meanOfDefined(precision, nCat, T75, 1, 0));
    }

    /** The bootstrap (ground truth and images) these matches were made for. */
    ImageBootstrap owner() {
        return owner;
    }
}
