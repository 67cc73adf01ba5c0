package dev.inlierq.train;

import java.util.Objects;

/**
 * What the trainer minimises: CenterNet's focal heatmap loss plus a box term, and how the heatmap is drawn.
 *
 * @param box the box term: CenterNet's sparse L1 on size and offset, or TTFNet's dense GIoU ({@link GiouLoss})
 * @param boxWeight weight of the GIoU term (TTFNet's 5); the CenterNet box terms keep their own weights
 * @param heatmap how each object's heatmap Gaussian is drawn ({@link Targets})
 */
public record LossOptions(Box box, double boxWeight, Heatmap heatmap) {
    /** TTFNet's weight of the GIoU term. */
    public static final double TTF_BOX_WEIGHT = 5;
    /** The committed detector's loss: CenterNet's. */
    public static final LossOptions CENTERNET = new LossOptions(Box.CENTERNET, TTF_BOX_WEIGHT, Heatmap.CENTERNET);

    /** The box regression loss. */
    public enum Box {
        /** CenterNet's L1 on size (weight 0.1) and offset (weight 1) at each object's centre cell only. */
        CENTERNET,
        /** TTFNet's GIoU loss at every cell of a Gaussian region around each centre ({@link BoxTargets}). */
        GIOU
    }

    /** The heatmap's Gaussian per object. */
    public enum Heatmap {
        /** CenterNet's round Gaussian, its radius from the box's size (min overlap 0.7). */
        CENTERNET,
        /** TTFNet's elliptical Gaussian, sigma = 0.54 x (w, h) / 6. */
        TTF
    }

    public LossOptions {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(heatmap, "heatmap");
        if (!(boxWeight > 0 && boxWeight < 1e3)) {
            throw new IllegalArgumentException("the box weight must be in (0, 1000), got " + boxWeight);
        }
    }
}
