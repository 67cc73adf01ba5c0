package dev.inlierq.train;

import dev.inlierq.detect.Box3d;

/**
 * One labelled box of a training sample in network-input pixels: class channel {@code cls} (0-based), top-left
 * corner and size, edges continuous (a box of COCO's {@code [x, y, w, h]} covers {@code [x, x + w]}), and the
 * object's heading {@code yaw} in radians counter-clockwise from +x with +y up (in pixels the heading points along
 * {@code (cos yaw, -sin yaw)}, as the {@code rotated_bbox} of the synthetic LiDAR labels), NaN when it has none;
 * and its 3D box {@code box3d} ({@link Box3d}: the footprint's length and width along and across the label's heading
 * in the same pixels, the centre's height and the box's height in metres), null when it has none. A flip leaves the
 * 3D box as it is: it mirrors the footprint, whose sides and heights stay.
 */
public record TrainBox(int cls, double x, double y, double w, double h, double yaw, Box3d box3d) {
    /** A box without a heading or a 3D box. */
    public TrainBox(int cls, double x, double y, double w, double h) {
        this(cls, x, y, w, h, Double.NaN, null);
    }

    /** A box with a heading (or NaN for none) and without a 3D box. */
    public TrainBox(int cls, double x, double y, double w, double h, double yaw) {
        this(cls, x, y, w, h, yaw, null);
    }

    /** Centre x. */
    public double cx() {
        return x + w / 2;
    }

    /** Centre y. */
    public double cy() {
        return y + h / 2;
    }

    /**
     * Whether the box has a complete 3D box whose sizes have logarithms: a positive length, width and height, and a
     * centre height (what the 3D targets need).
     */
    public boolean hasBox3d() {
        return box3d != null && box3d.hasZ() && box3d.length() > 0 && box3d.width() > 0 && box3d.height() > 0;
    }

    /** Whether the box has a heading. */
    public boolean hasYaw() {
        return !Double.isNaN(yaw);
    }

    /**
     * The heading after flipping the image: horizontally {@code pi - yaw}, vertically {@code -yaw}, both
     * {@code yaw - pi}; wrapped to [-pi, pi). NaN stays NaN.
     */
    static double flippedYaw(double yaw, boolean horizontal, boolean vertical) {
        if (Double.isNaN(yaw) || !horizontal && !vertical) {
            return yaw;
        }
        double y = horizontal ? Math.PI - yaw : yaw;
        return wrap(vertical ? -y : y);
    }

    /** The angle in [-pi, pi) equal to {@code a} modulo 2 pi. */
    static double wrap(double a) {
        double twoPi = 2 * Math.PI;
        double r = a - twoPi * Math.floor((a + Math.PI) / twoPi);
        return r >= Math.PI ? r - twoPi : r;
    }
}
