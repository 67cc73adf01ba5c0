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
 *
 * <p>A footprint ({@link Box3d}: length along the heading, width across it, in pixels) maps as the rectangle
 * does, with {@code (fx, fy)} the scales of that direction: its length side {@code length (cos yaw, -sin yaw)}
 * becomes {@code length k} long, {@code k = hypot(cos yaw fx, sin yaw fy)}, along the mapped heading; the width is
 * the mapped shape's extent across that heading, {@code width fx fy / k}, so that the area scales by {@code fx fy}
 * as the image's. With equal scales that is the length and width times the scale, exactly; under a non-uniform
 * stretch the rectangle becomes a parallelogram, of that length and that distance between its long sides, and
 * mapping forth and back gives the footprint again. Without a heading (NaN) both sides scale by
 * {@code sqrt(fx fy)}, which keeps the area's scaling too. Heights stay as they are.
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

    /**
     * Original-image 3D part of a network-input one ({@code null} stays null): its footprint mapped along the
     * network-input heading {@code yaw} by the inverse scales, z and height kept.
     */
    public Box3d toOriginal(Box3d box, double yaw) {
        return mapSides(box, yaw, 1 / scaleX, 1 / scaleY);
    }

    /**
     * Network-input 3D part of an original-image one ({@code null} stays null): its footprint mapped along the
     * original-image heading {@code yaw} by the scales, z and height kept.
     */
    public Box3d toInput(Box3d box, double yaw) {
        return mapSides(box, yaw, scaleX, scaleY);
    }

    private static Box3d mapSides(Box3d box, double yaw, double fx, double fy) {
        if (box == null || !box.hasFootprint()) {
            return box;
        }
        if (fx == fy) {
            return box.withFootprint(box.length() * fx, box.width() * fx);
        }
        if (Double.isNaN(yaw)) {
            double f = Math.sqrt(fx * fy);
            return box.withFootprint(box.length() * f, box.width() * f);
        }
        double k = Math.hypot(Math.cos(yaw) * fx, Math.sin(yaw) * fy);
        return box.withFootprint(box.length() * k, box.width() * fx * fy / k);
    }

    /** The heading of the direction {@code (cos yaw * fx, sin yaw * fy)}; {@code yaw} itself when fx == fy. */
    private static double mapYaw(double yaw, double fx, double fy) {
        if (fx == fy || Double.isNaN(yaw)) {
            return yaw;
        }
        return Math.atan2(Math.sin(yaw) * fy, Math.cos(yaw) * fx);
    }
}
