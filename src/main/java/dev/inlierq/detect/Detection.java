package dev.inlierq.detect;

/**
 * One detection in the coordinates of the original image, in COCO's convention: box (x, y) is the
 * top-left corner, (w, h) its size, all in original-image pixels; {@code categoryId} is the COCO
 * category id (1..90 for COCO, or whatever the spec's class map says).
 */
public record Detection(long imageId, int categoryId, double x, double y, double w, double h, double score) {
}
