package dev.inlierq.lidar;

/**
 * One labelled object of a LiDAR scene, in the pixels of its BEV image (column {@code u} right, row {@code v}
 * down; see {@link BevRaster}) as in its COCO annotation:
 *
 * @param categoryId the COCO category id, 1-based: 1 car, 2 truck, 3 pedestrian, 4 cyclist ({@link LidarClass})
 * @param x left edge of the axis-aligned hull of the rotated footprint, clipped to the image, 2 decimals
 * @param y top edge of that hull
 * @param w width of that hull
 * @param h height of that hull
 * @param rotated the footprint itself
 * @param z height of the box's centre above the ground, in metres (half its height), 3 decimals
 * @param height height of the box in metres, 3 decimals
 * @param numPoints the LiDAR returns on the object (at least the configured minimum)
 */
public record LidarBox(int categoryId, double x, double y, double w, double h, Rotated rotated, double z,
        double height, int numPoints) {

    /**
     * The footprint in pixels: centre {@code (cx, cy)}, {@code length} along the heading, {@code width} across it
     * (2 decimals), heading {@code yaw} in radians in [-pi, pi) (4 decimals), counter-clockwise from +x, as in the
     * world: in the image the heading points along {@code (cos yaw, -sin yaw)} since rows grow downwards.
     */
    public record Rotated(double cx, double cy, double length, double width, double yaw) {
    }

    /** The class of {@link #categoryId()}. */
    public LidarClass cls() {
        return LidarClass.ofCategory(categoryId);
    }

    /** {@code w * h}, the COCO {@code area}, 2 decimals. */
    public double area() {
        return LidarLabels.round(w * h, 100);
    }
}
