package dev.inlierq.lidar;

import java.util.SplittableRandom;

/**
 * The four labelled classes, in category-id order, with the ranges their sizes (metres) and surface
 * reflectivities are drawn from (uniform in each range). Sizes follow the common ranges of KITTI and nuScenes
 * boxes; a pedestrian's length and width are one diameter (a vertical cylinder).
 */
public enum LidarClass {
    CAR("car", "vehicle", new double[] {3.8, 4.9, 1.6, 2.0, 1.4, 1.7}, 0.2, 0.9),
    TRUCK("truck", "vehicle", new double[] {5.5, 9.0, 2.2, 2.6, 2.5, 3.5}, 0.3, 0.8),
    PEDESTRIAN("pedestrian", "person", new double[] {0.5, 0.7, 0.5, 0.7, 1.55, 1.9}, 0.15, 0.5),
    CYCLIST("cyclist", "person", new double[] {1.6, 1.9, 0.5, 0.7, 1.6, 1.85}, 0.2, 0.6);

    private final String cocoName;
    private final String supercategory;
    private final double[] sizes;
    private final double minReflectivity;
    private final double maxReflectivity;

    LidarClass(String cocoName, String supercategory, double[] sizes, double minReflectivity,
            double maxReflectivity) {
        this.cocoName = cocoName;
        this.supercategory = supercategory;
        this.sizes = sizes;
        this.minReflectivity = minReflectivity;
        this.maxReflectivity = maxReflectivity;
    }

    /** The COCO category name. */
    public String cocoName() {
        return cocoName;
    }

    /** The COCO supercategory: {@code vehicle} or {@code person}. */
    public String supercategory() {
        return supercategory;
    }

    /** The COCO category id, 1 to 4. */
    public int categoryId() {
        return ordinal() + 1;
    }

    /** The class of a 1-based category id. */
    public static LidarClass ofCategory(int id) {
        return values()[id - 1];
    }

    /** Length, width and height in metres; a pedestrian's width is its length (one diameter). */
    double[] sampleSize(SplittableRandom rng) {
        double length = uniform(rng, sizes[0], sizes[1]);
        double width = this == PEDESTRIAN ? length : uniform(rng, sizes[2], sizes[3]);
        return new double[] {length, width, uniform(rng, sizes[4], sizes[5])};
    }

    double sampleReflectivity(SplittableRandom rng) {
        return uniform(rng, minReflectivity, maxReflectivity);
    }

    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
