package dev.inlierq.detect;

/**
 * The affine map from original-image pixels to network-input pixels, per axis:
 * {@code xIn = xOrig * scaleX + padX}, {@code yIn = yOrig * scaleY + padY}. Decoders apply its inverse
 * to boxes. For a letterbox, {@code scaleX = scaleY = r} (the ratio before the resized size is
 * truncated to whole pixels, as the YOLOX reference divides by it); for a stretch,
 * {@code scaleX = inW / w} and {@code scaleY = inH / h}.
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
}
