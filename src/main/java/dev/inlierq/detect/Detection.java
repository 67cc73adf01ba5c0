package dev.inlierq.detect;

/**
 * One detection in the coordinates of the original image, in COCO's convention: box (x, y) is the
 * top-left corner, (w, h) its size, all in original-image pixels; {@code categoryId} is the COCO
 * category id (1..90 for COCO, or whatever the spec's class map says).
 */
public record Detection(long imageId, int categoryId, double x, double y, double w, double h, double score) {
    /**
     * The score from which a float model's detection counts as confident where no label says otherwise: the
     * pseudo labels of the detections measure and the counts of {@code --calib-select dense}.
     */
    public static final double CONFIDENT_SCORE = 0.3;
}
