package dev.inlierq.train;

/**
 * One labelled box of a training sample in network-input pixels: class channel {@code cls} (0-based), top-left
 * corner and size, edges continuous (a box of COCO's {@code [x, y, w, h]} covers {@code [x, x + w]}), and the
 * object's heading {@code yaw} in radians counter-clockwise from +x with +y up (in pixels the heading points along
 * {@code (cos yaw, -sin yaw)}, as the {@code rotated_bbox} of the synthetic LiDAR labels), NaN when it has none.
 */
public record TrainBox(int cls, double x, double y, double w, double h, double yaw) {
    /** A box without a heading. */
    public TrainBox(int cls, double x, double y, double w, double h) {
        this(cls, x, y, w, h, Double.NaN);
    }

    /** Centre x. */
    public double cx() {
        return x + w / 2;
    }

    /** Centre y. */
    public double cy() {
        return y + h / 2;
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
