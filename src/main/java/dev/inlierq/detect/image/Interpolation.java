package dev.inlierq.detect.image;

/** Resampling used when resizing an 8-bit image; both reproduce OpenCV's {@code cv::resize}. */
public enum Interpolation {
    /** OpenCV {@code INTER_LINEAR} on 8-bit images, bit-exact; see {@link Resize}. */
    LINEAR,
    /** OpenCV {@code INTER_NEAREST}: source index {@code floor(dx * srcW / dstW)}, clamped. */
    NEAREST
}
