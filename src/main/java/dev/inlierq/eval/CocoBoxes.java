package dev.inlierq.eval;

import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.util.Arrays;
import java.util.Collection;

/**
 * Boxes of one kind (ground truth or detections) as parallel arrays, ordered by (category index, image
 * index, original order); {@code catStart[k]..catStart[k+1]} is category k's slice. For ground truth
 * {@code areaOrScore} holds the annotation's {@code area}, for detections the score. {@code yaw} holds the
 * detections' headings ({@link Detection#yaw()}, NaN for none), {@code length}, {@code width} and {@code height}
 * the sizes of their 3D parts ({@link Detection#box3d()}: footprint sides in pixels, height in metres; NaN for a
 * part they do not have); these are null for ground truth.
 */
final class CocoBoxes {
    final int n;
    final double[] x;
    final double[] y;
    final double[] w;
    final double[] h;
    final double[] areaOrScore;
    final boolean[] crowd;
    final double[] yaw;
    final double[] length;
    final double[] width;
    final double[] height;
    final int[] img;
    final int[] catStart;

    private CocoBoxes(int n, int nCat, boolean withCrowd) {
        this.n = n;
        x = new double[n];
        y = new double[n];
        w = new double[n];
        h = new double[n];
        areaOrScore = new double[n];
        crowd = withCrowd ? new boolean[n] : null;
        yaw = withCrowd ? null : new double[n];
        length = withCrowd ? null : new double[n];
        width = withCrowd ? null : new double[n];
        height = withCrowd ? null : new double[n];
        img = new int[n];
        catStart = new int[nCat + 1];
    }

    /** The ground truth of the evaluated images, in (category, image, annotation order). */
    static CocoBoxes groundTruth(CocoDataset dataset, long[] imgIds, int[] catIds) {
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
        CocoBoxes b = new CocoBoxes(n, catIds.length, true);
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

    /**
     * The detections on the evaluated images whose category the dataset declares, in (category, image,
     * input order).
     *
     * @throws IllegalArgumentException for a detection with a non-finite box or score, or an infinite yaw or 3D part
     * @throws UserError {@link ExitCode#BAD_ANNOTATIONS} for a detection on an image the dataset does not declare
     */
    static CocoBoxes detections(CocoDataset dataset, Collection<Detection> detections, long[] imgIds,
            int[] catIds) {
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
            if (!d.isFinite()) {
                throw new IllegalArgumentException("detection with a non-finite box or score, or an infinite yaw or "
                        + "3D part: " + d);
            }
            kept[n] = d;
            cat[n] = k;
            img[n] = i;
            n++;
        }
        int[] order = orderByCategoryThenImage(cat, img, n, catIds.length, imgIds.length);
        CocoBoxes b = new CocoBoxes(n, catIds.length, false);
        for (int j = 0; j < n; j++) {
            Detection d = kept[order[j]];
            b.x[j] = d.x();
            b.y[j] = d.y();
            b.w[j] = d.w();
            b.h[j] = d.h();
            b.areaOrScore[j] = d.score();
            b.yaw[j] = d.yaw();
            b.length[j] = d.box3d() == null ? Double.NaN : d.box3d().length();
            b.width[j] = d.box3d() == null ? Double.NaN : d.box3d().width();
            b.height[j] = d.box3d() == null ? Double.NaN : d.box3d().height();
            b.img[j] = img[order[j]];
            b.catStart[cat[order[j]] + 1]++;
        }
        prefixSum(b.catStart);
        return b;
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

    private static void prefixSum(int[] a) {
        for (int i = 1; i < a.length; i++) {
            a[i] += a[i - 1];
        }
    }
}
