package dev.inlierq.detect;

/**
 * One detection in the coordinates of the original image, in COCO's convention: box (x, y) is the
 * top-left corner, (w, h) its size, all in original-image pixels; {@code categoryId} is the COCO
 * category id (1..90 for COCO, or whatever the spec's class map says).
 *
 * <p>{@code yaw} is the heading of a bird's-eye-view detection, in radians counter-clockwise from the image's +x
 * axis with +y pointing up (so in image pixels the heading points along {@code (cos yaw, -sin yaw)}, as the
 * {@code rotated_bbox} of the synthetic LiDAR annotations), in [-pi, pi]; {@code NaN} when the detector predicts
 * no heading (every 2D detector, and the seven-argument constructor).
 *
 * <p>{@code box3d} is the 3D part of a detector that predicts one ({@link Box3d}: the footprint's length and width
 * along and across the heading, in pixels, the centre's height above the ground and the box's height, in metres),
 * or null (every other detector, and the seven- and eight-argument constructors). The footprint's sides are
 * measured along and across {@code yaw}; a detector that predicts them predicts the heading too.
 */
public record Detection(long imageId, int categoryId, double x, double y, double w, double h, double score,
        double yaw, Box3d box3d) {
    /**
     * The score from which a float model's detection counts as confident where no label says otherwise: the
     * pseudo labels of the detections measure and the counts of {@code --calib-select dense}.
     */
    public static final double CONFIDENT_SCORE = 0.3;

    /** A detection without a heading ({@code yaw} NaN) and without a 3D part. */
    public Detection(long imageId, int categoryId, double x, double y, double w, double h, double score) {
        this(imageId, categoryId, x, y, w, h, score, Double.NaN, null);
    }

    /** A detection with a heading (or NaN for none) and without a 3D part. */
    public Detection(long imageId, int categoryId, double x, double y, double w, double h, double score,
            double yaw) {
        this(imageId, categoryId, x, y, w, h, score, yaw, null);
    }

    /**
     * Whether every number can be written and scored: a finite box and score, and a yaw and 3D part whose numbers are
     * finite or NaN (none).
     */
    public boolean isFinite() {
        return Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(w) && Double.isFinite(h)
                && Double.isFinite(score) && !Double.isInfinite(yaw) && (box3d == null || box3d.isFinite());
    }

    /** Whether the detection carries a heading. */
    public boolean hasYaw() {
        return !Double.isNaN(yaw);
    }

    /** Whether the detection carries a footprint's length and width ({@link Box3d#hasFootprint()}). */
    public boolean hasFootprint() {
        return box3d != null && box3d.hasFootprint();
    }
}
