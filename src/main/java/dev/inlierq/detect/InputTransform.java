package dev.inlierq.detect;

/**
 * The affine map from original-image pixels to network-input pixels, per axis:
 * {@code xIn = xOrig * scaleX + padX}, {@code yIn = yOrig * scaleY + padY}. Decoders apply its inverse
 * to boxes. For a letterbox, {@code scaleX = scaleY = r} (the ratio before the resized size is
 * truncated to whole pixels, as the YOLOX reference divides by it); for a stretch,
 * {@code scaleX = inW / w} and {@code scaleY = inH / h}.
 *
 * <p>A heading {@code yaw} (radians counter-clockwise from +x with +y up, so the pixel direction
 * {@code (cos yaw, -sin yaw)}; see {@link Detection#yaw()}) maps by its direction vector, each axis scaled as the
 * pixels are: {@code yawIn = atan2(sin yaw * scaleY, cos yaw * scaleX)}. With equal scales (a letterbox, or a
 * stretch of a square image to a square input) the angle is kept exactly as it is.
 */
public record InputTransform(double scaleX, double scaleY, double padX, double padY) {

    public InputTransform {
        if (!(scaleX > 0) || !(scaleY > 0) || !Double.isFinite(scaleX) || !Double.isFinite(scaleY)
                || !Double.isFinite(padX) || !Double.isFinite(padY)) {
            throw new IllegalArgumentException("invalid transform: scale " + scaleX + ", " + scaleY
                    + ", pad " + padX + ", " + padY);
        }
    }

    /** Original-image x of network-input x: {@code (x - padX) / scaleX}. */
    public double toOriginalX(double x) {
        return (x - padX) / scaleX;
    }

    /** Original-image y of network-input y: {@code (y - padY) / scaleY}. */
    public double toOriginalY(double y) {
        return (y - padY) / scaleY;
    }

    /** Original-image heading of a network-input heading: its direction vector divided by the scales per axis. */
    public double toOriginalYaw(double yaw) {
        return mapYaw(yaw, 1 / scaleX, 1 / scaleY);
    }

    /** Network-input heading of an original-image heading: its direction vector times the scales per axis. */
    public double toInputYaw(double yaw) {
        return mapYaw(yaw, scaleX, scaleY);
    }

    /** The heading of the direction {@code (cos yaw * fx, sin yaw * fy)}; {@code yaw} itself when fx == fy. */
    private static double mapYaw(double yaw, double fx, double fy) {
        if (fx == fy || Double.isNaN(yaw)) {
            return yaw;
        }
        return Math.atan2(Math.sin(yaw) * fy, Math.cos(yaw) * fx);
    }
}
