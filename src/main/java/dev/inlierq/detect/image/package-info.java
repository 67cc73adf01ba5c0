/**
 * 8-bit image decoding and resizing, matching what {@code cv2.imread} and {@code cv2.resize} give the
 * reference pipelines of the supported detectors: {@link dev.inlierq.detect.image.ImageLoader} (JPEG and
 * PNG to packed (H, W, 3) bytes in RGB or BGR), {@link dev.inlierq.detect.image.Resize} (OpenCV's
 * fixed-point INTER_LINEAR and INTER_NEAREST, bit-exact), {@link dev.inlierq.detect.image.ImageFolder}
 * (the images of a folder, sorted).
 */
package dev.inlierq.detect.image;
