package dev.inlierq.eval;

import java.util.Arrays;

/**
 * The ground-truth boxes of the evaluated images, grouped by (category index, image index) for
 * {@link CenterDistanceEvaluator}: their centres in pixels, the centre of an annotation's {@code rotated_bbox} when
 * the file gives one, else of its {@code bbox}; the {@code bbox} width and height in pixels; the heading, the
 * {@code rotated_bbox}'s yaw in radians or NaN without one; the footprint's {@code length} and {@code width}, the
 * {@code rotated_bbox}'s sides in pixels or NaN without one; and the box's {@code height} ({@link
 * CocoDataset#height}) or NaN without one. Crowd annotations are left out. Within a group the annotations keep
 * their file order.
 */
final class BevCentres {
    final double[] x;
    final double[] y;
    final double[] w;
    final double[] h;
    final double[] yaw;
    final double[] length;
    final double[] width;
    final double[] height;
    /** Group {@code (k, i)} is {@code start[k * nImg + i] .. start[k * nImg + i + 1]}. */
    private final int[] start;
    private final int nImg;

    private BevCentres(int n, int nCat, int nImg) {
        x = new double[n];
        y = new double[n];
        w = new double[n];
        h = new double[n];
        yaw = new double[n];
        length = new double[n];
        width = new double[n];
        height = new double[n];
        start = new int[nCat * nImg + 1];
        this.nImg = nImg;
    }

    /** The boxes of the annotations of {@code imgIds} (ascending) whose category is in {@code catIds} (ascending). */
    static BevCentres groundTruth(CocoDataset dataset, long[] imgIds, int[] catIds) {
        int nImg = imgIds.length;
        int[] count = new int[catIds.length * nImg];
        int n = 0;
        for (int i = 0; i < nImg; i++) {
            for (CocoDataset.Annotation a : dataset.annotations(imgIds[i])) {
                int k = Arrays.binarySearch(catIds, a.categoryId());
                if (k >= 0 && !a.iscrowd()) {
                    count[k * nImg + i]++;
                    n++;
                }
            }
        }
        BevCentres c = new BevCentres(n, catIds.length, nImg);
        for (int g = 0; g < count.length; g++) {
            c.start[g + 1] = c.start[g] + count[g];
        }
        int[] next = Arrays.copyOf(c.start, count.length);
        for (int i = 0; i < nImg; i++) {
            for (CocoDataset.Annotation a : dataset.annotations(imgIds[i])) {
                int k = Arrays.binarySearch(catIds, a.categoryId());
                if (k < 0 || a.iscrowd()) {
                    continue;
                }
                int j = next[k * nImg + i]++;
                var rotated = dataset.rotatedBox(a.id());
                c.x[j] = rotated.isPresent() ? rotated.get().cx() : a.x() + a.w() / 2;
                c.y[j] = rotated.isPresent() ? rotated.get().cy() : a.y() + a.h() / 2;
                c.w[j] = a.w();
                c.h[j] = a.h();
                c.yaw[j] = rotated.isPresent() ? rotated.get().yaw() : Double.NaN;
                c.length[j] = rotated.isPresent() ? rotated.get().length() : Double.NaN;
                c.width[j] = rotated.isPresent() ? rotated.get().width() : Double.NaN;
                c.height[j] = dataset.height(a.id()).orElse(Double.NaN);
            }
        }
        return c;
    }

    /** First index of the centres of category {@code k} on image {@code i}. */
    int from(int k, int i) {
        return start[k * nImg + i];
    }

    /** One past the last index of the centres of category {@code k} on image {@code i}. */
    int to(int k, int i) {
        return start[k * nImg + i + 1];
    }

    /** Whether a box of category {@code k} has a heading (a {@code rotated_bbox}). */
    boolean hasHeading(int k) {
        for (int g = start[k * nImg]; g < start[(k + 1) * nImg]; g++) {
            if (!Double.isNaN(yaw[g])) {
                return true;
            }
        }
        return false;
    }

    /** The number of centres of category {@code k} over all images. */
    int count(int k) {
        return start[(k + 1) * nImg] - start[k * nImg];
    }

    /** The number of centres. */
    int size() {
        return x.length;
    }
}
