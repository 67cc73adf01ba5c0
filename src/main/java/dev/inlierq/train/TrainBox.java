package dev.inlierq.train;

/**
 * One labelled box of a training sample in network-input pixels: class channel {@code cls} (0-based), top-left
 * corner and size, edges continuous (a box of COCO's {@code [x, y, w, h]} covers {@code [x, x + w]}).
 */
public record TrainBox(int cls, double x, double y, double w, double h) {
    /** Centre x. */
    public double cx() {
        return x + w / 2;
    }

    /** Centre y. */
    public double cy() {
        return y + h / 2;
    }
}
