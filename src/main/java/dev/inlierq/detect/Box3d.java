package dev.inlierq.detect;

/**
 * The 3D part of a bird's-eye-view detection, as CenterPoint regresses it (Yin, Zhou and Krähenbühl, "Center-based
 * 3D Object Detection and Tracking", CVPR 2021): the footprint's {@code length} (along the detection's heading,
 * {@link Detection#yaw()}) and {@code width} (across it) in pixels of the image the detection is in, like the
 * {@code rotated_bbox} sides of the synthetic LiDAR labels; the height {@code z} of the box centre above the ground
 * and the box's {@code height}, in metres, like their {@code z} and {@code height}. A part the detector does not
 * predict is NaN: a footprint has both length and width or neither.
 *
 * @param length footprint side along the heading, in pixels (or NaN)
 * @param width footprint side across the heading, in pixels (or NaN)
 * @param z the box centre's height above the ground, in metres (or NaN)
 * @param height the box's height, in metres (or NaN)
 */
public record Box3d(double length, double width, double z, double height) {

    public Box3d {
        if (Double.isNaN(length) != Double.isNaN(width)) {
            throw new IllegalArgumentException("a footprint needs both its length and its width: " + length + " x "
                    + width);
        }
    }

    /** Whether the footprint's length and width are known. */
    public boolean hasFootprint() {
        return !Double.isNaN(length);
    }

    /** Whether the whole size is known: length, width and height (what the 3D scale error compares). */
    public boolean hasSize() {
        return hasFootprint() && !Double.isNaN(height);
    }

    /** Whether the centre's height is known. */
    public boolean hasZ() {
        return !Double.isNaN(z);
    }

    /** Whether every part can be written and scored: none is infinite (NaN means unknown). */
    public boolean isFinite() {
        return !Double.isInfinite(length) && !Double.isInfinite(width) && !Double.isInfinite(z)
                && !Double.isInfinite(height);
    }

    /** This box with another footprint (z and height kept). */
    public Box3d withFootprint(double newLength, double newWidth) {
        return new Box3d(newLength, newWidth, z, height);
    }
}
