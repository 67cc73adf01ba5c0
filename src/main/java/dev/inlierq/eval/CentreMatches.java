package dev.inlierq.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One detection set matched once by centre distance against the ground truth of a {@link CenterDistanceBootstrap},
 * as {@link CenterDistanceEvaluator} matches it: per class with ground truth on the evaluated images, its detections
 * in the evaluator's order (descending score; equal scores by ascending image id, then input order), whether each is
 * a true positive at each of {@link CenterDistanceEvaluator#THRESHOLDS} ({@link CentreMatcher}), the runs of that
 * order that are ties of one image, and per image its number of ground-truth centres. A detection can only take a
 * centre of its own image, and the order restricted to one image does not depend on the other images, so the flags
 * are those of every copy of the image; {@link #map(int[])} only counts them again, with a weight per image.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CentreMatches {
    private final CenterDistanceBootstrap owner;
    private final int images;
    private final ClassMatches[] classes;

    /**
     * One class's matches: {@code tp[t][r]} of the r-th detection in the evaluator's order at threshold t; the order
     * cut into blocks, block b being positions {@code blockStart[b] .. blockStart[b + 1]} on image
     * {@code blockImg[b]}; the images with ground truth of the class ({@code gtImg}) and their counts
     * ({@code gtCount}).
     */
    private record ClassMatches(boolean[][] tp, int[] blockStart, int[] blockImg, int[] gtImg, int[] gtCount) {
    }

    CentreMatches(CenterDistanceBootstrap owner, BevCentres gt, CocoBoxes dts, int images, int nCat,
            double cellSize) {
        this.owner = owner;
        this.images = images;
        List<ClassMatches> list = new ArrayList<>();
        for (int k = 0; k < nCat; k++) {
            if (gt.count(k) == 0) {
                continue; // left out of every mean, in every sample: the evaluator leaves it out
            }
            int[] order = CenterDistanceEvaluator.scoreOrder(dts, k);
            List<Double> thresholds = CenterDistanceEvaluator.THRESHOLDS;
            boolean[][] tp = new boolean[thresholds.size()][];
            for (int t = 0; t < tp.length; t++) {
                tp[t] = CentreMatcher.truePositives(CentreMatcher.match(gt, k, dts, order, thresholds.get(t),
                        cellSize));
            }
            int[] blockStart = new int[order.length + 1];
            int[] blockImg = new int[order.length];
            int blocks = 0;
            for (int r = 0; r < order.length; r++) {
                int d = order[r];
                int prev = r == 0 ? -1 : order[r - 1];
                if (r == 0 || dts.img[d] != dts.img[prev] || dts.areaOrScore[d] != dts.areaOrScore[prev]) {
                    blockStart[blocks] = r;
                    blockImg[blocks++] = dts.img[d];
                }
            }
            blockStart[blocks] = order.length;
            int cells = 0;
            for (int i = 0; i < images; i++) {
                cells += gt.to(k, i) > gt.from(k, i) ? 1 : 0;
            }
            int[] gtImg = new int[cells];
            int[] gtCount = new int[cells];
            for (int i = 0, c = 0; i < images; i++) {
                if (gt.to(k, i) > gt.from(k, i)) {
                    gtImg[c] = i;
                    gtCount[c++] = gt.to(k, i) - gt.from(k, i);
                }
            }
            list.add(new ClassMatches(tp, Arrays.copyOf(blockStart, blocks + 1),
                    Arrays.copyOf(blockImg, blocks), gtImg, gtCount));
        }
        this.classes = list.toArray(ClassMatches[]::new);
    }

    /** The number of evaluated images, the length of a multiplicity array. */
    public int images() {
        return images;
    }

    /**
     * The centre-distance mAP with image i counted {@code multiplicity[i]} times (images in ascending id order), the
     * mean over the classes and the four thresholds of {@link NuScenesAp} as {@link CenterDistanceMetrics#map()}
     * takes it. Per class:
     * <ul>
     *   <li>the number of ground-truth centres is the weighted count, each centre of image i counted
     *       {@code multiplicity[i]} times; a class whose weighted count is 0 is left out of the mean, as the
     *       evaluator leaves out a class without ground truth on the evaluated images (its detections then count
     *       for nothing); -1 when every class is left out;</li>
     *   <li>the detections keep the evaluator's order and their true-positive flags, and each <i>block</i> (a
     *       maximal run of consecutive detections in that order with the same score on the same image) is repeated
     *       in place {@code multiplicity[i]} times (0: dropped), every repeat its own operating point of the
     *       precision-recall curve.</li>
     * </ul>
     * That is the evaluator's mAP of a dataset holding {@code multiplicity[i]} copies of image i whose ids follow
     * each other (no other evaluated image's id between them): the copies' detections are then adjacent in each tie
     * of scores, in copy order. With no two images' detections of a class at the same score the copies' ids do not
     * matter. With every multiplicity 1 it is {@link CenterDistanceEvaluator}'s mAP exactly.
     *
     * @throws IllegalArgumentException when the array's length is not {@link #images()} or an entry is negative
     */
    public double map(int[] multiplicity) {
        ImageBootstrap.checkMultiplicities(multiplicity, images);
        return mapUnchecked(multiplicity);
    }

    /** {@link #map(int[])} without the checks. */
    double mapUnchecked(int[] multiplicity) {
        double[] classAps = new double[classes.length];
        int counted = 0;
        for (ClassMatches c : classes) {
            long nPos = 0;
            for (int i = 0; i < c.gtImg.length; i++) {
                nPos += (long) multiplicity[c.gtImg[i]] * c.gtCount[i];
            }
            if (nPos == 0) {
                continue;
            }
            long length = 0;
            for (int b = 0; b < c.blockImg.length; b++) {
                length += (long) multiplicity[c.blockImg[b]] * (c.blockStart[b + 1] - c.blockStart[b]);
            }
            double[] aps = new double[c.tp.length];
            for (int t = 0; t < aps.length; t++) {
                aps[t] = NuScenesAp.ap(repeated(c, c.tp[t], multiplicity, Math.toIntExact(length)),
                        Math.toIntExact(nPos));
            }
            classAps[counted++] = CenterDistanceMetrics.meanOf(aps, aps.length);
        }
        return CenterDistanceMetrics.meanOf(classAps, counted);
    }

    /** The flags with every block of image i repeated {@code multiplicity[i]} times in place. */
    private static boolean[] repeated(ClassMatches c, boolean[] flags, int[] multiplicity, int length) {
        boolean[] out = new boolean[length];
        int o = 0;
        for (int b = 0; b < c.blockImg.length; b++) {
            int from = c.blockStart[b];
            int n = c.blockStart[b + 1] - from;
            for (int copy = multiplicity[c.blockImg[b]]; copy > 0; copy--) {
                System.arraycopy(flags, from, out, o, n);
                o += n;
            }
        }
        return out;
    }

    /** The bootstrap (ground truth, images and cell size) these matches were made for. */
    CenterDistanceBootstrap owner() {
        return owner;
    }
}
